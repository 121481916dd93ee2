// What the figures above mean against the targets of issue 13, what the profiles showed, and the
// before/after of the fixes — written by hand from the runs named here (re-run `pnpm bench` and
// the BENCH_CPU_PROF profiles to check them), appended to results.md by run.ts.
import type { Section } from "./results";

export function targetNotes(out: Section): void {
  const lines = `
**Pipeline overhead** — targets p50 ≤ 25 ms and p99 ≤ 100 ms generate → terminal event, ≥ 100 generations/s on 2 cores.
Unloaded (one client) images are at the p50 target (26.5 ms in the run above on PostgreSQL; p99 well under 100 ms); with 50 clients
in a closed loop latency is queueing — by Little's law 50 clients at 73/s wait ≈ 0.7 s whatever the code does, so the latency targets
can only hold unloaded or at low concurrency. Throughput is CPU: server ≈ 8 ms + PostgreSQL ≈ 8.5 ms + clients ≈ 3 ms per image on 2 cores
caps it near 100/s even with nothing else running; measured 63–78/s (missed by ~25–35%). \`node --cpu-prof\` (BENCH_CPU_PROF=dir) of the
server under this load: ~30% of its wall time in socket writes to PostgreSQL (\`writev\` under node-postgres' \`submit\`: one per
statement), ~20% in \`spawn\` for video (ffmpeg probing the stored file: ~13 ms of main-thread time per video), then Kysely, pg, tRPC and
superjson at 1–4% each. Landed: \`publishMediaEvent\` as one statement (lock + insert + NOTIFY; was three round trips) and the API key read
without a write → **52 → 40 SQL statements per image generation** (measured here, deterministic), 54–63 → 68–73 images/s (alternated runs and the run above).
What would close the rest (outside this change's files): \`changeAsset\` (packages/jobs) as one statement instead of BEGIN + SELECT FOR UPDATE
+ UPDATE + event + COMMIT, four times per generation (≈ 20 more round trips); probing video dimensions from the MP4 header in process
instead of spawning ffmpeg when the provider gave a thumbnail; prepared (named) statements for the hot queries.

**Progress fan-out** — targets p99 ≤ 250 ms, ≤ 64 MB for 1,000 streams. Delivery p99 is met (≈ 120–200 ms, one commit fanned out to
1,000 streams; ≈ 0.16–0.3 ms of server CPU per delivery, mostly tRPC's web-stream SSE pipeline and one socket write per stream and event).
Memory is missed by ~45–55 MB: +110–120 MB RSS, +57 MB heap. The sampling heap profiler puts ~95% of the per-stream heap in tRPC's
\`sseStreamProducer\` / \`resolveResponse\` / node-http adapter (ReadableStream → TransformStream → TextEncoderStream → WritableStream per
stream, its ping timer and abort signals), ~1 KB per stream in ours. RSS grows ~35–55 MB while events flow with the heap flat (allocator
high-water mark of those per-event chunks, not a leak: heap and array buffers stay flat). Landed: per-user subscriber index in the
process's one LISTEN, and one caller re-check per credential and interval shared by its streams (1,000 streams over 100 keys: 100 lookups
per 30 s instead of 1,000). What would close the memory target: serving \`media.onProgress\` from a small SSE writer on the raw response
(same wire format: \`connected\`, \`id:\`/\`data:\`, \`ping\`, \`serialized-error\`, so httpSubscriptionLink is unchanged) with one serialized
event shared by a user's streams.

**List throughput** — targets ≥ 0.7× the bare server's req/s, p99 at 2 connections ≤ 2×. p99 at 2 connections is met (1.0–1.5× on
PostgreSQL in the µs-resolution run). Throughput is missed: 0.18–0.22× at 50 connections, 0.22–0.29× at 2. Profile (\`node --cpu-prof\`,
50 connections): superjson ≈ 30% of server CPU plus most of the 11% GC (walking every field of 24 DTOs), tRPC's resolveResponse ≈ 7%,
pg row parsing + postgres-date ≈ 6%, Kysely ≈ 3%, the rest Node's HTTP and socket writes; the baseline's 2 statements are prepared, the
product's are parsed and planned every time (PostgreSQL CPU per request 3–4× the baseline's). Landed (before → after, alternated runs
at ae6c860 and after, same machine, 2026-12-01): API-key \`last_used_at\` written at most once a minute per key (one statement, a plain
read otherwise: no row write, commit record or WAL flush per request), the list selects only the DTO's 26 columns (not the search vector,
owner, idempotency key, deletion time), non-streamed answers in one socket write with a Content-Length → req/s ratio at 50 connections
0.16–0.17× → 0.18–0.22×, PostgreSQL CPU per request 0.47–0.50 → 0.39–0.44 ms; server CPU per request unchanged within noise (1.4–1.6 ms,
superjson-bound). Measured alternatives (rows "experiment" above; not landed — the transformer stays superjson): a wire-compatible single-pass
serializer (same bytes as superjson for our DTOs, checked on 500 answers) halves server CPU per request → 0.32–0.38×; plain JSON output
(ISO-string dates in the DTO, no transformer) → 0.37–0.51×. Neither reaches 0.7×: the remaining gap is tRPC + Express + Kysely per request
(≈ 0.65 ms against the baseline's 0.27 ms) and unprepared statements. What it would take: the fast serializer as the server's output
transformer (no type or wire change), then named prepared statements for the key lookup and the list, then a leaner path than Express for \`/trpc\`.

**Provider economy** — 1 create, polls on the 2 s → 10 s backoff (15 for a 2-minute Sora render, 9 for Veo Fast, 12 for Omni: 3.3–4× fewer
than a fixed 2 s), 1 download per output (Sora: video + thumbnail); no retries against healthy fakes. Met.

**Studio** — initial JS ≈ 135 KB gzip for /ai-studio, interactive in ≈ 0.6–0.75 s headless on this machine (a bare page: ≈ 70 ms).

**Soaks** — see the section above; found and worth fixing (packages/jobs): a job whose worker is killed three times exhausts pg-boss's
\`retryLimit: 2\` and its asset would stay \`running\` with no job left (the crash soak reports it by name if it happens; seen at 3 attempts,
not past it, in these runs); and an image whose worker dies after the provider answered cannot be resumed (its bytes were only in memory) —
it fails as PROVIDER_ERROR with one (billed) create.

**Issue 18 (branch wire)** — superjson is gone from the wire (plain JSON, ISO-string times made by PostgreSQL in the list and once
in the other DTOs); the API-key lookup, media.list (one statement per filter shape, compiled once), byId and the event backlog are
named prepared statements on node-postgres (PGlite runs the same SQL unnamed); API keys are cached per process and dropped on the
revocation NOTIFY; the list's DTOs are built synchronously. media.list went from 0.10–0.14× to 0.24–0.58× the bare server in the
same runs (loaded machine). \`/trpc\` on tRPC's standalone node:http handler measured 0.37× / 0.28× against Express's 0.53× /
0.58× in the same run: not kept. What would reach 0.7×: fewer per-request layers before the resolver (tRPC's resolveResponse and
the context's Headers copy), the DTO written as JSON text directly (no intermediate objects), and a quiet machine to confirm.
`.trim();
  for (const line of lines.split("\n")) out.line(line);
}
