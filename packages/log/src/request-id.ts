import { randomUUID } from "node:crypto";

/**
 * An id a caller (or a proxy in front of us) may choose for its call: a short token of letters,
 * digits and `._:-`, at most 64 characters. Anything else — long values, spaces, quotes, control
 * characters, non-ASCII — is not echoed into our logs or headers; a fresh id is used instead.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** A new request id (a random UUID). */
export function newRequestId(): string {
  return randomUUID();
}

/** The caller's `x-request-id` when it is a safe short token, else undefined. */
export function acceptRequestId(value: string | string[] | null | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const id = value.trim();
  return SAFE_REQUEST_ID.test(id) ? id : undefined;
}
