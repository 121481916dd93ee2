import { useEffect, useState } from "react";
import type { FieldErrors } from "../lib/errors";
import { costLabel, providerName } from "../lib/format";
import type { MediaModel, MediaType } from "../trpc";
import type { ModelChoice } from "./useModelChoice";

const TYPES: { type: MediaType; label: string }[] = [
  { type: "image", label: "Image" },
  { type: "video", label: "Video" },
];

/** The catalog from `media.models`, by kind: what each model costs, offers, and why not. */
export function ModelPicker({ choice, errors }: { choice: ModelChoice; errors: FieldErrors }) {
  const { list, model, models } = choice;
  const [shown, setShown] = useState<MediaType>(model?.type ?? "image");
  useEffect(() => {
    if (model) setShown(model.type);
  }, [model]);

  if (models.isPending) return <p className="muted">Loading models…</p>;
  if (models.isError) {
    return (
      <div className="notice notice-error" role="alert">
        <p>Could not load the models: {models.error.message}</p>
        <button type="button" className="button" onClick={() => void models.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  // Usable models first; the rest stay visible so users learn why they cannot pick them.
  const rows = list
    .filter((m) => m.type === shown)
    .sort((a, b) => Number(b.available) - Number(a.available));
  const modelError = errors.model?.[0];

  return (
    <fieldset
      className="field model-picker"
      aria-describedby={modelError ? "model-error" : undefined}
    >
      <legend className="label">Model</legend>
      <div className="segmented" role="radiogroup" aria-label="Media type">
        {TYPES.map(({ type, label }) => (
          <label key={type} className="segment">
            <input
              type="radio"
              name="media-type"
              value={type}
              checked={shown === type}
              onChange={() => {
                setShown(type);
                choice.chooseType(type);
              }}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
      {rows.every((m) => !m.available) && (
        <p className="notice" role="status">
          No {shown} model is available on this server right now.
        </p>
      )}
      <ul className="model-list" aria-label={`${shown === "image" ? "Image" : "Video"} models`}>
        {rows.map((m) => (
          <ModelRow key={m.id} model={m} list={list} checked={model?.id === m.id} choice={choice} />
        ))}
      </ul>
      {modelError && (
        <p id="model-error" className="field-error" role="alert">
          {modelError}
        </p>
      )}
      {model?.type === shown && <ModelOptions model={model} choice={choice} errors={errors} />}
    </fieldset>
  );
}

function ModelRow(props: {
  model: MediaModel;
  list: readonly MediaModel[];
  checked: boolean;
  choice: ModelChoice;
}) {
  const { model: m, list, checked, choice } = props;
  const noteId = `model-note-${m.id}`;
  const replacement = (m.replacement ?? m.lifecycle.replacement) as string | null | undefined;
  const target = replacement ? list.find((x) => x.id === replacement && x.available) : undefined;
  const deprecated = m.available && m.lifecycle.stage === "deprecated";
  const note = !m.available
    ? m.unavailableMessage
    : deprecated
      ? `Deprecated${m.lifecycle.shutdownOn ? `: shuts down ${m.lifecycle.shutdownOn}` : ""}.`
      : null;
  return (
    <li className={`model-item${m.available ? "" : " is-unavailable"}`}>
      <label className="model-row">
        <input
          type="radio"
          name="model"
          value={m.id}
          checked={checked}
          disabled={!m.available}
          onChange={() => choice.choose(m.id)}
          aria-describedby={note ? noteId : undefined}
        />
        <span className="model-main">
          <span className="model-name">{m.label}</span>
          <span className="model-meta">
            <span className="badge">{providerName(m.provider)}</span>
            {m.lifecycle.stage === "preview" && <span className="badge badge-info">Preview</span>}
            {m.unavailableReason === "retired" && <span className="badge">Retired</span>}
            {m.unavailableReason === "not_configured" && (
              <span className="badge badge-warn">Not configured</span>
            )}
            {m.unavailableReason === "access" && (
              <span className="badge badge-warn">Not with this key</span>
            )}
          </span>
        </span>
        <span className="model-cost">{costLabel(m, checked ? choice.options : undefined)}</span>
      </label>
      {note && (
        <p id={noteId} className="model-note">
          {note}
          {target && (
            <button type="button" className="link-button" onClick={() => choice.choose(target.id)}>
              Use {target.label}
            </button>
          )}
        </p>
      )}
    </li>
  );
}

function ModelOptions({
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
    <fieldset className="options-grid">
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
