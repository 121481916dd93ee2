// What several browser suites do besides driving the page: call the API as the signed-in page
// (its session cookie, the plain-JSON wire), and wait for something outside a test body.
import type { Page } from "playwright-core";

/** A tRPC call from the signed-in page (its session cookie), on the plain-JSON wire. */
export async function call<T>(
  page: Page,
  proc: string,
  input: unknown,
  mutation: boolean,
): Promise<T> {
  return page.evaluate(
    async ({ proc, input, mutation }) => {
      const body = JSON.stringify(input);
      const response = mutation
        ? await fetch(`/trpc/${proc}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          })
        : await fetch(`/trpc/${proc}?input=${encodeURIComponent(body)}`);
      const json = (await response.json()) as { result?: { data?: unknown } };
      if (!response.ok) throw new Error(`${proc}: ${response.status} ${JSON.stringify(json)}`);
      return json.result?.data as never;
    },
    { proc, input, mutation },
  ) as Promise<T>;
}

/** Waits for `done` outside a test (expect.poll is for tests only), looking every `everyMs`. */
export async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
