// What every log line goes through before it is written: credentials, cookies and inline base64
// never reach the output, whichever module logged them and however (a message string, an object
// field, an error's message or stack).

/** Keys whose values are dropped whole, at any depth: headers, credentials, inline image data. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-goog-api-key|api[-_]?key|password|passwd|secret|client[-_]?secret|webhook[-_]?secret|secret[-_]?access[-_]?key|access[-_]?key[-_]?id|(access|refresh|id|session|bearer)?[-_]?token|x-zernio-signature|signature|b64_json|bytes|base64|image_?data|inline_?data)$/i;

export const REDACTED = "[redacted]";

/** Exact values (API keys, signing secrets, a database password) replaced wherever they appear. */
const secrets = new Set<string>();

/**
 * Values that must never be written, whatever key or text carries them (the configured provider
 * and Zernio keys, the auth and webhook secrets, the database password). Values under 8
 * characters are ignored (they would match ordinary words).
 */
export function registerSecrets(values: Iterable<string | undefined | null>): void {
  for (const value of values) {
    const secret = value?.trim();
    if (secret && secret.length >= 8) secrets.add(secret);
  }
}

/** Tests: forget the registered values. */
export function clearSecrets(): void {
  secrets.clear();
}

/**
 * A secret shape recognised without being registered: `when` is a cheap look (substring tests on
 * the text and its lower-case form) that must hold before the pattern runs at all — most lines
 * hold none of them, and a line costs a few substring tests instead of a dozen regex scans.
 */
type Rule = {
  when: (text: string, lower: string) => boolean;
  pattern: RegExp;
  replacement: string | ((match: string, ...groups: string[]) => string);
};

const RULES: Rule[] = [
  // Authorization header values.
  {
    when: (_, lower) =>
      lower.includes("bearer") || lower.includes("basic") || lower.includes("token "),
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
    replacement: `$1 ${REDACTED}`,
  },
  // Provider and our own key shapes: OpenAI sk-/rk-/pk-, Zernio sk_, Google AIza…, Streamline slk_.
  {
    when: (text) => /[srp]k[-_]/.test(text),
    pattern: /\b(sk|rk|pk)([-_])[A-Za-z0-9_-]{8,}/g,
    replacement: `$1$2${REDACTED}`,
  },
  {
    when: (text) => text.includes("AIza"),
    pattern: /\bAIza[0-9A-Za-z_-]{20,}/g,
    replacement: `AIza${REDACTED}`,
  },
  {
    when: (text) => text.includes("slk_"),
    pattern: /\bslk_[A-Za-z0-9_-]{8,}/g,
    replacement: `slk_${REDACTED}`,
  },
  // Credentials in URLs: query parameters (presigned S3 signatures included) and user:password@.
  {
    when: (text) => text.includes("=") && (text.includes("?") || text.includes("&")),
    pattern:
      /([?&](?:key|api_key|apikey|token|access_token|sig|signature|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&\s"'<>]+/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    when: (text) => text.includes("://") && text.includes("@"),
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s"']+):[^@\s"'/]+@/gi,
    replacement: `$1:${REDACTED}@`,
  },
  // Session cookies (better-auth's and any other `…session_token=` / `…session_data=`).
  {
    when: (_, lower) => lower.includes("session_"),
    pattern: /((?:__Secure-|__Host-)?[\w.-]*session_(?:token|data))=[^;\s,"']+/gi,
    replacement: `$1=${REDACTED}`,
  },
  // Inline files.
  {
    when: (_, lower) => lower.includes("base64,"),
    pattern: /data:([\w.+/-]+);base64,[A-Za-z0-9+/=_-]*/gi,
    replacement: "data:$1;base64,[omitted]",
  },
  // Long base64 / base64url runs (an image, a key we do not know the shape of): 64+ characters
  // mixing upper case, lower case and digits, which paths and words do not.
  {
    when: (text) => hasLongRun(text),
    pattern: /[A-Za-z0-9+/_-]{64,}={0,2}/g,
    replacement: (run) => (looksEncoded(run) ? `[base64 omitted]` : run),
  },
];

/** Whether `text` has 64 base64 characters in a row (one pass, no regex). */
function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const base64 =
      (c >= 48 && c <= 57) || // 0-9
      (c >= 65 && c <= 90) || // A-Z
      (c >= 97 && c <= 122) || // a-z
      c === 43 || // +
      c === 47 || // /
      c === 95 || // _
      c === 45; // -
    run = base64 ? run + 1 : 0;
    if (run >= 64) return true;
  }
  return false;
}

function looksEncoded(run: string): boolean {
  return /[0-9]/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run);
}

/** `text` with every registered secret and every recognised secret shape replaced. */
export function scrubText(text: string): string {
  if (text.length < 8) return text;
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    // A key cut short or wrapped in other characters still gives itself away by its middle.
    if (secret.length >= 16) {
      const middle = secret.slice(3, -3);
      if (out.includes(middle)) out = out.replaceAll(middle, REDACTED);
    }
  }
  const lower = out.toLowerCase();
  for (const rule of RULES) {
    if (rule.when(out, lower)) out = out.replace(rule.pattern, rule.replacement as string);
  }
  return out;
}

const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

/**
 * A copy of `value` fit for a log line: secret keys dropped, every string scrubbed, errors as
 * `{ type, message, stack, code, cause }`, bytes as their length, depth and lists bounded.
 */
export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubText(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[…]";
  seen.add(value);
  if (value instanceof Error) return scrubError(value, depth, seen);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (typeof Headers !== "undefined" && value instanceof Headers) {
    return scrubEntries([...value.entries()], depth, seen);
  }
  if (value instanceof Map) return scrubEntries([...value.entries()], depth, seen);
  if (value instanceof Set) return scrubValue([...value], depth, seen);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => scrubValue(item, depth + 1, seen));
    if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  return scrubEntries(Object.entries(value), depth, seen);
}

function scrubEntries(
  entries: [unknown, unknown][],
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, item] of entries) {
    const key = String(rawKey);
    if (SECRET_KEY.test(key)) {
      // Sizes and flags under these names (`bytes: 1024`) say nothing secret.
      out[key] =
        item === undefined || item === null || typeof item === "number" || typeof item === "boolean"
          ? item
          : REDACTED;
      continue;
    }
    const scrubbed = scrubValue(item, depth + 1, seen);
    if (scrubbed !== undefined) out[key] = scrubbed;
  }
  return out;
}

function scrubError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: error.name,
    message: scrubText(error.message),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number") out.status = status;
  if (error.stack) out.stack = scrubText(error.stack);
  if (error.cause !== undefined) out.cause = scrubValue(error.cause, depth + 1, seen);
  return out;
}
