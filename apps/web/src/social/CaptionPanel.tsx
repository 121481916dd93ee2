// Captions for one result: pick platforms and options, generate (one provider call, one idempotency
// key per click), then per-platform tabs with editable text and live counters; saving an edit makes
// a new version (social.editCaption), and the kept versions are listed a page at a time.
// State and server traffic live in useCaptionPanel(); the parts are views in caption/.
import { useEffect, useId, useRef } from "react";
import type { MediaAsset } from "../trpc";
import {
  CaptionEditor,
  CaptionHistory,
  CaptionOptionsView,
  CaptionTabs,
} from "./caption/CaptionViews";
import { useCaptionPanel } from "./caption/useCaptionPanel";

export default function CaptionPanel(props: { id: string; asset: MediaAsset }) {
  const panel = useCaptionPanel(props.asset);
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section id={props.id} className="caption-panel" aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`} className="caption-heading" ref={headingRef} tabIndex={-1}>
        Captions
      </h4>
      <CaptionOptionsView panel={panel} />
      <p className="visually-hidden" role="status">
        {panel.generate.isPending ? "Writing captions" : ""}
      </p>
      <CaptionTabs panel={panel}>
        <CaptionEditor panel={panel} />
        <CaptionHistory panel={panel} />
      </CaptionTabs>
    </section>
  );
}
