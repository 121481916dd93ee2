// One platform's caption (and title, for YouTube and Pinterest) with live counters, measured exactly
// as the server measures it: the limits come from the server (social.captionModels), X is weighted by
// twitter-text (links 23, most emoji 2) like @streamline/social's captionLength, others count code
// points.
import type { RouterOutputs } from "@streamline/api";
import { useId } from "react";
import extractHashtags from "twitter-text/dist/esm/extractHashtags.js";
import parseTweet from "twitter-text/dist/esm/parseTweet.js";
import { trpc } from "../trpc";
import { PLATFORM_LABEL, type Platform, TITLED } from "./platforms";

export type CaptionDraft = { text: string; title: string };
export type CaptionLimits = RouterOutputs["social"]["captionModels"]["limits"];

/** Each platform's limits, as the server applies them; read once. */
export function useCaptionLimits(): CaptionLimits | undefined {
  return trpc.social.captionModels.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY }).data
    ?.limits;
}

export function measure(
  platform: Platform,
  draft: CaptionDraft,
  limits: CaptionLimits | undefined,
) {
  const rules = limits?.[platform];
  const weighted = rules?.counting === "twitter-weighted";
  const length = weighted ? parseTweet(draft.text).weightedLength : [...draft.text].length;
  const limit = rules?.limit ?? null;
  const titleLimit = TITLED.has(platform) ? (rules?.titleLimit ?? null) : null;
  const titleLength = [...draft.title].length;
  const hashtags = extractHashtags(draft.text).length;
  const maxHashtags = rules?.maxHashtags ?? null;
  return {
    length,
    limit,
    over: limit !== null && length > limit,
    titleLength,
    titleLimit,
    titleOver: titleLimit !== null && titleLength > titleLimit,
    hashtags,
    maxHashtags,
    tooManyTags: maxHashtags !== null && hashtags > maxHashtags,
    weighted,
    name: rules?.textName ?? "caption",
  };
}

const n = (value: number) => value.toLocaleString("en-US");

export function CaptionField(props: {
  platform: Platform;
  draft: CaptionDraft;
  onChange: (draft: CaptionDraft) => void;
  /** Server-side problems for this platform (live checks). */
  problems?: string[];
  rows?: number;
  /** The limits for this post (X Premium's longer one); the server's defaults otherwise. */
  limits?: CaptionLimits | undefined;
}) {
  const { platform, draft } = props;
  const id = useId();
  const served = useCaptionLimits();
  const m = measure(platform, draft, props.limits ?? served);
  const label = PLATFORM_LABEL[platform];
  const textName = m.name.charAt(0).toUpperCase() + m.name.slice(1);
  return (
    <div className="caption-field">
      {m.titleLimit !== null && (
        <div className="field">
          <label className="label" htmlFor={`${id}-title`}>
            {label} title
          </label>
          <input
            id={`${id}-title`}
            className="input"
            value={draft.title}
            aria-invalid={m.titleOver || undefined}
            aria-describedby={`${id}-title-count`}
            onChange={(e) => props.onChange({ ...draft, title: e.target.value })}
          />
          <div className="field-foot">
            <span />
            <span id={`${id}-title-count`} className={`counter${m.titleOver ? " is-over" : ""}`}>
              {n(m.titleLength)} / {n(m.titleLimit)}
              {m.titleOver ? ` — ${n(m.titleLength - m.titleLimit)} over` : ""}
            </span>
          </div>
        </div>
      )}
      <div className="field">
        <label className="label" htmlFor={`${id}-text`}>
          {label} {textName.toLowerCase()}
        </label>
        <textarea
          id={`${id}-text`}
          className="textarea"
          rows={props.rows ?? 5}
          value={draft.text}
          aria-invalid={m.over || m.tooManyTags || undefined}
          aria-describedby={`${id}-count`}
          onChange={(e) => props.onChange({ ...draft, text: e.target.value })}
        />
        <div className="field-foot">
          <span className={`counter${m.tooManyTags ? " is-over" : ""}`}>
            {m.maxHashtags !== null
              ? `${m.hashtags} / ${m.maxHashtags} ${platform === "threads" ? "topic tag" : "hashtags"}`
              : `${m.hashtags} hashtags`}
          </span>
          <span id={`${id}-count`} className={`counter${m.over ? " is-over" : ""}`}>
            {n(m.length)} / {m.limit === null ? "…" : n(m.limit)}
            {m.weighted ? " (weighted)" : ""}
            {m.over && m.limit !== null ? ` — ${n(m.length - m.limit)} over the limit` : ""}
          </span>
        </div>
        {props.problems?.map((problem) => (
          <p key={problem} className="field-error">
            {problem}
          </p>
        ))}
      </div>
    </div>
  );
}
