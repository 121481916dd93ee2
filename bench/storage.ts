// Storing a generated video: the product streams it to disk. Baseline: buffering the whole body
// first. Reports time and peak extra memory, each as a ratio.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLocalStorage } from "@streamline/storage";
import { medianMs, peakExtraBytes, report } from "./measure";

const SIZE = 64 * 1024 * 1024;
const CHUNK = 256 * 1024;

function videoBody(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= SIZE) return controller.close();
      controller.enqueue(new Uint8Array(CHUNK).fill(sent % 251));
      sent += CHUNK;
    },
  });
}

export async function storageBench(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "streamline-bench-"));
  const storage = createLocalStorage({ rootDir: dir });
  const streamed = () => storage.putObject({ body: videoBody(), contentType: "video/mp4" });
  const buffered = async () => {
    const whole = new Uint8Array(await new Response(videoBody()).arrayBuffer());
    return storage.putObject({ body: whole, contentType: "video/mp4" });
  };
  try {
    const mem = { streamed: 0, buffered: 0 };
    for (let i = 0; i < 3; i++) {
      mem.streamed = Math.max(mem.streamed, await peakExtraBytes(streamed));
      mem.buffered = Math.max(mem.buffered, await peakExtraBytes(buffered));
    }
    report(
      "store a 64 MB video, peak extra memory",
      mem.streamed / 2 ** 20,
      mem.buffered / 2 ** 20,
      "MB",
    );
    report(
      "store a 64 MB video, time",
      await medianMs(streamed, 5, 1),
      await medianMs(buffered, 5, 1),
      "ms",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
