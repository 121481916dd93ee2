// An experiment, not product code: a single-pass serializer that gives superjson's exact output
// (same `json`, same `meta.values` paths in the same order) for what our DTOs hold — plain objects,
// arrays, strings, finite numbers, booleans, null, undefined and valid Dates — and hands anything
// else to superjson itself. The list benchmark swaps it in for superjson's serialize to measure
// what a wire-compatible transformer would save, and checks it byte for byte against superjson.
import superjson from "superjson";

type Serialized = ReturnType<typeof superjson.serialize>;

class NotPlain extends Error {}

const escapeKey = (key: string) =>
  key.includes("\\") || key.includes(".") ? key.replace(/\\/g, "\\\\").replace(/\./g, "\\.") : key;

export function fastSerialize(value: unknown): Serialized {
  if (value === null || typeof value !== "object" || value instanceof Date) {
    return superjson.serialize(value);
  }
  const values: Record<string, [string]> = {};
  let annotated = false;
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): unknown => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        if (!Number.isFinite(v) || Object.is(v, -0)) throw new NotPlain();
        return v;
      case "undefined":
        values[path] = ["undefined"];
        annotated = true;
        return null;
      case "object": {
        if (v === null) return null;
        if (seen.has(v)) throw new NotPlain(); // superjson would add referentialEqualities
        seen.add(v);
        if (v instanceof Date) {
          if (Number.isNaN(v.getTime())) throw new NotPlain();
          values[path] = ["Date"];
          annotated = true;
          return v.toISOString();
        }
        const prefix = path ? `${path}.` : "";
        if (Array.isArray(v)) {
          const out = new Array(v.length);
          for (let i = 0; i < v.length; i++) out[i] = walk(v[i], prefix + i);
          return out;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) throw new NotPlain();
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(v)) {
          if (key === "__proto__" || key === "constructor" || key === "prototype")
            throw new NotPlain();
          out[key] = walk((v as Record<string, unknown>)[key], prefix + escapeKey(key));
        }
        return out;
      }
      default:
        throw new NotPlain();
    }
  };
  try {
    const json = walk(value, "");
    return (annotated ? { json, meta: { values, v: 1 } } : { json }) as Serialized;
  } catch (error) {
    if (error instanceof NotPlain) return superjson.serialize(value);
    throw error;
  }
}
