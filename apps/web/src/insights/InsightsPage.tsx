// /insights: which kinds of content work — engagement (or views, impressions, likes) compared by
// model, media type, format, platform, account, caption tone and length, reference photo, posting
// hour and weekday, each with its sample sizes and a sentence only where the difference is not
// noise (the server's Mann–Whitney test, packages/api/src/analytics/statistics.ts). The top posts
// and each insight's best group lead back to the studio ("Make more like this"); the best posting
// times are the queue slots' suggestions. Loaded on its own route; its charts load after it.
import type { RouterOutputs } from "@streamline/api";
import { lazy, Suspense, useState } from "react";
import { toast } from "sonner";
import { Link } from "wouter";
import { AppHeader } from "../AppHeader";
import { toastApiError } from "../lib/errors";
import { useDocumentTitle } from "../lib/page";
import { PLATFORM_LABEL } from "../social/platforms";
import { browserZone } from "../social/schedule/time";
import { trpc } from "../trpc";
import { SuggestedSlots, WEEKDAY_NAMES } from "./SuggestedSlots";
import { likeHref } from "./useMakeMoreLike";
import "./figures.css";
import "./insights.css";

const GroupBars = lazy(() => import("./charts").then((m) => ({ default: m.GroupBars })));
const HourHeatmap = lazy(() => import("./charts").then((m) => ({ default: m.HourHeatmap })));

type Insights = RouterOutputs["analytics"]["insights"];
type Dimension = Insights["dimensions"][number];
type Metric = Insights["metric"];

const METRICS: Array<[Metric, string]> = [
  ["engagementRate", "Engagement rate"],
  ["views", "Views"],
  ["impressions", "Impressions"],
  ["likes", "Likes"],
];
const RANGES: Array<[number, string]> = [
  [30, "Last 30 days"],
  [90, "Last 90 days"],
  [365, "Last 12 months"],
];
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const formatterFor = (metric: Metric) => (v: number) =>
  metric === "engagementRate" ? `${v.toFixed(1)}%` : compact.format(v);

function groupLabel(dimension: Dimension, value: string): string {
  if (dimension.key === "platform")
    return PLATFORM_LABEL[value as keyof typeof PLATFORM_LABEL] ?? value;
  if (dimension.key === "account") return value.slice(value.indexOf(":") + 1);
  return value;
}

