import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFakeFetch } from "./fetch";
import { createOpenAIMock, OPENAI_MOCK_API_KEY } from "./providers";

const notServed = () => new Response("not served", { status: 404 });

describe("createFakeFetch", () => {
  it("answers the served hosts from the handlers, in order", async () => {
    const fakeFetch = createFakeFetch(
      [
        http.get("https://api.fake.test/first", () => HttpResponse.json({ from: "first" })),
        http.get("https://api.fake.test/*", () => HttpResponse.json({ from: "catch-all" })),
      ],
      { serves: (url) => url.hostname === "api.fake.test", notServed },
    );
    expect(await (await fakeFetch("https://api.fake.test/first")).json()).toEqual({
      from: "first",
    });
    expect(await (await fakeFetch("https://api.fake.test/other")).json()).toEqual({
      from: "catch-all",
    });
  });

  it("answers notServed when a served host has no handler for the request", async () => {
    const fakeFetch = createFakeFetch(
      [http.get("https://api.fake.test/only", () => HttpResponse.json({}))],
      { serves: (url) => url.hostname === "api.fake.test", notServed },
    );
    const response = await fakeFetch("https://api.fake.test/missing", { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("not served");
  });

  it("sends every other request through passthrough, untouched", async () => {
    const seen: string[] = [];
    const fakeFetch = createFakeFetch([http.all("*", () => HttpResponse.json({ faked: true }))], {
      serves: (url) => url.hostname === "api.fake.test",
      notServed,
      passthrough: async (input) => {
        seen.push(new Request(input).url);
        return new Response("real");
      },
    });
    expect(await (await fakeFetch("https://elsewhere.example/x?y=1")).text()).toBe("real");
    expect(seen).toEqual(["https://elsewhere.example/x?y=1"]);
  });

  it("serves a provider fake to a plain fetch caller, with no msw server installed", async () => {
    const mock = createOpenAIMock({ baseURL: "https://openai.fake.test/v1" });
    const fakeFetch = createFakeFetch(mock.handlers, {
      serves: (url) => url.hostname === "openai.fake.test",
      notServed,
    });
    const response = await fakeFetch("https://openai.fake.test/v1/images/generations", {
      method: "POST",
      headers: {
        authorization: `Bearer ${OPENAI_MOCK_API_KEY}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "gpt-image-2", prompt: "a red kite", size: "1024x1024" }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { b64_json: string }[] };
    expect(body.data[0]?.b64_json.length).toBeGreaterThan(100);
  });
});
