// The model picker's panel, on Radix UI's Popover (@radix-ui/react-popover): placed under the
// picker's button by Radix's Popper (flipped or shortened to stay on screen), Escape closes it and
// gives focus back to the button, a click outside closes it where it landed. Loaded on first use:
// the button (ModelPicker.tsx) is in the first bundle and is the popover's anchor.
//
// The rows are buttons in named groups rather than a listbox: a row carries a description (why a
// model cannot be used) and a retired row a second action ("Use … instead"), which a listbox option
// cannot hold. Arrow keys move between the search field and the rows. A switch at the top (Radix
// ToggleGroup, a radio group) shows all, only image or only video models: the three video models
// sat below eight image ones.
import * as Popover from "@radix-ui/react-popover";
import * as ToggleGroup from "@radix-ui/react-toggle-group";
import { type KeyboardEvent, type RefObject, useRef, useState } from "react";
import { plainMessage } from "../lib/errors";
import { costLabel, DEMO_PRICE, modelText, providerName } from "../lib/format";
import { useDemo } from "../lib/limits";
import type { MediaModel, MediaType } from "../trpc";

const GROUPS: { type: MediaType; label: string }[] = [
  { type: "image", label: "Image models" },
  { type: "video", label: "Video models" },
];
const KINDS = [
  { value: "all", label: "All" },
  { value: "image", label: "Image" },
  { value: "video", label: "Video" },
] as const;
type Kind = (typeof KINDS)[number]["value"];

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

/** Up / Down walk the search field and the rows, wrapping around. */
function moveFocus(event: KeyboardEvent<HTMLElement>) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const rows = [
    ...event.currentTarget.querySelectorAll<HTMLElement>(".model-option, .model-search"),
  ].filter((node) => node.offsetParent !== null);
  const at = rows.indexOf(document.activeElement as HTMLElement);
  event.preventDefault();
  rows[(at + (event.key === "ArrowDown" ? 1 : -1) + rows.length) % rows.length]?.focus();
}

export default function ModelPanel(props: {
  anchor: RefObject<HTMLButtonElement | null>;
  id: string;
  list: readonly MediaModel[];
  current: MediaModel | undefined;
  onPick: (id: string) => void;
  /** refocus: put focus back on the button (Escape, a pick), not after a click elsewhere. */
  onClose: (refocus: boolean) => void;
}) {
  const { anchor, list } = props;
  const [query, setQuery] = useState("");
  const [kind, setKind] = useState<Kind>("all");
  const search = useRef<HTMLInputElement>(null);

  const shown = list.filter((m) => matches(m, query) && (kind === "all" || m.type === kind));
  const retired = ordered(shown.filter(isRetired));
  const rowsOf = (type: MediaType) =>
    ordered(shown.filter((m) => m.type === type && !isRetired(m)));
  const firstUsable = [...rowsOf("image"), ...rowsOf("video")].find((m) => m.available);
  const outside = (event: Event) => {
    // The button opens and closes the panel itself.
    if (anchor.current?.contains(event.target as Node)) event.preventDefault();
  };

  return (
    <Popover.Root open onOpenChange={(open) => !open && props.onClose(true)}>
      <Popover.Anchor virtualRef={anchor} />
      <Popover.Content
        id={props.id}
        className="model-panel"
        aria-label="Choose a model"
        side="bottom"
        align="start"
        sideOffset={4}
        collisionPadding={8}
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          search.current?.focus();
        }}
        // ModelPicker puts focus back itself when it should.
        onCloseAutoFocus={(event) => event.preventDefault()}
        onPointerDownOutside={(event) => {
          outside(event);
          if (!event.defaultPrevented) props.onClose(false);
        }}
        onFocusOutside={outside}
        onKeyDown={moveFocus}
      >
        <fieldset className="model-panel-body">
          <legend className="visually-hidden">Choose a model</legend>
          <ToggleGroup.Root
            type="single"
            className="model-kinds"
            aria-label="Show"
            value={kind}
            onValueChange={(value) => value && setKind(value as Kind)}
          >
            {KINDS.map((k) => (
              <ToggleGroup.Item key={k.value} value={k.value} className="model-kind">
                {k.label}
              </ToggleGroup.Item>
            ))}
          </ToggleGroup.Root>
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
                if (firstUsable) props.onPick(firstUsable.id);
              }
            }}
          />
          {GROUPS.map(({ type, label }) => (
            <ModelGroup
              key={type}
              type={type}
              label={label}
              rows={rowsOf(type)}
              list={list}
              current={props.current}
              onPick={props.onPick}
            />
          ))}
          {retired.length > 0 && (
            <details className="model-retired" open={Boolean(query.trim()) || undefined}>
              <summary>Retired ({retired.length})</summary>
              {retired.map((m) => (
                <ModelOption
                  key={m.id}
                  model={m}
                  list={list}
                  current={false}
                  onPick={props.onPick}
                />
              ))}
            </details>
          )}
          {shown.length === 0 && (
            <p className="model-note">
              {query.trim() ? `No model matches “${query}”.` : `No ${kind} model on this server.`}
            </p>
          )}
        </fieldset>
      </Popover.Content>
    </Popover.Root>
  );
}

function ModelGroup(props: {
  type: MediaType;
  label: string;
  rows: MediaModel[];
  list: readonly MediaModel[];
  current: MediaModel | undefined;
  onPick: (id: string) => void;
}) {
  const { rows } = props;
  if (rows.length === 0) return null;
  return (
    <fieldset className="model-group">
      <legend className="model-group-title">{props.label}</legend>
      {rows.every((m) => !m.available) && (
        <p className="model-note">No {props.type} model is available on this server right now.</p>
      )}
      {rows.map((m) => (
        <ModelOption
          key={m.id}
          model={m}
          list={props.list}
          current={props.current?.id === m.id}
          onPick={props.onPick}
        />
      ))}
    </fieldset>
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

function ModelBadges({ model: m }: { model: MediaModel }) {
  return (
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
  );
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
        <ModelBadges model={m} />
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
