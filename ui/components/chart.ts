/**
 * A small SVG line chart drawn on the server (and redrawn by the live
 * chart island): no library, no canvas, readable without JavaScript.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";

/**
 * What a line means, which picks its colour: `ok` green (2xx), `warn` amber
 * (4xx), `bad` red (5xx), `accent` for a plain quantity. Meaning rather than
 * position, so a 5xx line is red on every chart whatever its order.
 */
export type Tone = "accent" | "ok" | "warn" | "bad";

/** The stylesheet's stroke/background class of each tone (`.chart .s0` ... `.s3`). */
export const TONE_CLASS: Record<Tone, string> = { accent: "s0", ok: "s1", warn: "s2", bad: "s3" };

/** One line of a chart. */
export interface Series {
  label: string;
  /** Values aligned with the chart's timestamps; null is a gap. */
  values: (number | null)[];
  /** Its colour by meaning; without one, lines take the palette in order. */
  tone?: Tone;
}

/** The colour class of the `i`th series of a chart. */
export function seriesClass(s: Series, i: number): string {
  return s.tone ? TONE_CLASS[s.tone] : `s${i % 4}`;
}

/** A chart's data. */
export interface ChartData {
  /** Unix milliseconds per point. */
  times: number[];
  series: Series[];
  /** Unit appended to the axis maximum, e.g. `req/s`, `%`, `ms`. */
  unit: string;
}

const W = 480;
const H = 160;
const PAD = { l: 40, r: 8, t: 10, b: 20 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function fmt(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** The SVG path of one series scaled into the plot area. */
export function seriesPath(times: number[], values: (number | null)[], max: number): string {
  if (times.length === 0) return "";
  const t0 = times[0];
  const span = Math.max(1, times[times.length - 1] - t0);
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const x = PAD.l + ((times[i] - t0) / span) * (W - PAD.l - PAD.r);
    const y = PAD.t + (1 - Math.min(v, max) / max) * (H - PAD.t - PAD.b);
    d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** A line chart with a y maximum, first/last time labels and a legend. */
export function LineChart(props: { title: string; data: ChartData; id?: string }): VNode {
  const { times, series, unit } = props.data;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...all));
  const last = series.map((s) => [...s.values].reverse().find((v) => v !== null) ?? null);
  const summary = series.map((s, i) =>
    `${s.label}: ${last[i] === null ? "no data" : `${fmt(last[i]!)} ${unit}`}`
  ).join("; ");
  // Drawn last to first, so where lines overlap (all at 0) the first one (2xx, not 5xx) shows.
  const drawn = series.map((s, i) => ({ s, i })).reverse();
  return html`
    <figure class="panel" id=${props.id}>
      <figcaption><strong>${props.title}</strong> <span class="muted">${summary}</span></figcaption>
      <svg class="chart" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`${props.title}. ${summary}`}>
          <line class="axis" x1=${PAD.l} y1=${H - PAD.b} x2=${W - PAD.r} y2=${H - PAD.b} />
          <line class="axis" x1=${PAD.l} y1=${PAD.t} x2=${PAD.l} y2=${H - PAD.b} />
          <text x="2" y=${PAD.t + 8}>${fmt(max)} ${unit}</text>
          <text x="2" y=${H - PAD.b}>0</text>
          ${times.length
            ? html`
              <text x=${PAD.l} y=${H - 4}>${clock(times[0])}</text>
              <text x=${W - PAD.r - 30} y=${H - 4}>${clock(times[times.length - 1])}</text>
            `
            : html`<text x=${W / 2 - 30} y=${H / 2}>no data yet</text>`}
          ${drawn.map(({ s, i }) =>
            html`
              <path class=${seriesClass(s, i)} d=${seriesPath(times, s.values, max)} fill="none"
                stroke-width="2" data-series=${s.label} />
            `
          )}
        </svg>
      <ul class="legend">${series.map((s, i) =>
        html`<li data-series=${s.label} data-last=${last[i] === null ? "" : String(last[i])}><i
          class=${seriesClass(s, i)}></i>${s.label}</li>`
      )}</ul>
    </figure>
  `;
}
