/**
 * A fresh idempotency key for one submission. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost), so a phone testing against a LAN address gets the getRandomValues fallback.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
