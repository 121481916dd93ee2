// Offline demo generations and captions: the SDK clients get a `fetch` answered in this process by
// the provider fakes the tests use (@streamline/fakes), so the real SDK code paths run end to end
// without network. Results are drawn locally (the image shows the prompt; a video shows it over
// moving imagery, rendered by the bundled ffmpeg: video.ts) and every demo asset is labelled as such.
import { createFakeFetch } from "@streamline/fakes/fetch";
import {
  createGoogleCaptionsMock,
  createGoogleMock,
  createOpenAIMock,
  createOpenAIResponsesMock,
  GOOGLE_MOCK_API_KEY,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import sharp from "sharp";
import { escapeXml, wrap } from "./text";
import { renderDemoVideo } from "./video";

const OPENAI_DEMO_URL = "https://openai.demo.invalid/v1";
const GEMINI_DEMO_URL = "https://gemini.demo.invalid";

export function createDemoProviders() {
  const renderImage = ({
    prompt,
    width,
    height,
  }: {
    prompt: string;
    width: number;
    height: number;
  }) => drawPromptCard(prompt, width, height);
  // A demo video is the prompt over moving imagery at the asked size and duration, rendered by the
  // bundled ffmpeg when the job is created (~1–2 s at 720p) and done at the first status poll (one
  // poll interval, 2 s by default), so a first-time creator sees a result in a few seconds. (It
  // used to take 8 polls — ~51 s at the 2–10 s growing interval — for a 4 s 360×640 sample.)
  const renderVideo = renderDemoVideo;
  const openai = createOpenAIMock({
    baseURL: OPENAI_DEMO_URL,
    videoPollsToComplete: 1,
    renderImage,
    renderVideo,
  });
  const google = createGoogleMock({
    baseURL: GEMINI_DEMO_URL,
    videoPollsToComplete: 1,
    renderImage,
    renderVideo,
  });
  // Captions: the Responses API and Gemini's caption models (these go before the Gemini media
  // mock, whose handlers answer every other model).
  const openaiCaptions = createOpenAIResponsesMock({ baseURL: OPENAI_DEMO_URL });
  const googleCaptions = createGoogleCaptionsMock({ baseURL: GEMINI_DEMO_URL });
  // Only the demo hosts are answered here; anything else (a reference-image URL) goes out as usual.
  const demoFetch = createFakeFetch(
    [
      ...openaiCaptions.handlers,
      ...openai.handlers,
      ...googleCaptions.handlers,
      ...google.handlers,
    ],
    {
      serves: (url) => url.hostname.endsWith(".demo.invalid"),
      notServed: () =>
        new Response(JSON.stringify({ error: { message: "Not served in demo mode." } }), {
          status: 404,
        }),
    },
  );
  return {
    openai: { apiKey: OPENAI_MOCK_API_KEY, baseURL: OPENAI_DEMO_URL, fetch: demoFetch },
    google: { apiKey: GOOGLE_MOCK_API_KEY, baseURL: GEMINI_DEMO_URL, fetch: demoFetch },
  };
}

/** A PNG card with the prompt on it, clearly marked as a demo result. */
async function drawPromptCard(prompt: string, width: number, height: number): Promise<Uint8Array> {
  const fontSize = Math.max(16, Math.round(Math.min(width, height) / 18));
  const lines = wrap(prompt, Math.max(12, Math.floor((width * 0.8) / (fontSize * 0.55))), 8);
  const text = lines
    .map((l, i) => `<tspan x="50%" dy="${i === 0 ? 0 : 1.3}em">${escapeXml(l)}</tspan>`)
    .join("");
  const top = height / 2 - ((lines.length - 1) * fontSize * 1.3) / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#3b2a8f"/><stop offset="1" stop-color="#e0674a"/></linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
  <text x="50%" y="${top}" text-anchor="middle" font-family="sans-serif" font-size="${fontSize}" fill="#fff">${text}</text>
  <text x="${fontSize}" y="${height - fontSize}" font-family="sans-serif" font-weight="bold" font-size="${Math.round(fontSize * 0.8)}" fill="#ffffffcc">DEMO · Streamline AI Studio</text>
</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
