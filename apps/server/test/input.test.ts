// Refusals seen from outside: every bad input is a BAD_REQUEST naming its field in words, never a
// 500 or a database message; an ambiguous reference photo never reaches a provider.
import { encodeCursor } from "@streamline/db";
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, gradientPng, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock();
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

type Answer = {
  status: number;
  code?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
};

describe.each(testBackends())("input refusals (%s)", (backend) => {
  let server: TestServer;
  const user = { "x-streamline-user": "input-user", origin: "http://localhost:5173" };
  beforeAll(async () => {
    server = await startTestServer(backend, { OPENAI_API_KEY: OPENAI_MOCK_API_KEY });
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    openai.requests.length = 0;
  });

  async function answer(response: Response): Promise<Answer> {
    const text = await response.text();
    expect(text).not.toMatch(
      /invalid byte sequence|out of range|Cannot destructure|is not a function/,
    );
    const body = JSON.parse(text) as { error?: { json?: Record<string, any> } };
    const error = body.error?.json;
    return {
      status: response.status,
      code: error?.data?.code,
      message: error?.message,
      fieldErrors: error?.data?.zodError?.fieldErrors,
    };
  }
  const query = async (path: string, input: unknown, headers: Record<string, string> = user) =>
    answer(
      await fetch(
        `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
        { headers },
      ),
    );
  const mutate = async (path: string, body: unknown, headers: Record<string, string> = user) =>
    answer(
      await fetch(`${server.url}/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify({ json: body }),
      }),
    );
  const generateForm = async (form: FormData) =>
    answer(
      await fetch(`${server.url}/trpc/media.generate`, {
        method: "POST",
        headers: user,
        body: form,
      }),
    );
  const input = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ type: "image", model: "gpt-image-2", prompt: "A product photo", ...extra });
  const png = () => new File([gradientPng(64, 64)], "ref.png", { type: "image/png" });

  it("refuses NUL and lone surrogates as BAD_REQUEST naming the field", async () => {
    const prompt = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "a\u0000b",
    });
    expect(prompt).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(prompt.fieldErrors?.prompt?.[0]).toMatch(/NUL/);
    const surrogate = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "bad \ud800 text",
    });
    expect(surrogate.fieldErrors?.prompt?.[0]).toMatch(/surrogate/);
    const model = await query("media.list", { model: "gpt\u0000" });
    expect(model).toMatchObject({
      status: 400,
      fieldErrors: { model: [expect.stringMatching(/NUL/)] },
    });
    const cursorId = await query("media.list", {
      cursor: Buffer.from(`2026-01-01T00:00:00.000Z|abc\u0000`).toString("base64url"),
    });
    expect(cursorId).toMatchObject({ status: 400, fieldErrors: { cursor: [expect.any(String)] } });
    const farDate = await query("media.list", {
      cursor: encodeCursor({
        createdAt: new Date("-271821-04-20T00:00:00.000Z"),
        id: "00000000-0000-4000-8000-000000000000",
      }),
    });
    expect(farDate).toMatchObject({
      status: 400,
      message: "cursor: That page cursor is not valid.",
    });
    const option = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "x",
      options: { "size\u0000": "1024x1024" },
    });
    expect(option.status).toBe(400);
  });

  it("answers every schema failure in words, naming the field", async () => {
    const missing = await mutate("media.generate", { type: "image", model: "gpt-image-2" });
    expect(missing).toMatchObject({ status: 400, message: "prompt: is required." });
    expect(missing.fieldErrors?.prompt).toHaveLength(1);
    const mistyped = await mutate("media.generate", { type: "image", model: 42, prompt: "x" });
    expect(Object.keys(mistyped.fieldErrors ?? {})).toEqual(["model"]);
    expect(mistyped.message).toBe("model: must be text.");
    // A value of the wrong type is not "required": the answer says what is wrong with it.
    for (const [prompt, words] of [
      [42, "text"],
      [{ text: "x" }, "text"],
      [null, "text"],
    ] as const) {
      const wrong = await mutate("media.generate", { type: "image", model: "gpt-image-2", prompt });
      expect(wrong, JSON.stringify(prompt)).toMatchObject({
        status: 400,
        message: `prompt: must be ${words}.`,
        fieldErrors: { prompt: [`Must be ${words}.`] },
      });
    }
    const variants = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "x",
      variants: "2",
    });
    expect(variants.message).toBe("variants: must be a number.");
    const listed = await query("media.list", { starred: "yes" });
    expect(listed).toMatchObject({ status: 400, message: "starred: must be true or false." });
    const uploaded = new FormData();
    uploaded.set("input", JSON.stringify({ type: "image", model: "gpt-image-2", prompt: 7 }));
    expect(await generateForm(uploaded)).toMatchObject({
      status: 400,
      message: "prompt: must be text.",
    });
    const constructorOption = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "x",
      options: { constructor: "x" },
    });
    expect(constructorOption.status).toBe(400);
    expect(constructorOption.fieldErrors?.options?.[0] ?? constructorOption.message).toMatch(
      /no option "constructor"/,
    );
    const nullBody = await mutate("media.generate", "null");
    expect(nullBody).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(nullBody.message).toMatch(/^input: /);
    const invisible = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "\u200b\u200c\u200d\ufeff \u2060",
    });
    expect(invisible).toMatchObject({ status: 400, message: "prompt: Describe what to generate." });
    // Length in code points: 4,000 emoji are 4,000 characters (8,000 UTF-16 units).
    const emoji = await mutate("media.generate", {
      type: "image",
      model: "gpt-image-2",
      prompt: "🧃".repeat(4_001),
    });
    expect(emoji.message).toMatch(/^prompt: Keep the prompt under 4,000 characters/);
    const name = await mutate(
      "apiKeys.create",
      { name: "key\u0000" },
      { ...user, "x-streamline-user": "" },
    );
    expect(name.status).toBeLessThan(500);
    expect(openai.requests).toHaveLength(0);
  });

  it("refuses an ambiguous reference photo with a field error and calls no provider", async () => {
    const cases: Array<[string, FormData, string]> = [];
    const add = (label: string, field: string, build: (form: FormData) => void) => {
      const form = new FormData();
      build(form);
      cases.push([label, form, field]);
    };
    add("zero-byte file", "referenceImage", (f) => {
      f.set("input", input());
      f.set("referenceImage", new File([], "empty.png", { type: "image/png" }));
    });
    add("file under another name", "photo", (f) => {
      f.set("input", input());
      f.set("photo", png());
    });
    add("photo as a text field", "referenceImage", (f) => {
      f.set("input", input());
      f.set("referenceImage", "data:image/png;base64,AAAA");
    });
    add("two files", "referenceImage", (f) => {
      f.set("input", input());
      f.append("referenceImage", png());
      f.append("referenceImage", png());
    });
    add("file plus URL", "referenceImageUrl", (f) => {
      f.set("input", input({ referenceImageUrl: "https://example.com/a.png" }));
      f.set("referenceImage", png());
    });
    add("input as a file", "input", (f) => {
      f.set("input", new File([input()], "input.json"));
    });
    for (const [label, form, field] of cases) {
      const result = await generateForm(form);
      expect(result.status, label).toBe(400);
      expect(Object.keys(result.fieldErrors ?? {}), label).toEqual([field]);
    }
    expect((await server.client("input-user").media.list.query({})).items).toHaveLength(0);
    expect(openai.requests).toHaveLength(0);
  });
});
