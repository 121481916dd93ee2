// "Download" for several results: one .zip built in the browser with fflate (loaded on first use,
// ~8 KB gzip, so the studio's first bundle does not carry it). Images and videos are already
// compressed, so entries are stored, not deflated: the archive is quick even for long videos.
//
// Only the user's own files: each id is looked up again through media.byId (the server answers
// NOT_FOUND for anyone else's), and only the file URL that answer names is fetched. An id the
// server does not give back, an unfinished result or a file that cannot be read is left out and
// reported, never replaced by something else.
import type { MediaAsset } from "../trpc";
import { fileName } from "./files";

export type ArchiveSource = {
  /** The asset as the server gives it to this user now (throws when it is not theirs or gone). */
  resolve: (id: string) => Promise<MediaAsset>;
  /** The bytes behind a URL the server handed out (throws on a failed answer). */
  read: (url: string) => Promise<Uint8Array>;
};

export type ArchivePlan = {
  files: Record<string, Uint8Array>;
  /** Left out, with why: not found for this user, not finished, or unreadable. */
  skipped: { id: string; reason: string }[];
};

/** Fetches each picked result the server confirms is this user's, under a unique name. */
export async function collectArchive(
  ids: readonly string[],
  source: ArchiveSource,
): Promise<ArchivePlan> {
  const files: Record<string, Uint8Array> = {};
  const skipped: ArchivePlan["skipped"] = [];
  for (const id of new Set(ids)) {
    let asset: MediaAsset;
    try {
      asset = await source.resolve(id);
    } catch {
      skipped.push({ id, reason: "not found" });
      continue;
    }
    if (asset.id !== id || asset.status !== "succeeded" || !asset.resultUrl) {
      skipped.push({ id, reason: "not finished" });
      continue;
    }
    try {
      files[uniqueName(files, fileName(asset))] = await source.read(asset.resultUrl);
    } catch {
      skipped.push({ id, reason: "could not be read" });
    }
  }
  return { files, skipped };
}

function uniqueName(taken: Record<string, unknown>, name: string): string {
  if (!(name in taken)) return name;
  const dot = name.lastIndexOf(".");
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
    if (!(candidate in taken)) return candidate;
  }
}

/** The .zip's bytes (entries stored as they are). */
export async function zipFiles(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const { zip } = await import("fflate");
  return new Promise((resolve, reject) =>
    zip(files, { level: 0 }, (error, data) => (error ? reject(error) : resolve(data))),
  );
}

/** Reads a file the server handed out, with this session's cookies, refusing a failed answer. */
export async function readFile(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Hands `bytes` to the browser as a download named `name`. */
export function saveAs(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/zip" }),
  );
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
