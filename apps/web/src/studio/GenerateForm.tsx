import { type FormEvent, useRef } from "react";
import { costLabel, DEMO_PRICE, formatUsd } from "../lib/format";
import { useDemo, useUsage } from "../lib/limits";
import type { MediaAsset } from "../trpc";
import { FormatAndVariants, MAX_VARIANTS } from "./Composer";
import { ModelOptions, ModelPicker } from "./ModelPicker";
import { PromptField } from "./PromptField";
import { ReferencePhoto } from "./ReferencePhoto";
import { type GenerateFormState, useGenerateForm } from "./useGenerateForm";

/** The composer: prompt, optional photo, model and its options, and the Generate Media button. */
export function GenerateForm({ onCreated }: { onCreated: (assets: MediaAsset[]) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const promptRef = useRef<HTMLTextAreaElement | null>(null);
  const form = useGenerateForm({ onCreated, formRef, promptRef });
  const { choice, draft, serverErrors, clearError } = form;
  const { model } = choice;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void form.submit();
  };

  return (
    <form ref={formRef} className="composer card" onSubmit={onSubmit} noValidate>
      <h2 className="card-title">Create</h2>
      <PromptField
        value={draft.prompt}
        onChange={(value) => {
          draft.setPrompt(value);
          clearError("prompt");
        }}
        onSubmitShortcut={() => formRef.current?.requestSubmit()}
        inputRef={promptRef}
        error={form.promptError}
      />
      <ReferencePhoto
        file={draft.photo}
        onChange={(file) => {
          draft.setPhoto(file);
          if (file) draft.setFromResult(null);
          clearError("referenceImage");
        }}
        fromResult={draft.fromResult}
        onClearResult={() => {
          draft.setFromResult(null);
          clearError("referenceAssetId");
        }}
        disabledReason={
          model && !model.referenceImage ? `${model.label} does not take a reference photo.` : null
        }
        error={serverErrors.referenceImage?.[0] ?? serverErrors.referenceAssetId?.[0] ?? null}
      />
      <div className="model-row-line">
        <ModelPicker choice={choice} errors={serverErrors} />
        {model && <ModelOptions model={model} choice={choice} errors={serverErrors} />}
      </div>
      <FormatAndVariants
        choice={choice}
        variants={draft.variants}
        onVariants={(n) => draft.setVariants(Math.min(MAX_VARIANTS, Math.max(1, n)))}
      />
      {form.otherErrors.length > 0 && (
        <p className="field-error" role="alert">
          {form.otherErrors.join(" ")}
        </p>
      )}
      <SpendMeter />
      <ComposerFoot form={form} />
      {form.blockedHint && (
        <p id="generate-blocked" className="hint">
          {form.blockedHint}
        </p>
      )}
    </form>
  );
}

/** The estimate and Generate Media. */
function ComposerFoot({ form }: { form: GenerateFormState }) {
  const demo = useDemo();
  const { model, options } = form.choice;
  const { variants } = form.draft;
  const pending = form.generate.isPending;
  return (
    <div className="composer-foot">
      {model && (
        <span className="muted" id="cost-estimate">
          Estimated cost {demo ? DEMO_PRICE : costLabel(model, options)}
          {variants > 1 && !demo ? ` × ${variants} variants` : ""}
        </span>
      )}
      {/* aria-disabled, not disabled: focus stays on the button (never falls to <body>) and
          it still says why it cannot be pressed. */}
      <button
        type="submit"
        className="button button-primary button-large generate-button"
        aria-disabled={Boolean(form.blocked) || pending}
        aria-describedby={
          form.blockedHint
            ? "generate-blocked"
            : form.promptError
              ? "prompt-error"
              : "cost-estimate"
        }
        aria-busy={pending}
      >
        {pending && <span className="spinner" aria-hidden="true" />}
        {pending ? "Starting…" : "Generate Media"}
        {form.busyFull && !pending && <span className="button-note">{form.busyFull}</span>}
      </button>
    </div>
  );
}

/**
 * Today's spend against the daily cap: charges plus what generations and captions in flight may
 * cost (a caption reserves its estimate until the provider's usage settles it). Demo mode: $0.
 */
function SpendMeter() {
  const { data } = useUsage();
  if (!data || data.dailySpendUsd <= 0) return null;
  if (data.demo) {
    return (
      <p className="spend-meter muted" id="spend-meter">
        Today {DEMO_PRICE} (not counted against the daily cap)
      </p>
    );
  }
  const share = Math.min(1, data.spentUsd / data.dailySpendUsd);
  const details = [
    data.inFlightUsd > 0 ? `~${formatUsd(data.inFlightUsd)} of it in progress` : "",
    data.captionsUsd > 0 ? `${formatUsd(data.captionsUsd)} captions` : "",
  ].filter(Boolean);
  return (
    <p className="spend-meter muted">
      <label htmlFor="spend-meter">
        Today {formatUsd(data.spentUsd)} of {formatUsd(data.dailySpendUsd)}
        {details.length ? ` (${details.join(", ")})` : ""}
      </label>
      <meter
        id="spend-meter"
        min={0}
        max={1}
        low={0.7}
        high={0.9}
        optimum={0}
        value={share}
        aria-valuetext={`${Math.round(share * 100)}% of today's cap used`}
      />
    </p>
  );
}
