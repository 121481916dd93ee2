// Hostile input, the valid half: prompts with emoji (ZWJ sequences, skin tones, flags), RTL text
// with bidi controls, combining marks and control characters are accepted and come back byte for
// byte — from media.generate, media.byId, media.list, the live progress stream's asset, and as the
// provider received them. (The invalid half — NUL, lone surrogates, prototype keys, huge numbers,
// oversized strings over every procedure — is test/fuzz.test.ts, run here with FUZZ_RUNS=10000.)
import { createMediaClient } from "@streamline/client";
import { testBackends } from "@streamline/db/testing";
import { createGoogleMock, createOpenAIMock } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/harness";
import { recordFigures, recordingFetch, SENTINEL, secretsIn, sleep } from "./helpers";

const openai = createOpenAIMock({ apiKey: SENTINEL.openai });
const google = createGoogleMock({ apiKey: SENTINEL.gemini });
const providerApis = setupServer(...openai.handlers, ...google.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

/** Valid prompts (no leading/trailing whitespace: prompts are trimmed, by design). */
export const HOSTILE_PROMPTS = [
  "Creatine gummies 💪🏽 in a gym bag 🏋️‍♀️ — family pack 👩‍👩‍👧‍👦, flags 🇩🇪🇯🇵🏳️‍🌈",
  "علبة حلوى الكرياتين على رف المطبخ، إضاءة ناعمة",
  "מוצר \u202Eהפוך\u202C ו\u2067בידוד\u2069 עם English mixed in, 123",
  "Bell\u0007 escape\u001b[31mred\u001b[0m tab\there\r\nnew line\u000bvtab\u000cff\u0085nel\u2028ls\u2029ps",
  "Zalgo z\u0351\u0308\u0336a\u0310\u0323l\u0301\u0330g\u0306\u0329o — e\u0301 vs é (NFD vs NFC)",
  "Zero\u200Bwidth\u200Cjoiner\u200Dmarks\uFEFFBOM \u00ADsoft-hyphen and variation \u2764\uFE0F \u2764\uFE0E",
  "Astral 𝕮𝖗𝖊𝖆𝖙𝖎𝖓𝖊 𝟙𝟚𝟛 𓀀 and CJK 肌酸软糖 in 日本語 / 한국어",
  'Quotes \' " ` \\ backslash \\\\ and JSON-ish {"json":null} <script>alert(1)</script> %00 %s',
];

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");

describe.each(testBackends())("hostile prompts round-trip (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    openai.reset();
    google.reset();
    server = await startTestServer(backend, {
      OPENAI_API_KEY: SENTINEL.openai,
      GEMINI_API_KEY: SENTINEL.gemini,
      MEDIA_MAX_CONCURRENT_PER_USER: "100",
      MEDIA_DAILY_SPEND_USD: "100000",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("keeps every byte of emoji, RTL and control-character prompts", async () => {
    const recorder = recordingFetch();
    const client = createMediaClient({
      url: server.url,
      headers: { "x-streamline-user": `hostile-${backend}` },
      fetch: recorder.fetch,
    });
    const mismatches: string[] = [];
    const ids: string[] = [];
    for (const [i, prompt] of HOSTILE_PROMPTS.entries()) {
      const model = i % 2 === 0 ? "gpt-image-2" : "gemini-3.1-flash-image";
      const { asset } = await client.media.generate.mutate({ type: "image", model, prompt });
      ids.push(asset.id);
      if (hex(asset.prompt) !== hex(prompt)) mismatches.push(`generate #${i}`);
    }
    // Done, then read back every way an asset comes back.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const all = await Promise.all(ids.map((id) => client.media.byId.query({ id })));
      if (all.every((a) => a.status === "succeeded")) break;
      await sleep(200);
    }
    for (const [i, id] of ids.entries()) {
      const prompt = HOSTILE_PROMPTS[i] as string;
      const byId = await client.media.byId.query({ id });
      expect(byId.status, `#${i}`).toBe("succeeded");
      if (hex(byId.prompt) !== hex(prompt)) mismatches.push(`byId #${i}`);
    }
    const page = await client.media.list.query({ limit: 50 });
    for (const [i, id] of ids.entries()) {
      const listed = page.items.find((a) => a.id === id);
      if (!listed || hex(listed.prompt) !== hex(HOSTILE_PROMPTS[i] as string))
        mismatches.push(`list #${i}`);
    }
    // What the providers were sent.
    const sent = [
      ...openai.requestsTo("images.generate").map((r) => String(r.json?.prompt ?? "")),
      ...google.requestsTo("generateContent").map((r) => JSON.stringify(r.json ?? {})),
    ];
    for (const [i, prompt] of HOSTILE_PROMPTS.entries()) {
      const exact =
        i % 2 === 0
          ? sent.includes(prompt)
          : sent.some((s) => s.includes(JSON.stringify(prompt).slice(1, -1)));
      if (!exact) mismatches.push(`provider #${i}`);
    }
    // Search finds a word of the Arabic and the CJK prompt.
    const arabic = await client.media.list.query({ search: "الكرياتين" });
    const bodies = await recorder.texts();
    recordFigures(`hostile-${backend}`, {
      prompts: HOSTILE_PROMPTS.length,
      mismatches,
      arabicSearchHits: arabic.items.length,
      secretsInResponses: bodies.filter((b) => secretsIn(b).length).length,
    });
    expect(mismatches).toEqual([]);
    expect(arabic.items.map((a) => a.id)).toContain(ids[1]);
    expect(bodies.filter((b) => secretsIn(b).length)).toEqual([]);
  }, 120_000);
});
