import { GOOGLE_MOCK_MARKERS, gradientPng, sampleVideoMp4 } from "@streamline/fakes/providers";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { pollUntilDone } from "../poll";
import type { OperationStatus } from "../types";
import { BASE_URL, bytesOf, FAST_POLL, failureOf, googleHarness, spec } from "./test-harness";

const { mock, logs, warnings, model, provider, server } = googleHarness({
  videoPollsToComplete: 2,
});
const VEO = "veo-3.1-fast-generate-001";
const reference = {
  data: gradientPng(40, 24),
  mimeType: "image/png" as const,
  width: 40,
  height: 24,
};

describe("Veo 3.1 (predictLongRunning)", () => {
  it("starts an operation with the documented body, polls it and downloads the video", async () => {
    const veo = model(VEO);
    const started = await veo.start({
      prompt: "Waves over a reef, drone shot",
      options: { aspectRatio: "16:9", durationSeconds: 8, resolution: "1080p" },
      referenceImage: reference,
    });
    const [sent] = mock.requestsTo("predictLongRunning");
    expect(sent?.path).toBe(`/v1beta/models/${VEO}:predictLongRunning`);
    expect(sent?.headers["x-goog-api-key"]).toBe("[redacted]");
    expect(sent?.json).toEqual({
      instances: [
        {
          prompt: "Waves over a reef, drone shot",
          image: {
            bytesBase64Encoded: Buffer.from(reference.data).toString("base64"),
            mimeType: "image/png",
          },
        },
      ],
      parameters: { aspectRatio: "16:9", durationSeconds: 8, resolution: "1080p" },
    });
    expect(started.operationId).toMatch(new RegExp(`^models/${VEO}/operations/`));

    const seen: OperationStatus["state"][] = [];
    const output = await pollUntilDone(veo, started.operationId, {
      policy: FAST_POLL,
      onStatus: (status) => {
        seen.push(status.state);
      },
    });
    expect(seen).toEqual(["running", "succeeded"]);
    expect(mock.requestsTo("operations.get")[0]?.path).toBe(`/v1beta/${started.operationId}`);
    expect(output.mimeType).toBe("video/mp4");
    const stream = await veo.fetchResult(output);
    expect(await bytesOf(stream?.body as never)).toEqual(sampleVideoMp4);
    expect(stream?.contentLength).toBe(sampleVideoMp4.byteLength);
    expect(await veo.fetchResult(output, { variant: "thumbnail" })).toBeNull();
    expect(logs).toEqual([]);
  });

  it("reports an operation that finished with an error, and a filtered video", async () => {
    const veo = model(VEO);
    const failed = await veo.start({ prompt: GOOGLE_MOCK_MARKERS.jobFails, options: {} });
    const error = await failureOf(pollUntilDone(veo, failed.operationId, { policy: FAST_POLL }));
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false });
    const filtered = await veo.start({ prompt: GOOGLE_MOCK_MARKERS.safetyBlock, options: {} });
    const rejected = await failureOf(
      pollUntilDone(veo, filtered.operationId, { policy: FAST_POLL }),
    );
    expect(rejected.code).toBe("CONTENT_REJECTED");
    expect(rejected.message).toContain("Prohibited Use policy");
    expect(logs.map((line) => line.split(" ")[4])).toEqual(["PROVIDER_ERROR", "CONTENT_REJECTED"]);
  });

  it("honours retry-after on a 429 from predictLongRunning", async () => {
    mock.failNext("predictLongRunning", { status: 429, headers: { "retry-after": "0.05" } });
    const startedAt = Date.now();
    await model(VEO).start({ prompt: "x", options: {} });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
    expect(mock.requestsTo("predictLongRunning")).toHaveLength(2);
  });

  it("reads Google's RetryInfo when a 429 carries no header", async () => {
    mock.failNext("predictLongRunning", {
      status: 429,
      error: {
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "0.05s" }],
      },
    });
    const startedAt = Date.now();
    await model(VEO).start({ prompt: "x", options: {} });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
  });

  it("retries a 5xx on the operation poll, and a download fails after exactly three attempts", async () => {
    const veo = model(VEO);
    const { operationId } = await veo.start({ prompt: "x", options: {} });
    mock.failNext("operations.get", { status: 500 });
    const output = await pollUntilDone(veo, operationId, { policy: FAST_POLL });
    expect(mock.requestsTo("operations.get")).toHaveLength(3);

    mock.failNext("files.download", { status: 503 }, { status: 503 }, { status: 503 });
    const error = await failureOf(veo.fetchResult(output));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(mock.requestsTo("files.download")).toHaveLength(3);
    // Transient: the result can be downloaded again, so a warning, not a `[MediaGen] Error:` line.
    expect(logs).toHaveLength(0);
    expect(warnings).toHaveLength(1);
  });

  it("times out a job past its deadline", async () => {
    const veo = model(VEO);
    const { operationId } = await veo.start({ prompt: "x", options: {} });
    const error = await failureOf(
      pollUntilDone(veo, operationId, {
        policy: { ...FAST_POLL, timeoutMs: { image: 5, video: 5 } },
        startedAt: Date.now() - 10,
      }),
    );
    expect(error.code).toBe("TIMEOUT");
  });

  it("maps a wrong key, an unserved model and an invalid combination to their codes", async () => {
    const badKey = await failureOf(
      model(VEO, { apiKey: "nope" }).start({ prompt: "x", options: {} }),
    );
    expect(badKey.code).toBe("PROVIDER_AUTH");
    const retired = await failureOf(
      provider()
        .model(spec(VEO, { id: "veo-3.0-generate-001" }))
        .start({ prompt: "x", options: {} }),
    );
    expect(retired.code).toBe("MODEL_UNAVAILABLE");
    const invalid = await failureOf(
      model(VEO).start({ prompt: "x", options: { resolution: "4k", durationSeconds: 4 } }),
    );
    expect(invalid.code).toBe("INVALID_REQUEST");
    expect(mock.requestsTo("predictLongRunning")).toHaveLength(3);
    expect(logs.map((line) => line.split(" ").slice(2, 5).join(" "))).toEqual([
      `google ${VEO} PROVIDER_AUTH`,
      "google veo-3.0-generate-001 MODEL_UNAVAILABLE",
      `google ${VEO} INVALID_REQUEST`,
    ]);
    expect(logs.join("\n")).not.toContain("nope");
  });

  it("says which job Google no longer knows", async () => {
    // A definitive answer about the job is a failed status, not a thrown error.
    const status = await model(VEO).status("models/veo-3.1-fast-generate-001/operations/gone");
    expect(status.state).toBe("failed");
    const error = status.state === "failed" ? status.error : undefined;
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false, status: 404 });
    expect(mock.requestsTo("operations.get")).toHaveLength(1);
  });

  it("follows a download redirect to storage without sending the key along", async () => {
    let keyAtStorage: string | null = "not called";
    server.use(
      http.get(`${BASE_URL}/v1beta/files/moved:download`, () =>
        HttpResponse.redirect("https://storage.example.test/clip.mp4", 302),
      ),
      http.get("https://storage.example.test/clip.mp4", ({ request }) => {
        keyAtStorage = request.headers.get("x-goog-api-key");
        return new HttpResponse(sampleVideoMp4, { headers: { "content-type": "video/mp4" } });
      }),
    );
    const stream = await model(VEO).fetchResult({ mimeType: "video/mp4", locator: "files/moved" });
    expect(await bytesOf(stream?.body as never)).toEqual(sampleVideoMp4);
    expect(keyAtStorage).toBeNull();
  });
});
