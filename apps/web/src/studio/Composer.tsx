// The composer's "where will it be posted" and "how many" controls, one compact row: a social
// format (9:16 Reels …) mapped by the catalog onto the model's nearest size or aspect ratio, and
// 1–4 variants of the same prompt.
import { trpc } from "../trpc";
import type { ModelChoice } from "./useModelChoice";

export const MAX_VARIANTS = 4;

/** "→ 1024×1536, nearest to 9:16": what the model will really make for the chosen format. */
export function mappingText(shape: string, label: string, exact: boolean): string {
  const made = shape.replace(/^(\d+)x(\d+)$/, "$1×$2");
  return exact ? `→ ${made}` : `→ ${made}, nearest to ${label}`;
}

export function FormatAndVariants(props: {
  choice: ModelChoice;
  variants: number;
  onVariants: (value: number) => void;
}) {
  const { choice, variants, onVariants } = props;
  const limits = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const formats = limits.data?.socialFormats ?? [];
  const { model, mapping, wantedFormat } = choice;
  const shapes = Boolean(model && formats.length > 0 && model.socialFormats.length > 0);
  const chosen = formats.find((f) => f.id === wantedFormat);
  let hint: string | null = null;
  if (mapping && chosen) hint = mappingText(mapping.shape, chosen.label, mapping.exact);
  else if (chosen && model && !shapes)
    hint = `${model.label} has one shape; ${chosen.label} not applied.`;
  return (
    <div className="format-row">
      <div className="options-row">
        <label className="option format-option">
          <span className="option-label">Format</span>
          <select
            className="select"
            name="format"
            value={shapes ? (mapping?.format ?? "") : ""}
            disabled={!shapes}
            aria-describedby={hint ? "format-mapping" : undefined}
            onChange={(event) => choice.chooseFormat(event.target.value || null)}
          >
            <option value="">Any (size below)</option>
            {formats.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label} · {f.destinations}
              </option>
            ))}
          </select>
        </label>
        <label className="option variants-option">
          <span className="option-label">Variants</span>
          <select
            className="select"
            name="variants"
            value={variants}
            onChange={(event) => onVariants(Number(event.target.value))}
          >
            {Array.from({ length: MAX_VARIANTS }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {hint && (
        <p id="format-mapping" className="hint format-mapping">
          {hint}
        </p>
      )}
    </div>
  );
}
