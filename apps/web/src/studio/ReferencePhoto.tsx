import { type DragEvent, type ReactNode, useEffect, useState } from "react";
import { formatBytes } from "../lib/format";
import { type StudioLimits, useLimits } from "../lib/limits";

/** The browser's half of the server's checks: type and size (the server also reads the bytes). */
export function referencePhotoProblem(file: File, limits: StudioLimits): string | null {
  if (!limits.referenceTypes.includes(file.type)) {
    return `“${file.name}” is not a PNG, JPEG or WebP image.`;
  }
  if (file.size > limits.referenceMaxBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; the limit is ${formatBytes(limits.referenceMaxBytes)}.`;
  }
  return null;
}

/** What the first bytes say the file is; null when it is none of the photo types we take. */
export function sniffImageType(head: Uint8Array): string | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  // "RIFF" <size> "WEBP"
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

const KNOWN_OTHER: [number[], string][] = [
  [[0x25, 0x50, 0x44, 0x46], "a PDF"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF"],
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP archive"],
];

/**
 * The file's contents, not its name or the type the browser guessed from the name: a PDF renamed
 * photo.png is refused here, before anything is uploaded (the server reads the bytes too).
 */
export async function referencePhotoContentProblem(file: File): Promise<string | null> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (sniffImageType(head)) return null;
  const other = KNOWN_OTHER.find(([magic]) => magic.every((b, i) => head[i] === b))?.[1];
  return `“${file.name}” is not really a PNG, JPEG or WebP image${other ? ` (it is ${other})` : ""}.`;
}

/** One of the user's own finished images, used as the reference by id ("Use as reference"). */
export type ReferenceResult = { id: string; url: string; prompt: string };

/** Optional product photo: click to browse, drop, or paste; previewed, checked, removable. */
export function ReferencePhoto(props: {
  file: File | null;
  onChange: (file: File | null) => void;
  /** Why the chosen model takes no photo, or null when it does. */
  disabledReason: string | null;
  error: string | null;
  fromResult?: ReferenceResult | null;
  onClearResult?: () => void;
}) {
  const { file, onChange, disabledReason, error, fromResult } = props;
  const limits = useLimits();
  const enabled = disabledReason === null;
  const [localError, setLocalError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const accept = async (candidate: File | undefined | null) => {
    if (!candidate) return;
    const problem =
      referencePhotoProblem(candidate, limits) ??
      (await referencePhotoContentProblem(candidate).catch(() => null));
    setLocalError(problem);
    // Announced once, by the field's own error (an alert), not by a toast as well.
    if (problem) return;
    onChange(candidate);
  };

  // Paste anywhere on the page: an image on the clipboard becomes the reference photo.
  useEffect(() => {
    if (!enabled) return;
    const onPaste = (event: ClipboardEvent) => {
      const image = [...(event.clipboardData?.files ?? [])].find((f) =>
        f.type.startsWith("image/"),
      );
      if (!image) return;
      event.preventDefault();
      void accept(image);
    };
    window.addEventListener("paste", onPaste);
    return () => window.removeEventListener("paste", onPaste);
  });

  const shownError = localError ?? error;

  return (
    <div className="field">
      <span className="label" id="reference-label">
        Reference photo <span className="optional">(optional)</span>
      </span>
      {file && preview ? (
        <ReferenceShown
          src={preview}
          alt={`Your reference: ${file.name}`}
          enabled={enabled}
          onRemove={() => {
            setLocalError(null);
            onChange(null);
          }}
        >
          <span className="reference-name">{file.name}</span>
          <span className="muted">{formatBytes(file.size)}</span>
          {!enabled && <span className="muted">Not sent: {disabledReason}</span>}
        </ReferenceShown>
      ) : fromResult ? (
        <ReferenceShown
          src={fromResult.url}
          alt={`Your reference: your result “${fromResult.prompt}”`}
          enabled={enabled}
          onRemove={() => {
            setLocalError(null);
            props.onClearResult?.();
          }}
        >
          <span className="reference-name">From your result “{fromResult.prompt}”</span>
          <span className="muted">
            {enabled ? "Sent by reference, not uploaded again" : `Not sent: ${disabledReason}`}
          </span>
        </ReferenceShown>
      ) : (
        <Dropzone
          enabled={enabled}
          disabledReason={disabledReason}
          accept={limits.referenceTypes.join(",")}
          maxBytes={limits.referenceMaxBytes}
          hasError={Boolean(shownError)}
          onFile={(picked) => void accept(picked)}
        />
      )}
      {shownError && (
        <p id="reference-error" className="field-error" role="alert">
          {shownError}
        </p>
      )}
    </div>
  );
}

/** The reference in use: its picture, what it is, and Remove. */
function ReferenceShown(props: {
  src: string;
  alt: string;
  enabled: boolean;
  onRemove: () => void;
  children: ReactNode;
}) {
  return (
    <div className={`reference-preview${props.enabled ? "" : " is-disabled"}`}>
      <img src={props.src} alt={props.alt} />
      <div className="reference-info">{props.children}</div>
      <button type="button" className="button button-ghost" onClick={props.onRemove}>
        Remove
      </button>
    </div>
  );
}

/** Click to browse, or drop a file on it. */
function Dropzone(props: {
  enabled: boolean;
  disabledReason: string | null;
  accept: string;
  maxBytes: number;
  hasError: boolean;
  onFile: (file: File | undefined) => void;
}) {
  const { enabled } = props;
  const [dragging, setDragging] = useState(false);
  return (
    <label
      className={`dropzone${dragging ? " is-dragging" : ""}${enabled ? "" : " is-disabled"}`}
      onDragOver={(event) => {
        event.preventDefault();
        if (enabled) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event: DragEvent) => {
        event.preventDefault();
        setDragging(false);
        if (enabled) props.onFile(event.dataTransfer.files[0]);
      }}
    >
      <input
        type="file"
        className="visually-hidden"
        accept={props.accept}
        disabled={!enabled}
        aria-labelledby="reference-label"
        aria-describedby={`reference-hint${props.hasError ? " reference-error" : ""}`}
        onChange={(event) => {
          props.onFile(event.target.files?.[0]);
          event.target.value = "";
        }}
      />
      <span className="dropzone-title">
        {enabled ? (
          <>
            Drop a product photo, paste one, or <span className="link">browse</span>
          </>
        ) : (
          props.disabledReason
        )}
      </span>
      <span id="reference-hint" className="hint">
        PNG, JPEG or WebP · up to {formatBytes(props.maxBytes)}
      </span>
    </label>
  );
}
