import { lazy, Suspense, useId, useRef, useState } from "react";
import { type FieldErrors, plainMessage } from "../lib/errors";
import { providerName } from "../lib/format";
import type { MediaModel } from "../trpc";
import type { ModelChoice } from "./useModelChoice";

const loadPanel = () => import("./ModelPanel");
const ModelPanel = lazy(loadPanel);

/**
 * The catalog from `media.models` in one compact control: a button naming the chosen model that
 * opens a searchable panel (ModelPanel, loaded on first use — on hover or focus of the button),
 * grouped image / video, retired models folded under "Retired" with their replacement. One line
 * high in the composer, so Generate stays above the fold.
 */
export function ModelPicker({ choice, errors }: { choice: ModelChoice; errors: FieldErrors }) {
  const { list, model, models } = choice;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const trigger = useRef<HTMLButtonElement>(null);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  };
  const pick = (id: string) => {
    choice.choose(id);
    close(true);
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

  return (
    <div className="field model-field">
      {label}
      <button
        ref={trigger}
        type="button"
        className="model-trigger"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-labelledby="model-label model-current"
        aria-describedby={modelError ? "model-error" : undefined}
        onPointerEnter={() => void loadPanel()}
        onFocus={() => void loadPanel()}
        onClick={() => (open ? close(true) : setOpen(true))}
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
        <Suspense fallback={null}>
          <ModelPanel
            anchor={trigger}
            id={panelId}
            list={list}
            current={model}
            onPick={pick}
            onClose={close}
          />
        </Suspense>
      )}
      {modelError && (
        <p id="model-error" className="field-error" role="alert">
          {modelError}
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
