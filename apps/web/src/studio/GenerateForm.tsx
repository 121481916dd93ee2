import { type FormEvent, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { errorCode, type FieldErrors, fieldErrorsOf, toastApiError } from "../lib/errors";
import { costLabel, DEMO_PRICE, formatUsd } from "../lib/format";
import { newIdempotencyKey } from "../lib/idempotency";
import { learnConcurrencyLimit, useConcurrency, useDemo, useLimits, useUsage } from "../lib/limits";
import { revealBelowHeader, session } from "../lib/page";
import { type MediaAsset, trpc } from "../trpc";
import { composer } from "./actions";
import { FormatAndVariants, MAX_VARIANTS } from "./Composer";
import { ModelOptions, ModelPicker } from "./ModelPicker";
import { PromptField, promptProblem } from "./PromptField";
import { ReferencePhoto, type ReferenceResult } from "./ReferencePhoto";
import { useModelChoice } from "./useModelChoice";

/** The composer: prompt, optional photo, model and its options, and the Generate Media button. */
export function GenerateForm({ onCreated }: { onCreated: (assets: MediaAsset[]) => void }) {
  const utils = trpc.useUtils();
  const choice = useModelChoice();
  const generate = trpc.media.generate.useMutation();
  // The draft survives a reload (this tab only); the photo does not (a File cannot be kept).
  const [prompt, setPrompt] = useState(() => session.get<string>(PROMPT_KEY) ?? "");
  useEffect(() => session.set(PROMPT_KEY, prompt), [prompt]);
  const concurrency = useConcurrency();
  const demo = useDemo();
  const [photo, setPhoto] = useState<File | null>(null);
  // "Use as reference": one of the user's finished images, sent by id (never re-uploaded).
  const [fromResult, setFromResult] = useState<ReferenceResult | null>(
    () => session.get<ReferenceResult>(REFERENCE_KEY) ?? null,
  );
  useEffect(() => session.set(REFERENCE_KEY, fromResult), [fromResult]);
  const [variants, setVariants] = useState(() => session.get<number>(VARIANTS_KEY) ?? 1);
  useEffect(() => session.set(VARIANTS_KEY, variants > 1 ? variants : null), [variants]);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [tried, setTried] = useState(false);
  // One key per submission: a double click or a retry of the same inputs reuses it, so the
  // server never makes a second asset; a successful submission clears it for the next one.
  const attempt = useRef<{ fingerprint: string; key: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // Set synchronously: the second click of a double click lands before React re-renders.
  const submitting = useRef(false);

  const { model, options } = choice;
  const problem = promptProblem(prompt, useLimits().promptMaxLength);
  const sendsPhoto = Boolean(photo && model?.referenceImage);
  const sendsResult = Boolean(!photo && fromResult && model?.referenceImage);
  const busyFull = concurrency.full ? `${concurrency.active} of ${concurrency.max} running` : null;
  // Every variant is its own job: 3 variants with 2 running of 4 would pass the limit.
  const tooMany =
    !busyFull && concurrency.max !== undefined && concurrency.active + variants > concurrency.max
      ? `${variants} variants with ${concurrency.active} running would pass this account's limit of ${concurrency.max} at once. Ask for fewer, or wait for one to finish.`
      : null;
  const blocked = !model
    ? "Choose an available model."
    : (problem ??
      (busyFull
        ? `${busyFull}: the most this account runs at once. Wait for one to finish, or cancel one.`
        : tooMany));

  // Reached from any result card, the preview or the lightbox (actions.ts).
  const promptRef = useRef<HTMLTextAreaElement | null>(null);
  const showComposer = () => {
    revealBelowHeader(formRef.current);
    promptRef.current?.focus({ preventScroll: true });
  };
  const takeAsReference = (asset: MediaAsset) => {
    if (!asset.resultUrl) return;
    setPhoto(null);
    setFromResult({ id: asset.id, url: asset.resultUrl, prompt: asset.prompt });
    clearError("referenceAssetId");
    clearError("referenceImage");
    showComposer();
    toast.success("Reference set", {
      id: "reference-set",
      description: model?.referenceImage
        ? "Your next generation starts from this image."
        : `${model?.label ?? "This model"} takes no reference photo: choose one that does.`,
    });
  };
  const reuse = (asset: MediaAsset) => {
    setPrompt(asset.prompt);
    clearError("prompt");
    const same = choice.list.find((m) => m.id === asset.model);
    if (same?.available) {
      choice.choose(same.id);
      choice.replaceOptions(asset.options as Record<string, string | number>);
    } else {
      toast.warning(`${asset.modelLabel} is not available now`, {
        description: "The prompt is filled in; the current model stays.",
      });
    }
    setVariants(asset.variant?.of ?? 1);
    showComposer();
  };
  const handlers = useRef({ takeAsReference, reuse });
  handlers.current = { takeAsReference, reuse };
  useEffect(
    () =>
      composer.register({
        takeAsReference: (asset) => handlers.current.takeAsReference(asset),
        reuse: (asset) => handlers.current.reuse(asset),
      }),
    [],
  );

  const clearError = (field: string) =>
    setServerErrors((errors) => (errors[field] ? { ...errors, [field]: undefined } : errors));

  async function submit() {
    setTried(true);
    if (!model || blocked || submitting.current) return;
    const input = {
      type: model.type,
      model: model.id,
      prompt,
      options,
      ...(variants > 1 ? { variants } : {}),
      ...(sendsResult && fromResult ? { referenceAssetId: fromResult.id } : {}),
    };
    const fingerprint = JSON.stringify([
      input,
      sendsPhoto && photo ? [photo.name, photo.size, photo.lastModified] : null,
    ]);
    if (attempt.current?.fingerprint !== fingerprint) {
      attempt.current = { fingerprint, key: newIdempotencyKey() };
    }
    const payload = { ...input, idempotencyKey: attempt.current.key };
    let body: FormData | typeof payload = payload;
    if (sendsPhoto && photo) {
      body = new FormData();
      body.set("input", JSON.stringify(payload));
      body.set("referenceImage", photo);
    }
    submitting.current = true;
    try {
      const { asset, assets, created } = await generate.mutateAsync(body);
      attempt.current = null;
      setServerErrors({});
      setTried(false);
      const made = assets?.length ? assets : [asset];
      for (const a of made) utils.media.byId.setData({ id: a.id }, a);
      void utils.media.list.invalidate();
      void utils.media.usage.invalidate();
      onCreated(made);
      if (!created)
        toast.info("Already on its way", { description: "That generation was started." });
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setServerErrors(fields);
      // A key removed from the server since the page loaded: refresh the catalog so the model
      // shows as unavailable and the picker falls back to one that works.
      if (errorCode(error) === "PRECONDITION_FAILED") void utils.media.models.invalidate();
      if (errorCode(error) === "TOO_MANY_REQUESTS") {
        learnConcurrencyLimit(error);
        void utils.media.list.invalidate();
      }
      // Announced once: a field's own error says it (role=alert), else a toast.
      const shownOnField = Object.entries(fields).some(
        ([field, messages]) => messages?.length && KNOWN_FIELDS.includes(field),
      );
      if (!shownOnField) toastApiError(error);
    } finally {
      submitting.current = false;
    }
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };

  // An empty prompt is pointed out only after a submit attempt; one that is too long at once.
  const typed = prompt.trim().length > 0;
  const promptError = serverErrors.prompt?.[0] ?? (problem && (tried || typed) ? problem : null);
  // Why the button is disabled, unless the field itself already says so.
  const blockedHint = blocked && blocked !== promptError ? blocked : null;
  const otherErrors = Object.entries(serverErrors)
    .filter(([field, messages]) => messages?.length && !KNOWN_FIELDS.includes(field))
    .flatMap(([, messages]) => messages ?? []);

  return (
    <form ref={formRef} className="composer card" onSubmit={onSubmit} noValidate>
      <h2 className="card-title">Create</h2>
      <PromptField
        value={prompt}
        onChange={(value) => {
          setPrompt(value);
          clearError("prompt");
        }}
        onSubmitShortcut={() => formRef.current?.requestSubmit()}
        inputRef={promptRef}
        error={promptError}
      />
      <ReferencePhoto
        file={photo}
        onChange={(file) => {
          setPhoto(file);
          if (file) setFromResult(null);
          clearError("referenceImage");
        }}
        fromResult={fromResult}
        onClearResult={() => {
          setFromResult(null);
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
        variants={variants}
        onVariants={(n) => setVariants(Math.min(MAX_VARIANTS, Math.max(1, n)))}
      />
      {otherErrors.length > 0 && (
        <p className="field-error" role="alert">
          {otherErrors.join(" ")}
        </p>
      )}
      <SpendMeter />
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
          aria-disabled={Boolean(blocked) || generate.isPending}
          aria-describedby={
            blockedHint ? "generate-blocked" : promptError ? "prompt-error" : "cost-estimate"
          }
          aria-busy={generate.isPending}
        >
          {generate.isPending && <span className="spinner" aria-hidden="true" />}
          {generate.isPending ? "Starting…" : "Generate Media"}
          {busyFull && !generate.isPending && <span className="button-note">{busyFull}</span>}
        </button>
      </div>
      {blockedHint && (
        <p id="generate-blocked" className="hint">
          {blockedHint}
        </p>
      )}
    </form>
  );
}

const KNOWN_FIELDS = ["prompt", "referenceImage", "referenceAssetId", "model", "options"];
const PROMPT_KEY = "streamline.studio.prompt";
const REFERENCE_KEY = "streamline.studio.referenceResult";
const VARIANTS_KEY = "streamline.studio.variants";

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
