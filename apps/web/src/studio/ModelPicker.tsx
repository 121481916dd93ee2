import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { type FieldErrors, plainMessage } from "../lib/errors";
import { costLabel, DEMO_PRICE, modelText, providerName } from "../lib/format";
import { useDemo } from "../lib/limits";
import type { MediaModel, MediaType } from "../trpc";
import type { ModelChoice } from "./useModelChoice";

const GROUPS: { type: MediaType; label: string }[] = [
  { type: "image", label: "Image models" },
  { type: "video", label: "Video models" },
];

const matches = (m: MediaModel, query: string) => {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [m.label, m.id, providerName(m.provider), m.type].some((t) => t.toLowerCase().includes(q));
};

const isRetired = (m: MediaModel) => m.unavailableReason === "retired";

/** Usable first (the server's defaults at the top), then the ones that say why they are not. */
function ordered(models: readonly MediaModel[]) {
  const rank = (m: MediaModel) => (m.available ? (m.isDefault ? 0 : 1) : 2);
  return [...models].sort((a, b) => rank(a) - rank(b));
}

/**
 * The catalog from `media.models` in one compact control: a button naming the chosen model that
 * opens a searchable panel, grouped image / video, retired models folded under "Retired" with
 * their replacement. One line high in the composer, so Generate stays above the fold.
 */
export function ModelPicker({ choice, errors }: { choice: ModelChoice; errors: FieldErrors }) {
  const { list, model, models } = choice;
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    search.current?.focus();
    const onPointer = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    setQuery("");
    trigger.current?.focus();
  };
  const pick = (id: string) => {
    choice.choose(id);
    close();
  };

  const modelError = errors.model?.[0];
  const label = (
    <span className="label" id="model-label">
      Model
    </span>
  );
  if (models.isPending) {
    return (
      <div className="field model-field">
        {label}
        <div className="model-trigger is-loading" aria-hidden="true" />
        <span className="visually-hidden" role="status">
          Loading models…
        </span>
      </div>
    );
  }
  if (models.isError) {
    return (
      <div className="field model-field">
        {label}
        <div className="notice notice-error" role="alert">
          <p>Could not load the models: {plainMessage(models.error.message)}</p>
          <button type="button" className="button" onClick={() => void models.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  const shown = list.filter((m) => matches(m, query));
  const retired = ordered(shown.filter(isRetired));
  const rowsOf = (type: MediaType) =>
    ordered(shown.filter((m) => m.type === type && !isRetired(m)));
  const firstUsable = [...rowsOf("image"), ...rowsOf("video")].find((m) => m.available);

  const onPanelKey = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const rows = [
      ...(root.current?.querySelectorAll<HTMLElement>(".model-option, .model-search") ?? []),
    ].filter((node) => node.offsetParent !== null);
    const at = rows.indexOf(document.activeElement as HTMLElement);
    event.preventDefault();
    rows[(at + (event.key === "ArrowDown" ? 1 : -1) + rows.length) % rows.length]?.focus();
  };

  return (
    <div className="field model-field" ref={root}>
      {label}
      <button
        ref={trigger}
        type="button"
        className="model-trigger"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-labelledby="model-label model-current"
        aria-describedby={modelError ? "model-error" : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <span id="model-current" className="model-current">
          {model ? (
            <>
              <span className="model-name">{model.label}</span>{" "}
              <span className="muted">
                · {providerName(model.provider)} · {model.type === "video" ? "Video" : "Image"}
              </span>
            </>
          ) : (
            "Choose a model"
          )}
        </span>
        <span className="model-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <fieldset id={panelId} className="model-panel" onKeyDown={onPanelKey}>
          <legend className="visually-hidden">Choose a model</legend>
          <input
            ref={search}
            type="search"
            className="input model-search"
            placeholder="Search models"
            aria-label="Search models"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                if (firstUsable) pick(firstUsable.id);
              }
            }}
          />
          {GROUPS.map(({ type, label: groupLabel }) => {
            const rows = rowsOf(type);
            if (rows.length === 0) return null;
            return (
              <fieldset key={type} className="model-group">
                <legend className="model-group-title">{groupLabel}</legend>
                {rows.every((m) => !m.available) && (
                  <p className="model-note">
                    No {type} model is available on this server right now.
                  </p>
                )}
                {rows.map((m) => (
                  <ModelOption
                    key={m.id}
                    model={m}
                    list={list}
                    current={model?.id === m.id}
                    onPick={pick}
                  />
                ))}
              </fieldset>
            );
          })}
          {retired.length > 0 && (
            <details className="model-retired" open={Boolean(query.trim()) || undefined}>
              <summary>Retired ({retired.length})</summary>
              {retired.map((m) => (
                <ModelOption key={m.id} model={m} list={list} current={false} onPick={pick} />
              ))}
            </details>
          )}
          {shown.length === 0 && <p className="model-note">No model matches “{query}”.</p>}
        </fieldset>
      )}
      {modelError && (
        <p id="model-error" className="field-error" role="alert">
          {modelError}
        </p>
      )}
    </div>
  );
}

