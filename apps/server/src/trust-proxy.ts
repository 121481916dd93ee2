// TRUST_PROXY: which proxies in front of the server may tell it the client's address.
//   unset / 0 / false   trust nobody: the client is the TCP peer (X-Forwarded-For ignored)
//   true / 1            exactly one proxy hop (Render, a single load balancer)
//   2, 3, …             that many proxy hops (e.g. a CDN in front of the load balancer)
//   10.0.0.0/8,::1, …   a list of proxy addresses / CIDRs (or `loopback`, `linklocal`, `uniquelocal`)
// Express then takes the first untrusted address from the right of X-Forwarded-For, which the
// nearest trusted proxy wrote; anything a client put further left is ignored.
import { isIP } from "node:net";

export type TrustProxy = false | number | string[];

const NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (NAMES.has(entry)) return true;
  const [address, bits, extra] = entry.split("/");
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (!family) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Parses TRUST_PROXY; throws a message naming the variable on anything else. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim().toLowerCase() ?? "";
  if (v === "" || v === "0" || v === "false") return false;
  if (v === "true") return 1;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 32) throw new Error(`TRUST_PROXY=${value}: at most 32 proxy hops.`);
    return hops;
  }
  const entries = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (bad.length > 0 || entries.length === 0) {
    throw new Error(
      `TRUST_PROXY=${value}: use a hop count (true = 1) or proxy addresses/CIDRs, e.g. 10.0.0.0/8 (not ${bad.join(", ")}).`,
    );
  }
  return entries;
}
