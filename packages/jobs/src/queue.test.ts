// Job pickup: a queued job starts within about a second of a worker slot freeing, on both
// backends, also when more jobs are queued than there are slots (pg-boss's NOTIFY backstop alone
// would leave them waiting 30 s).
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerationQueue, type GenerationQueue } from "./queue";
import { startGenerationWorker } from "./worker";

describe.each(testBackends())("generation queue on %s", (backend) => {
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

  it("starts the next queued job within ~1 s of a slot freeing", async () => {
    const slots = 2;
    const jobs = 7;
    const jobMs = 300;
    const started = new Map<string, number>();
    const ended: number[] = [];
    const worker = await startGenerationWorker(queue, {} as never, {
      concurrency: slots,
      runJob: async (assetId) => {
        started.set(assetId, Date.now());
        await new Promise((resolve) => setTimeout(resolve, jobMs));
        ended.push(Date.now());
      },
    });
    try {
      // Let the idle workers settle into their wait first: that is when the backstop bites.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const ids = Array.from({ length: jobs }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
      await db.db.transaction().execute(async (tx) => {
        for (const id of ids) await queue.enqueue(tx, id);
      });
      const deadline = Date.now() + 20_000;
      while (ended.length < jobs && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ended.length).toBe(jobs);
      // Every job beyond the first `slots` waits for one to end; it must start soon after one does.
      const starts = [...started.values()].sort((a, b) => a - b);
      const ends = [...ended].sort((a, b) => a - b);
      const gaps = starts.slice(slots).map((start, i) => start - (ends[i] as number));
      console.log(
        `[figures] job pickup on ${backend}: ${jobs} jobs on ${slots} slots, longest wait after a slot freed ${Math.max(...gaps)} ms`,
      );
      expect(Math.max(...gaps)).toBeLessThan(1_500);
    } finally {
      await worker.stop();
    }
  }, 40_000);
});
