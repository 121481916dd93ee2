import { type DragEvent, useEffect, useState } from "react";
import { toast } from "sonner";
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

/** Optional product photo: click to browse, drop, or paste; previewed, checked, removable. */
export function ReferencePhoto(props: {
  file: File | null;
  onChange: (file: File | null) => void;
  /** Why the chosen model takes no photo, or null when it does. */
  disabledReason: string | null;
  error: string | null;
}) {
  const { file, onChange, disabledReason, error } = props;
  const limits = useLimits();
  const enabled = disabledReason === null;
  const [dragging, setDragging] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const accept = (candidate: File | undefined | null) => {
    if (!candidate) return;
    const problem = referencePhotoProblem(candidate, limits);
    setLocalError(problem);
    if (problem) {
      toast.error("That photo can't be used", { description: problem });
      return;
    }
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
      accept(image);
    };
    window.addEventListener("paste", onPaste);
    return () => window.removeEventListener("paste", onPaste);
  });

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (enabled) accept(event.dataTransfer.files[0]);
  };
  const shownError = localError ?? error;

  return (
    <div className="field">
      <span className="label" id="reference-label">
        Reference photo <span className="optional">(optional)</span>
      </span>
      {file && preview ? (
        <div className={`reference-preview${enabled ? "" : " is-disabled"}`}>
          <img src={preview} alt={`Your reference: ${file.name}`} />
          <div className="reference-info">
            <span className="reference-name">{file.name}</span>
            <span className="muted">{formatBytes(file.size)}</span>
            {!enabled && <span className="muted">Not sent: {disabledReason}</span>}
          </div>
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              setLocalError(null);
              onChange(null);
            }}
          >
            Remove
          </button>
        </div>
      ) : (
        <label
          className={`dropzone${dragging ? " is-dragging" : ""}${enabled ? "" : " is-disabled"}`}
          onDragOver={(event) => {
            event.preventDefault();
            if (enabled) setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <input
            type="file"
            className="visually-hidden"
            accept={limits.referenceTypes.join(",")}
            disabled={!enabled}
            aria-labelledby="reference-label"
            aria-describedby={`reference-hint${shownError ? " reference-error" : ""}`}
            onChange={(event) => {
              accept(event.target.files?.[0]);
              event.target.value = "";
            }}
          />
          <span className="dropzone-title">
            {enabled ? (
              <>
                Drop a product photo, paste one, or <span className="link">browse</span>
              </>
            ) : (
              disabledReason
            )}
          </span>
          <span id="reference-hint" className="hint">
            PNG, JPEG or WebP · up to {formatBytes(limits.referenceMaxBytes)}
          </span>
        </label>
      )}
      {shownError && (
        <p id="reference-error" className="field-error" role="alert">
          {shownError}
        </p>
      )}
    </div>
  );
}
