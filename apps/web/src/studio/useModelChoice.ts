// Which model (and options) the next generation uses. The list comes from `media.models`; the
// last choice is remembered per browser, and when it stops being usable (its key was removed,
// it was retired) the studio falls back to an available model of the same kind and says why.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { plainMessage } from "../lib/errors";
import { modelText, type OptionValues, resolveOptions, sentence } from "../lib/format";
import { session } from "../lib/page";
import { type MediaModel, type MediaType, trpc } from "../trpc";

const STORAGE_KEY = "streamline.studio.model";
const OPTIONS_KEY = "streamline.studio.options";
const FORMAT_KEY = "streamline.studio.format";

const remembered = () => {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
};
const remember = (id: string) => {
  try {
    localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Private mode: the choice just is not remembered.
  }
};

/** The configured default of that type if it is usable, else the first usable one. */
export function firstAvailable(models: readonly MediaModel[], type: MediaType) {
  const usable = models.filter((m) => m.type === type && m.available);
  return usable.find((m) => m.isDefault) ?? usable[0];
}

export function useModelChoice() {
  const models = trpc.media.models.useQuery(undefined, { staleTime: 5 * 60_000 });
  const [modelId, setModelId] = useState<string | null>(remembered);
  // The options chosen in this tab survive a reload with the draft prompt.
  const [chosen, setChosen] = useState<OptionValues>(() => session.get(OPTIONS_KEY) ?? {});
  useEffect(() => session.set(OPTIONS_KEY, chosen), [chosen]);
  // A social format (9:16 …) instead of pixels: mapped onto each model's own size or aspect
  // ratio by the catalog, so it follows a change of model.
  const [format, setFormat] = useState<string | null>(() => session.get(FORMAT_KEY) ?? null);
  useEffect(() => session.set(FORMAT_KEY, format), [format]);
  const list = models.data ?? [];
  const selected = list.find((m) => m.id === modelId);
  const model = selected?.available ? selected : undefined;
  const announced = useRef<string | null>(null);
  const lastOfType = useRef<Partial<Record<MediaType, string>>>({});
  if (model) lastOfType.current[model.type] = model.id;

  // Fall back when the choice is missing or unusable, announcing it only for a real choice.
  // Before paint (layout effect), so the options row is there in the first frame: no shift.
  useLayoutEffect(() => {
    if (!models.data || model) return;
    const type = selected?.type ?? "image";
    const fallback =
      firstAvailable(models.data, type) ?? models.data.find((m) => m.available) ?? null;
    if (selected && announced.current !== selected.id) {
      announced.current = selected.id;
      const why = sentence(
        plainMessage(
          modelText(selected.unavailableMessage ?? `${selected.label} is unavailable`, models.data),
        ),
      );
      if (fallback) {
        toast.warning(why, { description: `Switched to ${fallback.label}.` });
        remember(fallback.id);
      } else toast.error(why);
    }
    setModelId(fallback?.id ?? null);
  }, [models.data, model, selected]);

  const choose = useCallback((id: string) => {
    setModelId(id);
    remember(id);
  }, []);

  const chooseType = useCallback(
    (type: MediaType) => {
      const last = list.find((m) => m.id === lastOfType.current[type] && m.available);
      const next = last ?? firstAvailable(list, type);
      if (next) choose(next.id);
    },
    [list, choose],
  );

  const mapping = model?.socialFormats.find((f) => f.format === format);
  const setOption = useCallback(
    (name: string, value: string | number) => {
      setChosen((current) => ({ ...current, [name]: value }));
      // Picking pixels by hand leaves the format.
      if (mapping && Object.hasOwn(mapping.options, name)) setFormat(null);
    },
    [mapping],
  );
  /** "Reuse prompt": exactly that result's options. */
  const replaceOptions = useCallback((values: OptionValues) => {
    setChosen(values);
    setFormat(null);
  }, []);

  const options = useMemo(
    () => (model ? resolveOptions(model, { ...chosen, ...(mapping?.options ?? {}) }) : {}),
    [model, chosen, mapping],
  );

  return {
    models,
    list,
    model,
    options,
    choose,
    chooseType,
    setOption,
    replaceOptions,
    format: mapping ? format : null,
    /** The chosen format even when this model has no shape option (kept for the next model). */
    wantedFormat: format,
    mapping,
    chooseFormat: setFormat,
  };
}

export type ModelChoice = ReturnType<typeof useModelChoice>;
