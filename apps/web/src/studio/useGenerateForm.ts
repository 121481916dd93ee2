// The composer's state and its one mutation, apart from the view (GenerateForm.tsx): the draft
// (kept for this tab across a reload), why Generate is off, "Use as reference" / "Reuse prompt"
// from any result, and the submission with one idempotency key per set of inputs.
import { type RefObject, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { errorCode, type FieldErrors, fieldErrorsOf, toastApiError } from "../lib/errors";
import { newIdempotencyKey } from "../lib/idempotency";
import { learnConcurrencyLimit, useConcurrency, useLimits } from "../lib/limits";
import { revealBelowHeader, session } from "../lib/page";
import { type MediaAsset, trpc } from "../trpc";
import { composer } from "./actions";
import { promptProblem } from "./PromptField";
import type { ReferenceResult } from "./ReferencePhoto";
import type { ReuseExtras } from "./store";
import { type ModelChoice, useModelChoice } from "./useModelChoice";

export const KNOWN_FIELDS = ["prompt", "referenceImage", "referenceAssetId", "model", "options"];
const PROMPT_KEY = "streamline.studio.prompt";
const REFERENCE_KEY = "streamline.studio.referenceResult";
const VARIANTS_KEY = "streamline.studio.variants";

/** The draft; it survives a reload (this tab only); the photo does not (a File cannot be kept). */
function useDraft() {
  const [prompt, setPrompt] = useState(() => session.get<string>(PROMPT_KEY) ?? "");
  useEffect(() => session.set(PROMPT_KEY, prompt), [prompt]);
  const [photo, setPhoto] = useState<File | null>(null);
  // "Use as reference": one of the user's finished images, sent by id (never re-uploaded).
  const [fromResult, setFromResult] = useState<ReferenceResult | null>(
    () => session.get<ReferenceResult>(REFERENCE_KEY) ?? null,
  );
  useEffect(() => session.set(REFERENCE_KEY, fromResult), [fromResult]);
  const [variants, setVariants] = useState(() => session.get<number>(VARIANTS_KEY) ?? 1);
  useEffect(() => session.set(VARIANTS_KEY, variants > 1 ? variants : null), [variants]);
  return { prompt, setPrompt, photo, setPhoto, fromResult, setFromResult, variants, setVariants };
}

/** Why Generate cannot be pressed now, or null. */
function useBlocked(choice: ModelChoice, prompt: string, variants: number) {
  const concurrency = useConcurrency();
  const problem = promptProblem(prompt, useLimits().promptMaxLength);
  const busyFull = concurrency.full ? `${concurrency.active} of ${concurrency.max} running` : null;
  // Every variant is its own job: 3 variants with 2 running of 4 would pass the limit.
  const tooMany =
    !busyFull && concurrency.max !== undefined && concurrency.active + variants > concurrency.max
      ? `${variants} variants with ${concurrency.active} running would pass this account's limit of ${concurrency.max} at once. Ask for fewer, or wait for one to finish.`
      : null;
  const full = busyFull
    ? `${busyFull}: the most this account runs at once. Wait for one to finish, or cancel one.`
    : tooMany;
  const blocked = choice.model ? (problem ?? full) : "Choose an available model.";
  return { problem, busyFull, blocked };
}

/** A failed submission: errors on their fields, else one toast; the catalog or limits refreshed. */
function onGenerateError(
  error: unknown,
  utils: ReturnType<typeof trpc.useUtils>,
  setServerErrors: (errors: FieldErrors) => void,
) {
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
}

/** "Use as reference" and "Reuse prompt", reached from any result card (actions.ts). */
function useComposerActions(
  choice: ModelChoice,
  draft: ReturnType<typeof useDraft>,
  clearError: (field: string) => void,
  showComposer: () => void,
) {
  const { model } = choice;
  const takeAsReference = (asset: MediaAsset) => {
    if (!asset.resultUrl) return;
    draft.setPhoto(null);
    draft.setFromResult({ id: asset.id, url: asset.resultUrl, prompt: asset.prompt });
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
  const reuse = (asset: MediaAsset, extras: ReuseExtras = {}) => {
    draft.setPrompt(asset.prompt);
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
    draft.setVariants(extras.variants ?? asset.variant?.of ?? 1);
    if (extras.photo) {
      draft.setFromResult(null);
      draft.setPhoto(extras.photo);
    } else if (extras.reference) takeAsReference(extras.reference);
    showComposer();
  };
  const handlers = useRef({ takeAsReference, reuse });
  handlers.current = { takeAsReference, reuse };
  useEffect(
    () =>
      composer.register({
        takeAsReference: (asset) => handlers.current.takeAsReference(asset),
        reuse: (asset, extras) => handlers.current.reuse(asset, extras),
      }),
    [],
  );
}

export function useGenerateForm(props: {
  onCreated: (assets: MediaAsset[]) => void;
  formRef: RefObject<HTMLFormElement | null>;
  promptRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const utils = trpc.useUtils();
  const choice = useModelChoice();
  const generate = trpc.media.generate.useMutation();
  const draft = useDraft();
  const { prompt, photo, fromResult, variants } = draft;
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [tried, setTried] = useState(false);
  // One key per submission: a double click or a retry of the same inputs reuses it, so the
  // server never makes a second asset; a successful submission clears it for the next one.
  const attempt = useRef<{ fingerprint: string; key: string } | null>(null);
  // Set synchronously: the second click of a double click lands before React re-renders.
  const submitting = useRef(false);

  const { model, options } = choice;
  const { problem, busyFull, blocked } = useBlocked(choice, prompt, variants);
  const sendsPhoto = Boolean(photo && model?.referenceImage);
  const sendsResult = Boolean(!photo && fromResult && model?.referenceImage);
  const clearError = (field: string) =>
    setServerErrors((errors) => (errors[field] ? { ...errors, [field]: undefined } : errors));
  const showComposer = () => {
    revealBelowHeader(props.formRef.current);
    props.promptRef.current?.focus({ preventScroll: true });
  };
  useComposerActions(choice, draft, clearError, showComposer);

  /** The request: JSON, or multipart when a photo goes along; the key follows the inputs. */
  const requestBody = () => {
    if (!model) return null;
    const input = {
      type: model.type,
      model: model.id,
      prompt,
      options,
      ...(variants > 1 ? { variants } : {}),
      ...(sendsResult && fromResult ? { referenceAssetId: fromResult.id } : {}),
    };
    const file = sendsPhoto ? photo : null;
    const fingerprint = JSON.stringify([
      input,
      file ? [file.name, file.size, file.lastModified] : null,
    ]);
    if (attempt.current?.fingerprint !== fingerprint) {
      attempt.current = { fingerprint, key: newIdempotencyKey() };
    }
    const payload = { ...input, idempotencyKey: attempt.current.key };
    if (!file) return payload;
    const body = new FormData();
    body.set("input", JSON.stringify(payload));
    body.set("referenceImage", file);
    return body;
  };

  async function submit() {
    setTried(true);
    const body = !blocked && !submitting.current ? requestBody() : null;
    if (!body) return;
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
      props.onCreated(made);
      if (!created)
        toast.info("Already on its way", { description: "That generation was started." });
    } catch (error) {
      onGenerateError(error, utils, setServerErrors);
    } finally {
      submitting.current = false;
    }
  }

  // An empty prompt is pointed out only after a submit attempt; one that is too long at once.
  const typed = prompt.trim().length > 0;
  const promptError = serverErrors.prompt?.[0] ?? (problem && (tried || typed) ? problem : null);
  return {
    ...{ choice, generate, draft, serverErrors, clearError, submit, busyFull, blocked },
    promptError,
    // Why the button is disabled, unless the field itself already says so.
    blockedHint: blocked && blocked !== promptError ? blocked : null,
    otherErrors: Object.entries(serverErrors)
      .filter(([field, messages]) => messages?.length && !KNOWN_FIELDS.includes(field))
      .flatMap(([, messages]) => messages ?? []),
  };
}

export type GenerateFormState = ReturnType<typeof useGenerateForm>;
