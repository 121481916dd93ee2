// Downloads a reference image from a URL the user typed, without letting that URL reach anything
// but the public internet (SSRF): no loopback, private networks, cloud metadata (169.254.169.254)
// or other special ranges, over IPv4 or IPv6. Two locks:
//  1. before any connection, every hop's host is resolved and every address must be public; the
//     connection is then pinned to those addresses, so a second DNS answer (rebinding) is unused;
//  2. request-filtering-agent re-checks the address at connect time inside node:http(s).
// Redirects are followed by hand so each hop goes through both locks again.
import { lookup as dnsLookup } from "node:dns/promises";
import type { IncomingMessage } from "node:http";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";
import { ReferenceImageError } from "./reference-image-error";

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface ReferenceImageDownloadOptions {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  signal?: AbortSignal | undefined;
  /** Injected DNS (tests); defaults to the system resolver, every address it returns. */
  lookup?: ((hostname: string) => Promise<ResolvedAddress[]>) | undefined;
  /**
   * TESTS ONLY: exact origins (`http://127.0.0.1:54321`) exempt from the address check, so a
   * loopback test server can stand in for a public host. Never set it from configuration.
   */
  allowPrivateOrigins?: readonly string[] | undefined;
}

// Everything that is not ordinary public unicast (RFC 6890 special-purpose registries).
const BLOCKED_IPV4: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", incl. 0.0.0.0
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, incl. cloud metadata 169.254.169.254
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, incl. broadcast
];
const blockedIpv4 = new BlockList();
for (const [network, prefix] of BLOCKED_IPV4) blockedIpv4.addSubnet(network, prefix, "ipv4");
// IPv6 is an allow-list: only global unicast 2000::/3. That alone excludes ::, ::1, fc00::/7,
// fe80::/10, ff00::/8, IPv4-mapped ::ffff:0:0/96 and NAT64 64:ff9b::/96.
const globalIpv6 = new BlockList();
globalIpv6.addSubnet("2000::", 3, "ipv6");
const blockedIpv6 = new BlockList();
blockedIpv6.addSubnet("2001::", 23, "ipv6"); // protocol assignments, incl. Teredo
blockedIpv6.addSubnet("2001:db8::", 32, "ipv6"); // documentation
blockedIpv6.addSubnet("2002::", 16, "ipv6"); // 6to4 embeds an arbitrary IPv4 address
blockedIpv6.addSubnet("3fff::", 20, "ipv6"); // documentation

/** Whether an IP address is ordinary public unicast that user-supplied URLs may reach. */
export function isPublicAddress(address: string): boolean {
  try {
    const family = isIP(address);
    if (family === 4) return !blockedIpv4.check(address, "ipv4");
    if (family === 6) {
      return globalIpv6.check(address, "ipv6") && !blockedIpv6.check(address, "ipv6");
    }
  } catch {
    // Unparsable (e.g. a zone id): not something to connect to.
  }
  return false;
}

const systemLookup = async (hostname: string): Promise<ResolvedAddress[]> =>
  dnsLookup(hostname, { all: true, order: "verbatim" });

