// The insights page's charts, loaded with the page's first chart (never with the studio): visx's
// scales and shapes (d3-scale under them) drawing plain SVG that React renders, so text, colours
// and dark mode come from our stylesheet. Every chart is a picture of a table the page also has
// (visually hidden next to it, read by screen readers), so the SVG is aria-hidden.
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { useLayoutEffect, useRef, useState } from "react";
import { WEEKDAY_NAMES } from "./SuggestedSlots";

/** The width of the chart's box, following resizes (390 px phones to wide screens). */
function useWidth(fallback: number) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const node = box.current;
    if (!node) return;
    const measure = () => setWidth(Math.max(240, Math.floor(node.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return { box, width };
}

export type BarGroup = { value: string; label: string; n: number; median: number };

/** One bar per group: its median, the posts behind it; groups under `minSample` are faded. */
export function GroupBars(props: {
  groups: readonly BarGroup[];
  minSample: number;
  format: (value: number) => string;
  highlight?: readonly string[];
}) {
  const { box, width } = useWidth(560);
  const rowHeight = 26;
  const labelWidth = Math.min(150, Math.round(width * 0.36));
  const valueWidth = 92;
  const height = props.groups.length * rowHeight + 4;
  const max = Math.max(0, ...props.groups.map((g) => g.median));
  const x = scaleLinear<number>({
    domain: [0, max || 1],
    range: [0, Math.max(20, width - labelWidth - valueWidth)],
  });
  const y = scaleBand<string>({
    domain: props.groups.map((g) => g.value),
    range: [0, height - 4],
    padding: 0.25,
  });
  return (
    <div ref={box} className="chart-box">
      <svg width={width} height={height} aria-hidden="true" className="chart">
        {props.groups.map((g) => {
          const top = y(g.value) ?? 0;
          const barWidth = x(g.median);
          const faded = g.n < props.minSample;
          const strong = props.highlight?.includes(g.value);
          return (
            <Group key={g.value} top={top}>
              <text
                className="chart-label"
                x={labelWidth - 8}
                y={y.bandwidth() / 2}
                dy="0.35em"
                textAnchor="end"
              >
                {g.label.length > 22 ? `${g.label.slice(0, 21)}…` : g.label}
              </text>
              <Bar
                className={`chart-bar${faded ? " chart-bar-faded" : ""}${strong ? " chart-bar-strong" : ""}`}
                x={labelWidth}
                y={0}
                width={Math.max(2, barWidth)}
                height={y.bandwidth()}
                rx={3}
              />
              <text
                className="chart-value"
                x={labelWidth + barWidth + 6}
                y={y.bandwidth() / 2}
                dy="0.35em"
              >
                {props.format(g.median)} · n={g.n}
              </text>
            </Group>
          );
        })}
      </svg>
    </div>
  );
}

export type HeatCell = { weekday: number; hour: number; n: number; median: number };

/** Weekday × hour: darker is a higher median; an hour with too few posts is outlined only. */
export function HourHeatmap(props: { cells: readonly HeatCell[]; minPerCell: number }) {
  const { box, width } = useWidth(560);
  const labelWidth = 38;
  const cell = Math.max(9, Math.min(28, Math.floor((width - labelWidth) / 24)));
  const height = 7 * cell + 18;
  const max = Math.max(0, ...props.cells.map((c) => c.median));
  const shade = scaleLinear<number>({ domain: [0, max || 1], range: [0.12, 1] });
  const byKey = new Map(props.cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  return (
    <div ref={box} className="chart-box">
      <svg width={labelWidth + 24 * cell} height={height} aria-hidden="true" className="chart">
        {[1, 2, 3, 4, 5, 6, 7].map((weekday) => (
          <Group key={weekday} top={(weekday - 1) * cell}>
            <text
              className="chart-label"
              x={labelWidth - 6}
              y={cell / 2}
              dy="0.35em"
              textAnchor="end"
            >
              {WEEKDAY_NAMES[weekday]}
            </text>
            {Array.from({ length: 24 }, (_, hour) => {
              const c = byKey.get(`${weekday}:${hour}`);
              const counted = c && c.n >= props.minPerCell;
              return (
                <rect
                  // biome-ignore lint/suspicious/noArrayIndexKey: the hour is the cell's identity
                  key={hour}
                  className={c ? (counted ? "heat-cell" : "heat-cell heat-cell-few") : "heat-empty"}
                  x={labelWidth + hour * cell + 1}
                  y={1}
                  width={cell - 2}
                  height={cell - 2}
                  rx={2}
                  fillOpacity={counted && c ? shade(c.median) : undefined}
                />
              );
            })}
          </Group>
        ))}
        {[0, 6, 12, 18].map((hour) => (
          <text key={hour} className="chart-label" x={labelWidth + hour * cell} y={7 * cell + 12}>
            {String(hour).padStart(2, "0")}
          </text>
        ))}
      </svg>
    </div>
  );
}
