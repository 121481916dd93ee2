// The typed Streamline media client for internal apps: `createMediaClient({ url, apiKey })`. Every
// input and output type comes from the server's AppRouter; nothing here is written by hand.
import type { AppRouter, RouterInputs, RouterOutputs } from "@streamline/api";
import {
  createTRPCClient,
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";

export type { AppRouter, RouterInputs, RouterOutputs };
export type MediaClient = TRPCClient<AppRouter>;
/** One event of `media.onProgress`, as the subscription delivers it (inside its `tracked` envelope). */
export type MediaProgressEvent = Parameters<
  NonNullable<Parameters<MediaClient["media"]["onProgress"]["subscribe"]>[1]["onData"]>
>[0]["data"];

export interface MediaClientOptions {
  /** The server's base URL, e.g. https://studio.example.com (the client adds /trpc). */
  url: string;
  /** An API key created in the studio (`slk_…`); sent as `Authorization: Bearer`. */
  apiKey?: string | undefined;
  /** Extra headers on every call, subscriptions included (e.g. a session cookie and its origin). */
  headers?: Record<string, string> | undefined;
  /** Custom fetch (proxies, tests). */
  fetch?: typeof globalThis.fetch | undefined;
}

/** Bounds on one batched request: at most this many calls, and a URL of at most this length. */
export const BATCH_LIMITS = { maxItems: 40, maxURLLength: 6_000 } as const;

export function createMediaClient(options: MediaClientOptions): MediaClient {
  const url = `${options.url.replace(/\/+$/, "")}/trpc`;
  const headers: Record<string, string> = {
    ...options.headers,
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };
  const baseFetch = options.fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // Server-sent events. Browsers' EventSource cannot send headers, so Node apps use the
        // `eventsource` package, whose fetch hook carries the API key on every (re)connect.
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input: string | URL | Request, init?: RequestInit) =>
              baseFetch(input, {
                ...init,
                headers: { ...(init?.headers as Record<string, string>), ...headers },
              }),
          }),
        }),
        false: splitLink({
          // Uploads (FormData) cannot be batched; the pre-publish check carries every caption,
          // too long for a GET URL, so it is sent as a POST (the server allows the override).
          condition: (op) => isNonJsonSerializable(op.input) || op.path === "social.check",
          true: httpLink({
            url,
            headers,
            fetch: baseFetch,
            methodOverride: "POST",
          }),
          false: httpBatchStreamLink({
            url,
            headers,
            fetch: baseFetch,
            // A batch is one GET for queries: bounded so its URL stays far below the server's
            // header limit (64 KB; proxies often allow 8 KB) however many calls are in flight.
            ...BATCH_LIMITS,
          }),
        }),
      }),
    ],
  });
}
