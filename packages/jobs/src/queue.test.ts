// Job pickup: a queued job starts within about a second of a worker slot freeing, on both
// backends, also when more jobs are queued than there are slots (pg-boss's NOTIFY backstop alone
// would leave them waiting 30 s).
import { ensureUserRow, findMediaAsset, insertMediaAsset } from "@streamline/db";
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import { currentContext, type LogContext, runInNewContext } from "@streamline/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryPlan } from "./generation/provider-job";
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

describe.each(testBackends())("a job's log context on %s", (backend) => {
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

  it("runs in the request id and user of the call that enqueued it, with its own job id", async () => {
    const seen = new Map<string, LogContext | undefined>();
    const worker = await startGenerationWorker(queue, {} as never, {
      runJob: async (assetId) => {
        seen.set(assetId, currentContext() && ({ ...currentContext() } as LogContext));
      },
    });
    const fromCall = "00000000-0000-4000-8000-0000000000a1";
    const fromNowhere = "00000000-0000-4000-8000-0000000000a2";
    try {
      await runInNewContext({ requestId: "call-42", userId: "user-42" }, () =>
        db.db.transaction().execute((tx) => queue.enqueue(tx, fromCall)),
      );
      await db.db.transaction().execute((tx) => queue.enqueue(tx, fromNowhere));
      const deadline = Date.now() + 20_000;
      while (seen.size < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen.get(fromCall)).toMatchObject({
        requestId: "call-42",
        userId: "user-42",
        queue: "media-generate",
        assetId: fromCall,
        jobId: expect.any(String),
      });
      // Enqueued outside any call: a request id of its own, and no user it did not have.
      const other = seen.get(fromNowhere);
      expect(other?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(other?.userId).toBeUndefined();
      expect(other?.jobId).not.toBe(seen.get(fromCall)?.jobId);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});

describe.each(testBackends())("abandoned generation jobs on %s", (backend) => {
  let db: TestDb;
  let queue: GenerationQueue;

  beforeAll(async () => {
    db = await createTestDb(backend);
    // Retries used up quickly: one try again, no delay.
    queue = await createGenerationQueue(db, { retryLimit: 1, retryDelaySeconds: 0 });
  }, 60_000);

  afterAll(async () => {
    await queue?.stop({ graceful: false, timeoutMs: 1_000 });
    await db?.close();
  });

  it("marks the asset failed, its provider job resumable, once the retries run out", async () => {
    await ensureUserRow(db.db, "dead-letter-user");
    const asset = await insertMediaAsset(db.db, {
      user_id: "dead-letter-user",
      provider: "openai",
      type: "video",
      model: "sora-2",
      prompt: "A worker that keeps dying",
      status: "running",
      provider_job_id: "video_123",
    });
    let runs = 0;
    const worker = await startGenerationWorker(queue, { db: db.db, logger: () => {} } as never, {
      concurrency: 1,
      runJob: async () => {
        runs++;
        throw new Error("worker died");
      },
    });
    try {
      await db.db.transaction().execute((tx) => queue.enqueue(tx, asset.id));
      const deadline = Date.now() + 20_000;
      let row = await findMediaAsset(db.db, { id: asset.id, userId: "dead-letter-user" });
      while (row?.status === "running" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        row = await findMediaAsset(db.db, { id: asset.id, userId: "dead-letter-user" });
      }
      expect(runs).toBe(2);
      expect(row).toMatchObject({ status: "failed", error_code: "TIMEOUT" });
      expect(row?.error_message).toMatch(/Retry picks it up again, with no new charge/);
      expect(row?.metadata.providerJob).toBe("live");
      expect(retryPlan(row as NonNullable<typeof row>)).toBe("resume");
    } finally {
      await worker.stop();
    }
  }, 40_000);
});