export default function InsightsPage() {
  useDocumentTitle("Insights");
  const [days, setDays] = useState(90);
  const [metric, setMetric] = useState<Metric>("engagementRate");
  const [variants, setVariants] = useState(1);
  const [zone] = useState(browserZone);
  const range = { from: dayOf(Date.now() - days * DAY), to: dayOf(Date.now()) };
  const access = trpc.analytics.access.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const insights = trpc.analytics.insights.useQuery({ ...range, metric }, { staleTime: 60_000 });
  const format = formatterFor(metric);
  return (
    <div className="app">
      <AppHeader />
      <main className="insights-page">
        <div className="insights-head">
          <h1 className="settings-title">Insights</h1>
          <p className="muted">
            How your posts did, by how the content was made and when it went out. A sentence appears
            only where a difference is more than noise.
          </p>
        </div>
        {access.data?.message && (
          <p className="insights-notice" role="status">
            {access.data.message}
          </p>
        )}
        <div className="insights-toolbar">
          <label className="field">
            <span className="label">Period</span>
            <select
              className="select"
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            >
              {RANGES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="label">Compare</span>
            <select
              className="select"
              value={metric}
              onChange={(e) => setMetric(e.target.value as Metric)}
            >
              {METRICS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="label">Variants per “make more”</span>
            <select
              className="select"
              value={variants}
              onChange={(e) => setVariants(Number(e.target.value))}
            >
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <ExportButton range={range} />
        </div>
        {insights.isPending ? (
          <p className="muted" role="status">
            Loading insights…
          </p>
        ) : insights.isError ? (
          <p className="insights-notice" role="alert">
            {insights.error.message}
          </p>
        ) : (
          <InsightsBody data={insights.data} format={format} variants={variants} zone={zone} />
        )}
      </main>
    </div>
  );
}

function InsightsBody(props: {
  data: Insights;
  format: (v: number) => string;
  variants: number;
  zone: string;
}) {
  const { data, format, variants } = props;
  return (
    <>
      <p className="insights-summary" data-insights-posts={data.posts}>
        <strong>{data.posts}</strong> posts with figures ({data.pairs} post–platform pairs, each
        counted with its latest figures). Groups need {data.minSample} posts to be compared; test:{" "}
        {data.test}.
      </p>
      {data.top.length > 0 && <TopPosts top={data.top} format={format} variants={variants} />}
      <div className="insights-grid">
        {/* What makes a difference first; the rest keep their order. */}
        {[...data.dimensions]
          .sort((a, b) => Number(Boolean(b.sentence)) - Number(Boolean(a.sentence)))
          .map((d) => (
            <DimensionCard
              key={d.key}
              dimension={d}
              minSample={data.minSample}
              format={format}
              variants={variants}
            />
          ))}
      </div>
      <BestTimes zone={props.zone} />
    </>
  );
}

function TopPosts(props: {
  top: Insights["top"];
  format: (v: number) => string;
  variants: number;
}) {
  const assets = trpc.useQueries((t) =>
    props.top.map((p) => t.media.byId({ id: p.assetId }, { retry: false, staleTime: 60_000 })),
  );
  return (
    <section className="card insights-top" aria-labelledby="top-posts-title">
      <h2 id="top-posts-title" className="card-title">
        Top posts
      </h2>
      <ol className="top-list">
        {props.top.map((post, i) => {
          const asset = assets[i]?.data;
          const still = asset?.thumbnailUrl ?? (asset?.type === "image" ? asset.resultUrl : null);
          return (
            <li key={post.postId} className="top-item" data-asset-id={post.assetId}>
              {still ? (
                <img src={still} alt="" width={56} height={56} loading="lazy" />
              ) : (
                <span className="top-thumb" aria-hidden="true" />
              )}
              <div className="top-text">
                <strong>{props.format(post.value)}</strong>{" "}
                <span className="muted">
                  {asset?.modelLabel ?? post.model} · {post.mediaType}
                  {post.aspectRatio ? ` · ${post.aspectRatio}` : ""} ·{" "}
                  {PLATFORM_LABEL[post.platform as keyof typeof PLATFORM_LABEL] ?? post.platform}
                </span>
                {asset && <span className="top-prompt">{asset.prompt}</span>}
              </div>
              <Link
                className="button button-small"
                href={likeHref(post.assetId, props.variants)}
                aria-label={`Make more like this: ${asset?.prompt ?? post.model}`}
              >
                Make more like this
              </Link>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function verdictText(dimension: Dimension, minSample: number): string {
  const v = dimension.verdict;
  if (v.verdict === "not_enough_data") {
    const has =
      v.groupsWithEnough === 0
        ? "none has"
        : v.groupsWithEnough === 1
          ? "one has"
          : `${v.groupsWithEnough} have`;
    return `Not enough data: at least two groups need ${minSample} posts each (${has}).`;
  }
  if (v.verdict === "no_real_difference") {
    return `No real difference between ${v.best.value} and ${v.worst.value} (p = ${v.p.toFixed(2)}).`;
  }
  return "";
}

function DimensionCard(props: {
  dimension: Dimension;
  minSample: number;
  format: (v: number) => string;
  variants: number;
}) {
  const { dimension: d, format } = props;
  const titleId = `dimension-${d.key}`;
  const real = d.verdict.verdict === "real_difference" ? d.verdict : null;
  const bestAsset = real ? d.groups.find((g) => g.value === real.best.value)?.bestAssetId : null;
  return (
    <section className="card insights-card" aria-labelledby={titleId} data-dimension={d.key}>
      <h2 id={titleId} className="card-title">
        {d.label}
      </h2>
      {d.sentence ? (
        <p className="insight-sentence" data-real-difference="">
          {d.sentence}
        </p>
      ) : (
        <p className="muted insight-verdict">
          {d.groups.length === 0
            ? `None of these posts says its ${d.label.toLowerCase()}.`
            : verdictText(d, props.minSample)}
        </p>
      )}
      {d.groups.length > 0 && (
        <>
          <Suspense fallback={<div className="chart-box chart-loading" />}>
            <GroupBars
              groups={d.groups.map((g) => ({ ...g, label: groupLabel(d, g.value) }))}
              minSample={props.minSample}
              format={format}
              highlight={real ? [real.best.value, real.worst.value] : []}
            />
          </Suspense>
          <div className="visually-hidden">
            <table>
              <caption>{d.label}: median per group</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Posts</th>
                  <th scope="col">Median</th>
                </tr>
              </thead>
              <tbody>
                {d.groups.map((g) => (
                  <tr key={g.value}>
                    <th scope="row">{groupLabel(d, g.value)}</th>
                    <td>{g.n}</td>
                    <td>{format(g.median)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {real && bestAsset && (
        <Link className="button button-small" href={likeHref(bestAsset, props.variants)}>
          Make more like {groupLabel(d, real.best.value)}
        </Link>
      )}
    </section>
  );
}

function BestTimes({ zone }: { zone: string }) {
  const best = trpc.analytics.bestTimes.useQuery(
    { timezone: zone },
    { staleTime: 10 * 60_000, retry: false },
  );
  const cells = best.data?.cells ?? [];
  return (
    <section className="card insights-times" aria-labelledby="best-times-title">
      <h2 id="best-times-title" className="card-title">
        Best posting times
      </h2>
      <p className="muted">
        Median engagement by weekday and hour in {zone}, last 90 days; darker is better, outlined
        hours have fewer than {best.data?.minPerCell ?? 3} posts. These are the queue slots'
        suggestions.
      </p>
      {cells.length > 0 && (
        <>
          <Suspense fallback={<div className="chart-box chart-loading" />}>
            <HourHeatmap cells={cells} minPerCell={best.data?.minPerCell ?? 3} />
          </Suspense>
          <div className="visually-hidden">
            <table>
              <caption>Posts and median engagement by weekday and hour</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Posts</th>
                  <th scope="col">Median</th>
                </tr>
              </thead>
              <tbody>
                {cells.map((c) => (
                  <tr key={`${c.weekday}:${c.hour}`}>
                    <th scope="row">
                      {WEEKDAY_NAMES[c.weekday]} {String(c.hour).padStart(2, "0")}:00
                    </th>
                    <td>{c.n}</td>
                    <td>{c.median.toFixed(1)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <SuggestedSlots timezone={zone} />
    </section>
  );
}

function ExportButton(props: { range: { from: string; to: string } }) {
  const utils = trpc.useUtils();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const file = await utils.analytics.exportCsv.fetch(props.range);
      const url = URL.createObjectURL(new Blob([file.csv], { type: file.contentType }));
      const link = document.createElement("a");
      link.href = url;
      link.download = file.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast.success(`Exported ${file.rows} rows`, { description: file.filename });
    } catch (error) {
      toastApiError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button" disabled={busy} onClick={() => void download()}>
      {busy ? "Exporting…" : "Export CSV"}
    </button>
  );
}
