// The caption panel's parts, each a view over `useCaptionPanel()`: what to write, the platform
// tabs, the editor of the tab on screen, and that platform's kept versions.
import * as Tabs from "@radix-ui/react-tabs";
import type { ReactNode } from "react";
import { formatDate } from "../../lib/format";
import { CaptionField, measure } from "../CaptionField";
import { PLATFORM_LABEL, PLATFORMS, type Platform, PlatformIcon } from "../platforms";
import { type CaptionPanelState, toDraft } from "./useCaptionPanel";

type Props = { panel: CaptionPanelState };

function TextOption(props: {
  label: string;
  value: string;
  maxLength: number;
  placeholder: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="field">
      <span className="label">{props.label}</span>
      <input
        className="input"
        value={props.value}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** Platforms and options, and Generate / Regenerate. */
export function CaptionOptionsView({ panel }: Props) {
  const { options, generate, hasCaptions } = panel;
  return (
    <details className="caption-options" open={!hasCaptions}>
      <summary>{hasCaptions ? "Regenerate with other options" : "What to write"}</summary>
      <fieldset className="caption-platforms">
        <legend className="label">Platforms to write for</legend>
        {PLATFORMS.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={options.picked.has(p)}
              onChange={(e) => options.togglePicked(p, e.target.checked)}
            />
            <PlatformIcon platform={p} /> {PLATFORM_LABEL[p]}
          </label>
        ))}
      </fieldset>
      <div className="caption-grid">
        <TextOption
          label="Tone"
          value={options.tone}
          maxLength={60}
          placeholder="e.g. playful, expert"
          onChange={options.setTone}
        />
        <TextOption
          label="Language"
          value={options.language}
          maxLength={40}
          placeholder="e.g. English, Deutsch"
          onChange={options.setLanguage}
        />
        <TextOption
          label="Call to action"
          value={options.callToAction}
          maxLength={200}
          placeholder="e.g. Shop the link in bio"
          onChange={options.setCallToAction}
        />
        <label className="check caption-hashtags">
          <input
            type="checkbox"
            checked={options.hashtags}
            onChange={(e) => options.setHashtags(e.target.checked)}
          />
          Hashtags
        </label>
      </div>
      <label className="field">
        <span className="label">Instructions</span>
        <textarea
          className="textarea"
          rows={2}
          value={options.instructions}
          maxLength={500}
          placeholder="Anything else the writer should know"
          onChange={(e) => options.setInstructions(e.target.value)}
        />
      </label>
      <button
        type="button"
        className="button button-primary"
        disabled={generate.isPending || options.picked.size === 0}
        onClick={panel.onGenerate}
      >
        {generate.isPending
          ? "Writing captions…"
          : hasCaptions
            ? "Regenerate captions"
            : "Generate captions"}
      </button>
      {options.picked.size === 0 && <p className="hint">Pick at least one platform.</p>}
    </details>
  );
}

/**
 * One tab per platform (Radix Tabs: arrows, Home and End move between them and select), and the
 * panel of the tab on screen. The tabs wrap onto a second line rather than being cut off.
 */
export function CaptionTabs({ panel, children }: Props & { children: ReactNode }) {
  const { tab, latest, drafts, limits } = panel;
  return (
    <Tabs.Root
      className="caption-tabs-root"
      value={tab}
      onValueChange={(value) => panel.setTab(value as Platform)}
    >
      <Tabs.List className="caption-tabs" aria-label="Caption per platform">
        {PLATFORMS.map((p) => {
          const has = latest.has(p);
          const over = has && measure(p, drafts[p] ?? toDraft(latest.get(p)), limits).over;
          return (
            <Tabs.Trigger
              key={p}
              value={p}
              className={`caption-tab${has ? " has-caption" : ""}${over ? " is-over" : ""}`}
            >
              <PlatformIcon platform={p} />
              {PLATFORM_LABEL[p]}
              {over && <span className="visually-hidden"> (over the limit)</span>}
            </Tabs.Trigger>
          );
        })}
      </Tabs.List>
      <Tabs.Content value={tab} className="caption-tabpanel">
        {children}
      </Tabs.Content>
    </Tabs.Root>
  );
}

/** The tab's caption: nothing yet (write one), or the editor with Save edit / Discard. */
export function CaptionEditor({ panel }: Props) {
  const { tab, saved, draft, dirty, edit } = panel;
  if (panel.captions.isPending) return <p className="hint">Loading…</p>;
  if (!saved && panel.drafts[tab] === undefined) {
    return (
      <p className="hint">
        No {PLATFORM_LABEL[tab]} caption yet: tick it above and generate, or{" "}
        <button
          type="button"
          className="link-button"
          onClick={() => panel.setDraft({ text: "", title: "" })}
        >
          write one
        </button>
        .
      </p>
    );
  }
  return (
    <>
      <CaptionField platform={tab} draft={draft} onChange={panel.setDraft} />
      {saved?.overLimit && !dirty && (
        <p className="notice notice-error">
          Over {PLATFORM_LABEL[tab]}'s limit even after one automatic shortening: edit it before
          posting.
        </p>
      )}
      <div className="caption-edit-actions">
        <button
          type="button"
          className="button button-small"
          disabled={!dirty || edit.isPending}
          onClick={panel.saveEdit}
        >
          {edit.isPending ? "Saving…" : "Save edit"}
        </button>
        {dirty && (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={panel.discard}
          >
            Discard
          </button>
        )}
      </div>
    </>
  );
}

/** The tab's kept versions, newest first, a page at a time; an older one can be taken back. */
export function CaptionHistory({ panel }: Props) {
  const { versions, history } = panel;
  if (versions.length === 0) return null;
  return (
    <details className="caption-history">
      <summary>
        {versions.length} {versions.length === 1 ? "version" : "versions"}
      </summary>
      <ol>
        {versions.map((v, i) => (
          <li key={v.id}>
            <span className="caption-version-meta">
              {i === 0 ? "Latest · " : ""}
              {v.source === "edited" ? "Edited" : `AI (${v.model ?? "model"})`}
              {v.tone ? ` · ${v.tone}` : ""} · {formatDate(v.createdAt)} · {v.length}/{v.limit}
              {v.overLimit ? " · over the limit" : ""}
            </span>
            <span className="caption-version-text">
              {v.title ? `${v.title} — ` : ""}
              {v.text}
            </span>
            {i > 0 && (
              <button
                type="button"
                className="link-button"
                onClick={() => panel.setDraft({ text: v.text, title: v.title ?? "" })}
              >
                Use this version
              </button>
            )}
          </li>
        ))}
      </ol>
      {history.hasNextPage && (
        <button
          type="button"
          className="link-button"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {history.isFetchingNextPage ? "Loading…" : "Show older versions"}
        </button>
      )}
    </details>
  );
}
