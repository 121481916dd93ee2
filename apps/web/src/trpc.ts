// The typed API client: every type comes from the server's AppRouter (type-only import, so no
// server code reaches the bundle).
import type { AppRouter, RouterOutputs } from "@streamline/api";
import {
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
} from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";

export const trpc = createTRPCReact<AppRouter>();

export type MediaAsset = RouterOutputs["media"]["byId"];
export type MediaModel = RouterOutputs["media"]["models"][number];
export type MediaType = MediaAsset["type"];
export type MediaStatus = MediaAsset["status"];

/** Same origin in development (Vite proxy) and production (the server serves this app). */
const url = "/trpc";

export function createTrpcClient() {
  return trpc.createClient({
    links: [
      splitLink({
        // Progress streams over SSE; the link resumes from the last tracked event id on reconnect.
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url }),
        false: splitLink({
          // A reference photo travels as multipart FormData, which cannot be batched; the
          // pre-publish check carries every caption (Facebook allows 63,206 characters), too long
          // for a GET URL, so it goes as a POST (the server allows the override).
          condition: (op) => isNonJsonSerializable(op.input) || op.path === "social.check",
          true: httpLink({ url, methodOverride: "POST" }),
          // Bounded like packages/client: many queries at once never make one oversized GET.
          false: httpBatchStreamLink({
            url,
            maxItems: 40,
            maxURLLength: 6_000,
          }),
        }),
      }),
    ],
  });
}
