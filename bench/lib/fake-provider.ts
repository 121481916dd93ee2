// A zero-latency stand-in for the OpenAI Images and Videos APIs, handed to the server as its
// `fetch`: the real SDK and adapter code run, but every answer is ready at once (precomputed PNG,
// a video that is `completed` on its first status poll, the bundled MP4 and poster). What remains
// of a generation's latency is ours.
import { gradientPng, samplePosterJpeg, sampleVideoMp4 } from "@streamline/fakes/providers";

export type FakeRoute = "images.generate" | "videos.create" | "videos.retrieve" | "videos.content";

const PNG_B64 = Buffer.from(gradientPng(64, 64)).toString("base64");
const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

export function zeroLatencyProvider() {
  const counts: Record<FakeRoute, number> = {
    "images.generate": 0,
    "videos.create": 0,
    "videos.retrieve": 0,
    "videos.content": 0,
  };
  let next = 0;
  const now = () => Math.floor(Date.now() / 1000);
  const video = (id: string, done: boolean) => ({
    id,
    object: "video",
    model: "sora-2",
    status: done ? "completed" : "queued",
    progress: done ? 100 : 0,
    created_at: now(),
    completed_at: done ? now() : null,
    expires_at: done ? now() + 3600 : null,
    error: null,
    prompt: "",
    remixed_from_video_id: null,
    seconds: "4",
    size: "720x1280",
  });
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (
      init?.method ?? (input instanceof Request ? input.method : "GET")
    ).toUpperCase();
    const path = url.pathname.replace(/^\/v1/, "");
    if (method === "POST" && path === "/images/generations") {
      counts["images.generate"]++;
      return json({
        created: now(),
        background: "opaque",
        data: [{ b64_json: PNG_B64 }],
        output_format: "png",
        quality: "medium",
        size: "1024x1024",
        usage: { input_tokens: 10, output_tokens: 1056, total_tokens: 1066 },
      });
    }
    if (method === "POST" && path === "/videos") {
      counts["videos.create"]++;
      return json(video(`video_bench_${process.pid}_${++next}`, false));
    }
    const content = /^\/videos\/([^/]+)\/content$/.exec(path);
    if (content) {
      counts["videos.content"]++;
      const poster = url.searchParams.get("variant") === "thumbnail";
      const bytes = poster ? samplePosterJpeg : sampleVideoMp4;
      return new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: {
          "content-type": poster ? "image/jpeg" : "video/mp4",
          "content-length": String(bytes.byteLength),
        },
      });
    }
    const retrieve = /^\/videos\/([^/]+)$/.exec(path);
    if (retrieve) {
      counts["videos.retrieve"]++;
      return json(video(retrieve[1] as string, true));
    }
    return new Response(JSON.stringify({ error: { message: `no fake for ${method} ${path}` } }), {
      status: 404,
      headers: { "content-type": "application/json" },
    });
  }) as typeof globalThis.fetch;
  return { fetch, counts };
}
