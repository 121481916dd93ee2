// Text every procedure refuses before it reaches a query: NUL (PostgreSQL text cannot hold it),
// lone UTF-16 surrogates (not Unicode; invalid UTF-8 once encoded) and `__proto__` keys. Checked
// on the raw input of every procedure (JSON, FormData fields, the JSON inside them), so each is a
// BAD_REQUEST naming its field instead of a database error.

export type UnsafeText = { field: string; message: string };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "must not contain NUL (\\u0000) characters.";
  if (LONE_SURROGATE.test(text)) return "must be valid Unicode text (it has a lone surrogate).";
  return undefined;
}

const fieldName = (path: readonly (string | number)[]) =>
  path.length === 0 ? "input" : path.join(".");

/** The first unsafe string or key in `value`, with the field it is in; undefined when clean. */
export function findUnsafeText(
  value: unknown,
  path: (string | number)[] = [],
  depth = 0,
): UnsafeText | undefined {
  if (typeof value === "string") {
    const problem = textProblem(value);
    return problem
      ? { field: fieldName(path), message: `${fieldName(path)} ${problem}` }
      : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  if (depth > 32)
    return { field: fieldName(path), message: `${fieldName(path)} is nested too deeply.` };
  if (typeof FormData !== "undefined" && value instanceof FormData)
    return findUnsafeFormText(value, path, depth);
  if (value instanceof Date || value instanceof Blob) return undefined;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
  for (const [key, child] of entries) {
    const found =
      (typeof key === "string" ? unsafeKey(key, path) : undefined) ??
      findUnsafeText(child, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function findUnsafeFormText(
  value: FormData,
  path: (string | number)[],
  depth: number,
): UnsafeText | undefined {
  for (const [name, entry] of value.entries()) {
    const found =
      findUnsafeText(name, path, depth + 1) ??
      (typeof entry === "string" ? findUnsafeText(entry, [...path, name], depth + 1) : undefined);
    if (found) return found;
  }
  return undefined;
}

/** A field name that is unsafe itself: `__proto__`, or text that is not allowed. */
function unsafeKey(key: string, path: (string | number)[]): UnsafeText | undefined {
  if (key === "__proto__")
    return { field: fieldName([...path, key]), message: `"__proto__" is not a field name.` };
  const problem = textProblem(key);
  if (problem)
    return { field: fieldName(path), message: `Field names in ${fieldName(path)} ${problem}` };
  return undefined;
}
