// The example CLI (apps/cli) against a live server: another app using the typed client package.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey } from "@streamline/db";
import { createOpenAIMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";

const cliMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../cli/src/main.ts");
const openai = createOpenAIMock();
const providerApis = setupServer(...openai.handlers);

describe("the example CLI", () => {
  let server: TestServer;
  beforeAll(async () => {
    providerApis.listen({ onUnhandledFrame: "bypass" });
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      AUTH_DEV_HEADER: "0",
    });
  });
  afterAll(async () => {
    await server?.close();
    providerApis.close();
  });

  it("generates through the API with an API key, printing progress and the URL", async () => {
    const db = server.runtime.handle.db;
    await db
      .insertInto("user")
      .values({
        id: "cli-user",
        name: "CLI",
        email: "cli@example.com",
        emailVerified: false,
        image: null,
      })
      .execute();
    const { key } = await createApiKey(db, { userId: "cli-user", name: "cli" });
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        // The CLI runs in its own process; its provider calls are made by the server (mocked in this one).
        const child = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            cliMain,
            "generate",
            "Creatine gummies on a gym bench",
            "--model",
            "gpt-image-2",
          ],
          {
            cwd: path.dirname(path.dirname(cliMain)),
            env: { ...process.env, STREAMLINE_URL: server.url, STREAMLINE_API_KEY: key },
          },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\[#*-*\]\s+~?\d+% (submitting|generating|storing)/);
    expect(run.stdout).toMatch(/\[#{30}\] +100% done/);
    const url = run.stdout.match(/Result: (\S+)/)?.[1];
    expect(url).toMatch(new RegExp(`^${server.url}/media/image/`));
    const image = await fetch(url as string);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(run.stdout + run.stderr).not.toContain(key);
  });
});
