// Video probing (issue 18, decision 6): a stored video's size and duration read by an ffmpeg child
// (before) and from its MP4 header in process (after), on the bundled sample video. Figures: this
// process's CPU per video (the event loop's share: spawning a child and reading its output vs the
// header read) and wall time per video, medians of alternated rounds.
import { fileURLToPath } from "node:url";
import { inspectVideo } from "@streamline/storage";
import type { Section } from "./lib/results";
import { fmt, median } from "./lib/stats";

const sample = fileURLToPath(
  new URL("../packages/fakes/src/providers/fixtures/sample-video.mp4", import.meta.url),
);

async function measure(probe: "ffmpeg" | "header", n: number) {
  const cpu0 = process.cpuUsage();
  const walls: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const { info } = await inspectVideo(sample, { probe });
    walls.push(performance.now() - t0);
    if (!info) throw new Error(`${probe}: the sample was not read`);
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / n, wallMs: median(walls) };
}

export async function probeBench(out: Section): Promise<void> {
  const rounds = 3;
  const per = 10;
  const runs: Record<"ffmpeg" | "header", { cpuMs: number; wallMs: number }[]> = {
    ffmpeg: [],
    header: [],
  };
  await measure("ffmpeg", 2); // warm-up
  await measure("header", 2);
  for (let r = 0; r < rounds; r++) {
    runs.ffmpeg.push(await measure("ffmpeg", per));
    runs.header.push(await measure("header", per));
  }
  const med = (k: "ffmpeg" | "header", f: (x: { cpuMs: number; wallMs: number }) => number) =>
    median(runs[k].map(f));
  const cpuRatio = med("header", (x) => x.cpuMs) / med("ffmpeg", (x) => x.cpuMs);
  out.line(
    `${rounds} alternated rounds × ${per} videos (the bundled 4 s sample, moov at the end), sequential; the server's process is this one.`,
  );
  out.line();
  out.table(
    ["probe", "main-process CPU ms per video", "wall ms per video (median)"],
    [
      [
        "before: ffmpeg child (`ffmpeg -i`)",
        fmt(
          med("ffmpeg", (x) => x.cpuMs),
          2,
        ),
        fmt(
          med("ffmpeg", (x) => x.wallMs),
          1,
        ),
      ],
      [
        "after: MP4 header in process",
        fmt(
          med("header", (x) => x.cpuMs),
          2,
        ),
        fmt(
          med("header", (x) => x.wallMs),
          1,
        ),
      ],
      [
        "after / before",
        `${fmt(cpuRatio, 3)}×`,
        `${fmt(med("header", (x) => x.wallMs) / med("ffmpeg", (x) => x.wallMs), 3)}×`,
      ],
    ],
  );
}
