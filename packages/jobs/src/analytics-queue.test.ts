// The analytics tick on pg-boss: it keeps re-sending itself, and however often it is asked for,
// at most one tick waits in the queue (the `stately` policy).
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyticsQueue, startAnalyticsWorker } from "./analytics-queue";
import type { AnalyticsTickResult } from "./analytics-refresh";
import { createGenerationQueue, type GenerationQueue } from "./queue";

describe.each(testBackends())("analytics tick queue on %s", (backend) => {
  let db: TestDb;
  let queue: GenerationQueue;
  beforeAll(async () => {
    db = await createTestDb(backend);
    queue = await createGenerationQueue(db);
  }, 60_000);
  afterAll(async () => {
    await queue?.stop({ graceful: false, timeoutMs: 1_000 });
    await db?.close();
  });

  it("ticks again and again, and never queues a second tick", async () => {
    const analytics = await createAnalyticsQueue(queue.boss);
    const ticks: AnalyticsTickResult[] = [];
    const worker = await startAnalyticsWorker(
      analytics,
      { db: db.db, zernio: undefined, logger: () => {} },
      { tickSeconds: 1, pollingIntervalSeconds: 0.5, onTick: (r) => ticks.push(r) },
    );
    try {
      const deadline = Date.now() + 20_000;
      while (ticks.length < 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks[0]?.skipped).toBe("unconfigured");
      await worker.stop();
      const sent = await Promise.all(Array.from({ length: 5 }, () => analytics.requestTick(60)));
      expect(sent.filter(Boolean).length).toBeLessThanOrEqual(1);
    } finally {
      await worker.stop();
    }
  }, 30_000);
});