/** Why a model cannot be used, in the studio's words (labels, not ids; no repeated "Use …"). */
function unavailableNote(m: MediaModel, list: readonly MediaModel[], hasButton: boolean) {
  if (m.available) {
    return m.lifecycle.stage === "deprecated"
      ? `Deprecated${m.lifecycle.shutdownOn ? `: shuts down ${m.lifecycle.shutdownOn}` : ""}.`
      : null;
  }
  let text = plainMessage(modelText(m.unavailableMessage ?? "Unavailable.", list));
  // The button below says "Use … instead"; the sentence would say it twice.
  if (hasButton) text = text.replace(/\s*Use [^.]+ instead\.?\s*$/, "");
  return text;
}

function ModelOption(props: {
  model: MediaModel;
  list: readonly MediaModel[];
  current: boolean;
  onPick: (id: string) => void;
}) {
  const { model: m, list, current, onPick } = props;
  const noteId = `model-note-${m.id}`;
  const replacement = (m.replacement ?? m.lifecycle.replacement) as string | null | undefined;
  const target = replacement ? list.find((x) => x.id === replacement && x.available) : undefined;
  const note = unavailableNote(m, list, Boolean(target));
  const demo = useDemo();
  return (
    <div className={`model-item${m.available ? "" : " is-unavailable"}`}>
      <button
        type="button"
        className="model-option"
        aria-current={current || undefined}
        aria-disabled={!m.available || undefined}
        aria-describedby={note ? noteId : undefined}
        onClick={() => m.available && onPick(m.id)}
      >
        <span className="model-check" aria-hidden="true">
          {current ? "✓" : ""}
        </span>
        <span className="model-name">{m.label}</span>
        <span className="model-meta">
          <span className="badge">{providerName(m.provider)}</span>
          {m.isDefault && m.available && <span className="badge">Default</span>}
          {m.lifecycle.stage === "preview" && <span className="badge badge-info">Preview</span>}
          {m.unavailableReason === "retired" && <span className="badge">Retired</span>}
          {m.unavailableReason === "not_configured" && (
            <span className="badge badge-warn">Not configured</span>
          )}
          {m.unavailableReason === "access" && (
            <span className="badge badge-warn">Not with this key</span>
          )}
        </span>
        <span className="model-cost">{demo ? DEMO_PRICE : costLabel(m)}</span>
      </button>
      {note && (
        <p id={noteId} className="model-note">
          {note}{" "}
          {target && (
            <button type="button" className="link-button" onClick={() => onPick(target.id)}>
              Use {target.label} instead
            </button>
          )}
        </p>
      )}
    </div>
  );
}

/** The chosen model's options, side by side in one row. */
export function ModelOptions({
  model,
  choice,
  errors,
}: {
  model: MediaModel;
  choice: ModelChoice;
  errors: FieldErrors;
}) {
  const entries = Object.entries(model.options);
  if (entries.length === 0) return null;
  const optionsError = errors.options?.[0];
  return (
    <fieldset className="options-row">
      <legend className="visually-hidden">{model.label} options</legend>
      {entries.map(([name, option]) => (
        <label key={name} className="option">
          <span className="option-label">{option.label}</span>
          <select
            className="select"
            name={`option-${name}`}
            value={String(choice.options[name] ?? option.default)}
            onChange={(event) => {
              const value = option.values.find((v) => String(v) === event.target.value);
              if (value !== undefined) choice.setOption(name, value);
            }}
          >
            {option.values.map((value) => (
              <option key={String(value)} value={String(value)}>
                {String(value)}
              </option>
            ))}
          </select>
        </label>
      ))}
      {optionsError && (
        <p className="field-error" role="alert">
          {optionsError}
        </p>
      )}
    </fieldset>
  );
}
