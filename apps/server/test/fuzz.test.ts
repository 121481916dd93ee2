import { testBackends } from "@streamline/db/testing";
// Property-based fuzz of every procedure's input over HTTP against a real server: NUL, lone
// surrogates, huge numbers, prototype keys, oversized strings, wrong types, bodies wrapped the
// way an old superjson client wrapped them ({ json: … }). Whatever comes in, the answer is never INTERNAL_SERVER_ERROR / HTTP 500 and never a
// database message. FUZZ_RUNS (default 300) is the total number of cases; a soak sets 10000.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const origin = "http://localhost:5173";

const nasty = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "",
    " ",
    "\u200b",
    "-271821-04-20T00:00:00.000Z",
    "9999999999999999999999",
    "' OR 1=1 --",
    "../../etc/passwd",
    "gpt-image-2",
    "image",
    "video",
    "00000000-0000-4000-8000-000000000000",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 300 }).map((s) => s.repeat(20)),
  fc.constant("x".repeat(5_000)),
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0, 1, 100, 101, 2 ** 53),
);
const leaf = fc.oneof(nasty, number, fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(tie("any"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nasty, fc.constantFrom("__proto__", "constructor")), tie("any"), {
      maxKeys: 4,
    }),
  ),
})).any;
/** A field that is sometimes right, usually wrong. */
const field = (...valid: unknown[]) =>
  fc.option(fc.oneof(fc.constantFrom(...valid), value), { nil: undefined });
const uuid = field("00000000-0000-4000-8000-000000000000");

type Call = {
  path: string;
  kind: "query" | "mutation" | "subscription";
  input: fc.Arbitrary<unknown>;
};

const calls: Call[] = [
  { path: "health", kind: "query", input: value },
  { path: "me", kind: "query", input: value },
  { path: "media.models", kind: "query", input: value },
  { path: "media.limits", kind: "query", input: value },
  {
    path: "media.generate",
    kind: "mutation",
    input: fc.oneof(
      value,
      fc.record(
        {
          type: field("image", "video"),
          model: field("gpt-image-2", "sora-2", "gemini-3.1-flash-image", "constructor"),
          prompt: field("A product photo", ""),
          options: fc.option(
            fc.dictionary(
              fc.oneof(nasty, fc.constantFrom("size", "quality", "constructor", "__proto__")),
              leaf,
              {
                maxKeys: 3,
              },
            ),
            { nil: undefined },
          ),
          referenceImageUrl: field(
            "https://127.0.0.1/a.png",
            "http://[::1]/x",
            "file:///etc/passwd",
          ),
          idempotencyKey: field("fuzz-key-000001"),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { path: "media.byId", kind: "query", input: fc.oneof(value, fc.record({ id: uuid })) },
  {
    path: "media.list",
    kind: "query",
    input: fc.oneof(
      value,
      fc.record(
        {
          limit: fc.option(fc.oneof(number, nasty), { nil: undefined }),
          cursor: fc.option(
            fc.oneof(
              nasty,
              fc
                .tuple(
                  fc.oneof(
                    nasty,
                    fc.date({ noInvalidDate: false }).map((d) => String(d)),
                  ),
                  nasty,
                )
                .map(([a, b]) => Buffer.from(`${a}|${b}`).toString("base64url")),
            ),
            { nil: undefined },
          ),
          type: field("image", "video"),
          model: field("gpt-image-2"),
          status: field("active", "queued", "failed"),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { path: "media.cancel", kind: "mutation", input: fc.oneof(value, fc.record({ id: uuid })) },
  { path: "media.retry", kind: "mutation", input: fc.oneof(value, fc.record({ id: uuid })) },
  { path: "media.delete", kind: "mutation", input: fc.oneof(value, fc.record({ id: uuid })) },
  {
    path: "media.onProgress",
    kind: "subscription",
    input: fc.oneof(
      value,
      fc.record(
        { assetId: uuid, lastEventId: field("1", "0", "99999999999999999999999") },
        { requiredKeys: [] },
      ),
    ),
  },
  { path: "apiKeys.list", kind: "query", input: value },
  { path: "apiKeys.create", kind: "mutation", input: fc.oneof(value, fc.record({ name: nasty })) },
  { path: "apiKeys.revoke", kind: "mutation", input: fc.oneof(value, fc.record({ id: uuid })) },
];

/**
 * Sent as the tRPC client and any hand-written caller do (plain JSON, the input itself), or in the
 * `{ json: … }` envelope of an old superjson client.
 */
const encoding = fc.constantFrom("json", "json", "json", "superjson-envelope");

describe.each(testBackends())("fuzz: every procedure's input (%s)", (backend) => {
  let server: TestServer;
  let session: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(backend, {}, { worker: false });
    const signUp = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email: "fuzz@example.com", password: "correct-horse-42", name: "F" }),
    });
    const cookie = signUp.headers.getSetCookie().find((c) => c.includes("session_token"));
    session = { cookie: (cookie ?? "").split(";")[0] as string, origin };
  });
  afterAll(async () => {
    await server?.close();
  });

  async function send(call: Call, input: unknown, how: string, headers: Record<string, string>) {
    const body = how === "json" ? input : { json: input };
    const text = JSON.stringify(body) ?? "null";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), call.kind === "subscription" ? 300 : 10_000);
    try {
      const response =
        call.kind === "mutation"
          ? await fetch(`${server.url}/trpc/${call.path}`, {
              method: "POST",
              headers: { "content-type": "application/json", ...headers },
              body: text,
              signal: controller.signal,
            })
          : await fetch(`${server.url}/trpc/${call.path}?input=${encodeURIComponent(text)}`, {
              headers,
              signal: controller.signal,
            });
      let received = "";
      try {
        received = await response.text();
      } catch {
        // a subscription that stayed open: what arrived before the abort is enough
      }
      return { status: response.status, text: received };
    } catch (error) {
      if (controller.signal.aborted) return { status: 200, text: "" };
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  const perCall = Math.max(10, Math.ceil(TOTAL_RUNS / calls.length));
  it.each(calls)(
    "$path never answers 500",
    async (call) => {
      await fc.assert(
        fc.asyncProperty(call.input, encoding, fc.boolean(), async (input, how, asSession) => {
          const headers = asSession ? session : { "x-streamline-user": "fuzz-user", origin };
          const { status, text } = await send(call, input, how, headers);
          expect(status, text.slice(0, 300)).not.toBe(500);
          expect(text).not.toContain("INTERNAL_SERVER_ERROR");
          expect(text).not.toMatch(
            /invalid byte sequence|out of range|violates|syntax error|is not a function|Cannot (read|destructure)/,
          );
        }),
        { numRuns: perCall, endOnFailure: true },
      );
    },
    // A subscription case waits out its 300 ms before it aborts: ~60 s for the soak's share.
    300_000,
  );
});
