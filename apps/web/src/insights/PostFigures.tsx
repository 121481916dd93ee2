// How a post did, on the cards that show it: the latest figures Zernio reported (views, likes,
// engagement) and a sparkline of views at each snapshot (1 h, 6 h, 24 h, 3 d, 7 d, 30 d after
// publishing), and a platform where the post was deleted on the network. No polling: figures change
// at most a few times a day; the query is refetched when the card is shown again.
// Small on purpose (an inline SVG, no chart library): the studio's first load carries it.
import type { RouterOutputs } from "@streamline/api";
import { PLATFORM_LABEL } from "../social/platforms";
import { useAssetPosts } from "../social/SocialActions";
import { type MediaAsset, trpc } from "../trpc";
import "./figures.css";

type Totals = NonNullable<RouterOutputs["analytics"]["post"]["totals"]>;
type PlatformFigures = RouterOutputs["analytics"]["post"]["platforms"][number];

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const count = (n: number) => compact.format(n);
const STALE_MS = 5 * 60_000;

/** Whether figures can exist at all (Zernio configured); asked once per page load. */
export function useAnalyticsConfigured(): boolean {
  const access = trpc.analytics.access.useQuery(undefined, {
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  return access.data?.configured === true;
}

/** A tiny line of `points` (oldest first); nothing under two points. */
export function Sparkline(props: { points: readonly number[]; label: string }) {
  const { points } = props;
  if (points.length < 2) return null;
  const width = 64;
  const height = 18;
  const max = Math.max(...points);
  const min = Math.min(...points);
  const span = max - min || 1;
  const step = width / (points.length - 1);
  const coords = points
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(height - 1 - ((v - min) / span) * (height - 2)).toFixed(1)}`,
    )
    .join(" ");
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={props.label}
    >
      <polyline points={coords} fill="none" />
    </svg>
  );
}

function FiguresText({ totals }: { totals: Totals }) {
  return (
    <span className="figures-text">
      <span>{count(totals.views)} views</span> · <span>{count(totals.likes)} likes</span> ·{" "}
      <span>{totals.engagementRate.toFixed(1)}% engagement</span>
    </span>
  );
}

const seriesLabel = (series: ReadonlyArray<{ label: string; views: number }>) =>
  `Views after ${series.map((s) => `${s.label}: ${s.views}`).join(", ")}`;

function Deleted({ platforms }: { platforms: readonly PlatformFigures[] }) {
  const gone = platforms.filter((p) => p.status === "deleted");
  if (gone.length === 0) return null;
  return (
    <span className="figures-deleted" data-figures-deleted="">
      Deleted on{" "}
      {gone
        .map((p) => PLATFORM_LABEL[p.platform as keyof typeof PLATFORM_LABEL] ?? p.platform)
        .join(", ")}
    </span>
  );
}

/** An asset's figures over all its posts (studio cards): totals and views per snapshot step. */
export function AssetFigures({ asset }: { asset: MediaAsset }) {
  const configured = useAnalyticsConfigured();
  const posted = useAssetPosts(asset.id).some(
    (p) => p.status === "published" || p.status === "partial",
  );
  const figures = trpc.analytics.asset.useQuery(
    { assetId: asset.id },
    { enabled: configured && posted, staleTime: STALE_MS, retry: false },
  );
  const data = figures.data;
  if (!data || (!data.totals && data.posts.length === 0)) return null;
  const platforms = data.posts.flatMap((p) => p.platforms);
  return (
    <p className="post-figures" data-figures-asset={asset.id}>
      {data.totals ? <FiguresText totals={data.totals} /> : <span>No figures yet</span>}
      <Sparkline points={data.series.map((s) => s.views)} label={seriesLabel(data.series)} />
      <Deleted platforms={platforms} />
    </p>
  );
}

/** One post's figures per platform (posts page), once it is published. */
export function PostFigures(props: { post: { id: string; status: string } }) {
  const configured = useAnalyticsConfigured();
  const published = props.post.status === "published" || props.post.status === "partial";
  const figures = trpc.analytics.post.useQuery(
    { postId: props.post.id },
    { enabled: configured && published, staleTime: STALE_MS, retry: false },
  );
  const platforms = figures.data?.platforms ?? [];
  if (platforms.length === 0) return null;
  return (
    <ul className="post-figures-list" aria-label="How it did" data-figures-post={props.post.id}>
      {platforms.map((p) => (
        <li key={p.platform} className="post-figures" data-platform={p.platform}>
          <strong>{PLATFORM_LABEL[p.platform as keyof typeof PLATFORM_LABEL] ?? p.platform}</strong>
          {p.status === "deleted" ? (
            <Deleted platforms={[p]} />
          ) : p.latest ? (
            <FiguresText totals={p.latest} />
          ) : (
            <span className="muted">
              {p.status === "failed" ? "No figures" : "Figures after 1 h"}
            </span>
          )}
          {p.status !== "deleted" && (
            <Sparkline points={p.series.map((s) => s.views)} label={seriesLabel(p.series)} />
          )}
        </li>
      ))}
    </ul>
  );
}
