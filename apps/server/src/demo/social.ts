import { createFakeFetch } from "@streamline/fakes/fetch";
import {
  createZernioDemo,
  ZERNIO_MOCK_PUBLIC_ORIGIN,
  ZERNIO_MOCK_UPLOAD_ORIGIN,
} from "@streamline/fakes/zernio";

/**
 * Offline demo posting: the Zernio fake on a real-time clock, in this process, serving only accounts
 * labelled "Demo"; scheduled demo posts "publish" at their time to demo links (nothing leaves the
 * machine). Used when demo mode is on and no ZERNIO_API_KEY is set.
 */
export function createSocialDemo() {
  const fake = createZernioDemo();
  const hosts = new Set(
    [fake.baseURL, ZERNIO_MOCK_UPLOAD_ORIGIN, ZERNIO_MOCK_PUBLIC_ORIGIN].map(
      (u) => new URL(u).host,
    ),
  );
  const demoFetch = createFakeFetch(fake.handlers, {
    serves: (url) => hosts.has(url.host),
    notServed: () =>
      new Response(JSON.stringify({ error: "Not served in demo mode." }), { status: 404 }),
  });
  return { apiKey: fake.apiKey, baseURL: fake.baseURL, fetch: demoFetch, fake };
}
