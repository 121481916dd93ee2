// `pnpm --filter @streamline/bench exec tsx demo-video.ts`: time from media.generate to a finished
// offline-demo video at the product's default poll interval (2–10 s), and what the video holds
// (ffmpeg's reading of the stored file). A one-off figure for the README, not part of `pnpm bench`.
import { inspectVideo } from "@streamline/storage";
import { collectEvents, startTestServer } from "../apps/server/test/harness";

const server = await startTestServer("pglite", {
  OPENAI_API_KEY: "",
  GEMINI_API_KEY: "",
  MEDIA_DEMO: "1",
  MEDIA_ENABLE_MODELS: "",
  MEDIA_POLL_MIN_MS: "2000",
  MEDIA_POLL_MAX_MS: "10000",
});
try {
  const client = server.client("bench-demo-video");
  for (const run of [1, 2, 3]) {
    const started = performance.now();
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "gemini-omni-1.1-flash",
      prompt: `A skateboarder jumps over a fountain at golden hour (run ${run})`,
      options: { durationSeconds: 8, aspectRatio: "9:16", resolution: "720p" },
    });
    await collectEvents<{ status: string }>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (events) => events.some((e) => e.status === "succeeded" || e.status === "failed"),
      120_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const done = await client.media.byId.query({ id: asset.id });
    const file = new Uint8Array(
      await (await fetch(`${server.url}${done.resultUrl}`)).arrayBuffer(),
    );
    const { info } = await inspectVideo(file);
    console.log(
      `run ${run}: ${done.status} after ${seconds.toFixed(1)} s; asked 720x1280 8 s, got ${info?.width}x${info?.height} ${info?.durationSeconds} s`,
    );
  }
} finally {
  await server.close();
}
