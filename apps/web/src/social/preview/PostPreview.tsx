// How the post will look, per chosen platform (Radix Tabs: arrows, Home and End move between them):
// the account, the media (the cover, and for a carousel its order and how many the platform
// takes), and the text cut where the network cuts it — folded behind "… more" in its feed, and
// past the platform's limit (X: 280 weighted) marked as not posted.
import * as Tabs from "@radix-ui/react-tabs";
import { useId, useState } from "react";
import type { CaptionDraft, CaptionLimits } from "../CaptionField";
import { PLATFORM_LABEL, type Platform, PlatformIcon } from "../platforms";
import { cutForPreview } from "./cut";
import { type MediaItem, thumbOf } from "./useMediaItems";

type Props = {
  platforms: Platform[];
  handleOf: (p: Platform) => string | null;
  draftOf: (p: Platform) => CaptionDraft;
  limits: CaptionLimits | undefined;
  items: MediaItem[];
};

/** How many of the items the platform takes, or null when all of them. */
function takes(p: Platform, items: MediaItem[], limits: CaptionLimits | undefined) {
  const media = limits?.[p]?.media;
  if (!media) return null;
  const videos = items.filter((i) => i.asset?.type === "video").length;
  const cap = media.maxItems ?? (videos > 0 ? media.maxVideos : media.maxImages);
  return cap != null && items.length > cap ? cap : null;
}

function PreviewMedia(props: { platform: Platform; items: MediaItem[]; limits: Props["limits"] }) {
  const { items, platform } = props;
  const cover = items[0];
  if (!cover) return null;
  const cap = takes(platform, items, props.limits);
  const src = thumbOf(cover.asset);
  return (
    <div className="preview-media">
      {src ? (
        <img src={src} alt={`Cover: item 1 of ${items.length}`} />
      ) : (
        <div className="preview-blank">Item 1</div>
      )}
      {items.length > 1 && (
        <p className="preview-order">
          Carousel: {items.length} items in this order
          {cap !== null ? ` — ${PLATFORM_LABEL[platform]} takes ${cap}` : ""}
        </p>
      )}
      {items.length > 1 && (
        <ol className="preview-strip" aria-label={`${PLATFORM_LABEL[platform]} media order`}>
          {items.map((item, i) => (
            <li key={item.id} className={cap !== null && i >= cap ? "is-over" : undefined}>
              {thumbOf(item.asset) ? (
                <img src={thumbOf(item.asset)} alt={`Item ${i + 1}`} width={40} height={40} />
              ) : (
                `Item ${i + 1}`
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function PreviewText(props: { platform: Platform; draft: CaptionDraft; limits: Props["limits"] }) {
  const { platform, draft } = props;
  const [open, setOpen] = useState(false);
  const cut = cutForPreview(platform, draft.text, props.limits);
  if (!draft.text.trim() && !draft.title.trim()) {
    return <p className="hint">No caption yet.</p>;
  }
  return (
    <div className="preview-text">
      {draft.title && <p className="preview-title">{draft.title}</p>}
      <p className="preview-caption" data-testid="preview-caption">
        <span>{cut.shown}</span>
        {cut.folded && !open && (
          <>
            {" "}
            <button type="button" className="link-button" onClick={() => setOpen(true)}>
              {cut.more}
            </button>
          </>
        )}
        {cut.folded && open && <span>{cut.folded}</span>}
        {cut.over && (
          <del className="preview-over" title="Past the limit: not posted">
            {cut.over}
          </del>
        )}
      </p>
      {cut.folded && (
        <p className="hint">
          The {cut.where} shows the first {[...cut.shown].length} characters, then “
          {cut.more.replace(/^…\s*/, "")}”.
        </p>
      )}
      {cut.over && (
        <p className="field-error">
          {[...cut.over].length} characters past {PLATFORM_LABEL[platform]}'s limit are cut.
        </p>
      )}
    </div>
  );
}

export function PostPreview(props: Props) {
  const { platforms } = props;
  const [tab, setTab] = useState<Platform | undefined>(platforms[0]);
  const id = useId();
  if (platforms.length === 0) return null;
  const value = tab && platforms.includes(tab) ? tab : (platforms[0] as Platform);
  return (
    <section className="post-preview" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="label">
        How it will look
      </h3>
      <Tabs.Root value={value} onValueChange={(v) => setTab(v as Platform)}>
        <Tabs.List className="caption-tabs" aria-label="Preview per platform">
          {platforms.map((p) => (
            <Tabs.Trigger key={p} value={p} className="caption-tab">
              <PlatformIcon platform={p} />
              {PLATFORM_LABEL[p]}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {platforms.map((p) => (
          <Tabs.Content key={p} value={p} className={`preview-card preview-${p}`}>
            <p className="preview-account">
              <PlatformIcon platform={p} />{" "}
              {props.handleOf(p) ? `@${props.handleOf(p)}` : PLATFORM_LABEL[p]}
            </p>
            <PreviewMedia platform={p} items={props.items} limits={props.limits} />
            <PreviewText platform={p} draft={props.draftOf(p)} limits={props.limits} />
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </section>
  );
}
