// Compile-time proof that the client's types are inferred from the router (checked by `tsc`).
import type { AppRouter } from "@streamline/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { expectTypeOf } from "vitest";
import { createMediaClient } from "./index";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

const client = createMediaClient({ url: "http://localhost:3000", apiKey: "slk_x" });

expectTypeOf(client.media.generate.mutate)
  .parameter(0)
  .toEqualTypeOf<Inputs["media"]["generate"]>();
expectTypeOf(client.media.generate.mutate).returns.resolves.toEqualTypeOf<
  Outputs["media"]["generate"]
>();
expectTypeOf<Outputs["media"]["generate"]["asset"]["status"]>().toEqualTypeOf<
  "queued" | "running" | "succeeded" | "failed" | "canceled"
>();
expectTypeOf(client.media.list.query).parameter(0).toEqualTypeOf<Inputs["media"]["list"]>();
expectTypeOf<Outputs["media"]["list"]["nextCursor"]>().toEqualTypeOf<string | null>();
// Plain JSON on the wire: times are ISO-8601 strings, never Date objects.
expectTypeOf<Outputs["media"]["list"]["items"][number]["createdAt"]>().toEqualTypeOf<string>();
expectTypeOf<Outputs["media"]["byId"]["completedAt"]>().toEqualTypeOf<string | null>();
expectTypeOf<Outputs["apiKeys"]["list"][number]["lastUsedAt"]>().toEqualTypeOf<string | null>();
// @ts-expect-error: a prompt must be a string; the router's Zod schema says so, not this file.
client.media.generate.mutate({ type: "image", model: "gpt-image-2", prompt: 42 });
// @ts-expect-error: there is no such procedure.
client.media.generateEverything;