const filteringAgents = {
  "http:": new RequestFilteringHttpAgent(),
  "https:": new RequestFilteringHttpsAgent(),
};
const testAgents = {
  "http:": new RequestFilteringHttpAgent({ allowPrivateIPAddress: true }),
  "https:": new RequestFilteringHttpsAgent({ allowPrivateIPAddress: true }),
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const blocked = (message: string) => new ReferenceImageError("BLOCKED_URL", message);

export async function downloadReferenceImage(
  rawUrl: string,
  options: ReferenceImageDownloadOptions,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    let url = parseImageUrl(rawUrl);
    for (let redirects = 0; ; redirects++) {
      const response = await requestOnce(url, options, signal);
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && response.headers.location) {
        response.destroy();
        if (redirects >= options.maxRedirects) {
          throw new ReferenceImageError("FETCH_FAILED", "The image URL redirects too many times.");
        }
        url = parseImageUrl(new URL(response.headers.location, url).href);
        continue;
      }
      if (status !== 200) {
        response.destroy();
        throw new ReferenceImageError("FETCH_FAILED", `The image URL answered HTTP ${status}.`);
      }
      return await readWithinLimit(response, options.maxBytes);
    }
  } catch (error) {
    if (error instanceof ReferenceImageError) throw error;
    if (timeout.aborted) {
      throw new ReferenceImageError("TIMEOUT", "The image URL took too long to answer.", {
        cause: error,
      });
    }
    if (options.signal?.aborted) throw options.signal.reason;
    // The connect-time lock (request-filtering-agent) reports a refused address this way.
    if (/is not allowed/.test(String((error as Error)?.message))) {
      throw new ReferenceImageError("BLOCKED_URL", "That image URL points to a private address.", {
        cause: error,
      });
    }
    throw new ReferenceImageError("FETCH_FAILED", "The image could not be downloaded.", {
      cause: error,
    });
  }
}

function parseImageUrl(raw: string): URL {
  if (!URL.canParse(raw)) throw blocked("That is not a valid image URL.");
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw blocked("Only http and https image URLs are allowed.");
  }
  if (url.username || url.password) throw blocked("Image URLs with credentials are not allowed.");
  return url;
}

/** The public addresses `url` may connect to; throws BLOCKED_URL before any connection. */
async function checkDestination(
  url: URL,
  options: ReferenceImageDownloadOptions,
): Promise<ResolvedAddress[] | "test-origin"> {
  if (options.allowPrivateOrigins?.includes(url.origin)) return "test-origin";
  // WHATWG URL has already normalised odd IPv4 forms (0x7f.1, 2130706433) to dotted quads.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(host);
  if (family !== 0) {
    if (!isPublicAddress(host)) throw blocked("That image URL points to a private address.");
    return [{ address: host, family }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await (options.lookup ?? systemLookup)(host);
  } catch (error) {
    throw new ReferenceImageError("FETCH_FAILED", `Could not find the host ${host}.`, {
      cause: error,
    });
  }
  if (addresses.length === 0) {
    throw new ReferenceImageError("FETCH_FAILED", `Could not find the host ${host}.`);
  }
  // One private answer is enough to refuse: the connection could pick any of them.
  if (!addresses.every(({ address }) => isPublicAddress(address))) {
    throw blocked("That image URL points to a private address.");
  }
  return addresses;
}

/** A DNS lookup that answers with the addresses already checked, so they are what we connect to. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) return callback(null, addresses);
    const first = addresses[0] as ResolvedAddress;
    callback(null, first.address, first.family);
  }) as LookupFunction;
}

async function requestOnce(
  url: URL,
  options: ReferenceImageDownloadOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const destination = await checkDestination(url, options);
  signal.throwIfAborted();
  const protocol = url.protocol as "http:" | "https:";
  const client = protocol === "https:" ? https : http;
  const agent = destination === "test-origin" ? testAgents[protocol] : filteringAgents[protocol];
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      agent,
      signal,
      ...(destination === "test-origin" ? {} : { lookup: pinnedLookup(destination) }),
      headers: {
        accept: "image/png,image/jpeg,image/webp",
        // Node does not decompress; a gzipped body would not be an image.
        "accept-encoding": "identity",
        "user-agent": "StreamlineAIStudio/1.0 (reference image)",
      },
    });
    request.once("response", resolve);
    request.once("error", reject);
    request.end();
  });
}

/** The body, refusing it as soon as it passes `maxBytes` (the declared length is a hint only). */
async function readWithinLimit(response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new ReferenceImageError("TOO_LARGE", `The image is larger than ${describeSize(maxBytes)}.`);
  if (Number(response.headers["content-length"]) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, received));
}

export function describeSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
