// Browser security headers on every answer (helmet): a Content-Security-Policy that allows exactly
// what the built studio loads, no framing, no Referer, and HSTS only where the studio is served
// over https.
import { type MediaStorage, newObjectKey } from "@streamline/storage";
import type express from "express";
import helmet from "helmet";
import type { Env } from "./env";

/**
 * Origins that serve stored media to the browser, besides our own /media/*: the S3 endpoint the
 * presigned URLs point at (asked of the storage itself, so path- and virtual-hosted style, R2 and
 * MinIO all come out right) and any public base URL. Presigning is local: no network call.
 */
export async function mediaOrigins(
  storage: Pick<MediaStorage, "urlFor">,
  env: Pick<Env, "S3_PUBLIC_BASE_URL" | "MEDIA_PUBLIC_BASE_URL">,
): Promise<string[]> {
  const urls = [env.S3_PUBLIC_BASE_URL, env.MEDIA_PUBLIC_BASE_URL];
  try {
    urls.push(await storage.urlFor(newObjectKey({ contentType: "image/png" })));
  } catch {
    // A storage that cannot name a URL without the object serves nothing cross-origin here.
  }
  const origins = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "https:" || parsed.protocol === "http:") origins.add(parsed.origin);
    } catch {
      // Relative (/media/…): our own origin, already 'self'.
    }
  }
  return [...origins];
}

/**
 * The studio's policy. Scripts: only our own files (the build has no inline script). Styles also
 * 'unsafe-inline': sonner injects its stylesheet as a <style> element at run time (no nonce hook),
 * and style attributes carry nothing executable. Images and video: ours, the media origins, and
 * blob:/data: (the reference photo preview, the favicon).
 */
export function contentSecurityPolicy(options: { media: string[]; https: boolean }) {
  const { media } = options;
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", ...media],
    "media-src": ["'self'", "blob:", ...media],
    "font-src": ["'self'", "data:"],
    // Download fetches the stored file; tRPC and SSE are same-origin.
    "connect-src": ["'self'", ...media],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    // Only on https: on http it would rewrite the studio's own requests to https.
    ...(options.https ? { "upgrade-insecure-requests": [] } : {}),
  };
}

/** An https APP_ORIGIN: the studio is served over TLS (by us or a proxy in front). */
export function servedOverHttps(env: Pick<Env, "APP_ORIGIN">): boolean {
  return Boolean(env.APP_ORIGIN?.startsWith("https://"));
}

/**
 * helmet with our policy. HSTS goes out only when APP_ORIGIN is https AND the request itself came
 * over https as Express sees it (`req.secure`: our own TLS, or X-Forwarded-Proto from a proxy
 * trusted by TRUST_PROXY) — a client-written X-Forwarded-Proto never turns it on, and a plain-http
 * install (development, a LAN box) is never pinned to https.
 */
export function securityHeaders(
  env: Pick<Env, "APP_ORIGIN" | "S3_PUBLIC_BASE_URL" | "MEDIA_PUBLIC_BASE_URL">,
  storage: Pick<MediaStorage, "urlFor">,
): express.RequestHandler {
  const https = servedOverHttps(env);
  const headers = helmetFor(env, storage);
  const hsts = helmet.strictTransportSecurity({ maxAge: 365 * 24 * 3600 });
  return (req, res, next) => {
    headers.then(
      (apply) =>
        apply(req, res, (error?: unknown) => {
          if (error) return next(error);
          if (https && req.secure) return hsts(req, res, next);
          next();
        }),
      next,
    );
  };
}

function helmetFor(
  env: Pick<Env, "APP_ORIGIN" | "S3_PUBLIC_BASE_URL" | "MEDIA_PUBLIC_BASE_URL">,
  storage: Pick<MediaStorage, "urlFor">,
) {
  const https = servedOverHttps(env);
  return mediaOrigins(storage, env).then((media) =>
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: contentSecurityPolicy({ media, https }),
      },
      strictTransportSecurity: false,
      xFrameOptions: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
      crossOriginEmbedderPolicy: false,
    }),
  );
}

/**
 * The same headers as plain values, made once: for an answer written without Express (the
 * progress streams on the raw server), over plain http and over https (with HSTS under the same
 * rule as above). Our policy has no per-request part, so helmet writes the same set every time.
 */
export async function securityHeaderValues(
  env: Pick<Env, "APP_ORIGIN" | "S3_PUBLIC_BASE_URL" | "MEDIA_PUBLIC_BASE_URL">,
  storage: Pick<MediaStorage, "urlFor">,
): Promise<{ plain: Record<string, string>; secure: Record<string, string> }> {
  const apply = await helmetFor(env, storage);
  const hsts = helmet.strictTransportSecurity({ maxAge: 365 * 24 * 3600 });
  const collect = (secure: boolean) => {
    const values: Record<string, string> = {};
    const res = {
      setHeader(name: string, value: unknown) {
        values[name] = String(value);
      },
      removeHeader(name: string) {
        delete values[name];
      },
    } as unknown as express.Response;
    const req = {} as express.Request;
    apply(req, res, () => {});
    if (secure && servedOverHttps(env)) hsts(req, res, () => {});
    return values;
  };
  return { plain: collect(false), secure: collect(true) };
}
