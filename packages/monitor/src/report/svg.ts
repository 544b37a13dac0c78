/**
 * A small server-side SVG chart renderer: line charts with interval bands, overlaid histograms and grouped
 * bars. Output is plain SVG markup (no script, no external font or stylesheet), so a report is one
 * self-contained file that renders the same in any browser or when printed.
 */
import { escapeXml } from './escape.js';

/** One line of a line chart. */
export interface LineSeries {
  name: string;
  color: string;
  x: Float64Array;
  y: Float64Array;
  /** Draw dots instead of a line. @default false */
  dots?: boolean;
}

/** A shaded band between two lines (a prediction interval). */
export interface BandSeries {
  name: string;
  color: string;
  x: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** Options shared by every chart. */
export interface ChartFrame {
  title: string;
  width?: number;
  height?: number;
  /** Format of x tick labels. @default numbers */
  xFormat?: 'number' | 'time';
  yLabel?: string;
}

const PAD = { left: 58, right: 14, top: 30, bottom: 38 };

/** Round tick positions covering [min, max] (about `count` of them). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const span = max - min;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

/** Short label of a number (3 significant digits, k/M suffixes). */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  if (a < 1e-3) return v.toExponential(1);
  return String(+v.toPrecision(3));
}

function formatTime(ms: number, span: number): string {
  const iso = new Date(ms).toISOString();
  return span > 3 * 86_400_000 ? iso.slice(5, 10) : iso.slice(5, 16).replace('T', ' ');
}

function extent(arrays: readonly Float64Array[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays)
    for (const v of a) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

/** Plot area and scales of a chart. */
interface Plot {
  width: number;
  height: number;
  sx: (v: number) => number;
  sy: (v: number) => number;
}

function frame(
  opts: ChartFrame,
  [x0, x1]: [number, number],
  [y0, y1]: [number, number],
  xTicks: { at: number; label: string }[],
): { plot: Plot; head: string; axes: string } {
  const width = opts.width ?? 640;
  const height = opts.height ?? 260;
  const iw = width - PAD.left - PAD.right;
  const ih = height - PAD.top - PAD.bottom;
  const yt = niceTicks(y0, y1);
  const ylo = Math.min(y0, yt[0] ?? y0);
  const yhi = Math.max(y1, yt[yt.length - 1] ?? y1);
  const sx = (v: number) => PAD.left + ((v - x0) / (x1 - x0 || 1)) * iw;
  const sy = (v: number) => PAD.top + ih - ((v - ylo) / (yhi - ylo || 1)) * ih;
  const grid = yt
    .map(
      (t) =>
        `<line x1="${PAD.left}" x2="${PAD.left + iw}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" class="grid"/>` +
        `<text x="${PAD.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeXml(formatNumber(t))}</text>`,
    )
    .join('');
  const xs = xTicks
    .map(
      (t) =>
        `<line x1="${sx(t.at).toFixed(1)}" x2="${sx(t.at).toFixed(1)}" y1="${PAD.top + ih}" y2="${PAD.top + ih + 4}" class="axis"/>` +
        `<text x="${sx(t.at).toFixed(1)}" y="${PAD.top + ih + 16}" text-anchor="middle" class="tick">${escapeXml(t.label)}</text>`,
    )
    .join('');
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title>${escapeXml(opts.title)}</title>` +
    `<text x="${PAD.left}" y="18" class="chart-title">${escapeXml(opts.title)}</text>`;
  const axes =
    grid +
    `<line x1="${PAD.left}" x2="${PAD.left + iw}" y1="${PAD.top + ih}" y2="${PAD.top + ih}" class="axis"/>` +
    xs +
    (opts.yLabel
      ? `<text transform="translate(12 ${PAD.top + ih / 2}) rotate(-90)" text-anchor="middle" class="tick">${escapeXml(opts.yLabel)}</text>`
      : '');
  return { plot: { width, height, sx, sy }, head, axes };
}

function legend(items: { name: string; color: string }[], width: number): string {
  let x = width - PAD.right;
  return items
    .slice()
    .reverse()
    .map((it) => {
      const w = 18 + it.name.length * 6.2;
      x -= w + 10;
      return `<rect x="${x.toFixed(1)}" y="9" width="10" height="10" fill="${it.color}" rx="2"/><text x="${(x + 14).toFixed(1)}" y="18" class="tick">${escapeXml(it.name)}</text>`;
    })
    .join('');
}

const HOUR = 3_600_000;
const TIME_STEPS = [
  60_000,
  300_000,
  900_000,
  1_800_000,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
  48 * HOUR,
  168 * HOUR,
  720 * HOUR,
];

/** Tick times on whole minutes, hours or days (UTC), about six of them. */
function timeTicks(x0: number, x1: number): number[] {
  const span = x1 - x0;
  const step = TIME_STEPS.find((s) => span / s <= 6) ?? Math.ceil(span / 6 / (24 * HOUR)) * 24 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(x0 / step) * step; t <= x1; t += step) ticks.push(t);
  return ticks;
}

function xTicksFor(x0: number, x1: number, format: 'number' | 'time'): { at: number; label: string }[] {
  if (format === 'time') return timeTicks(x0, x1).map((at) => ({ at, label: formatTime(at, x1 - x0) }));
  return niceTicks(x0, x1, 6).map((at) => ({ at, label: formatNumber(at) }));
}

/** Lines (gaps at NaN) over optional shaded bands. */
export function lineChart(opts: ChartFrame & { lines: LineSeries[]; bands?: BandSeries[] }): string {
  const bands = opts.bands ?? [];
  const xr = extent([...opts.lines.map((l) => l.x), ...bands.map((b) => b.x)]);
  const yr = extent([...opts.lines.map((l) => l.y), ...bands.flatMap((b) => [b.lower, b.upper])]);
  const { plot, head, axes } = frame(opts, xr, yr, xTicksFor(xr[0], xr[1], opts.xFormat ?? 'number'));
  const { sx, sy } = plot;
  const bandPaths = bands
    .map((b) => {
      const top: string[] = [];
      const bottom: string[] = [];
      for (let i = 0; i < b.x.length; i++) {
        if (!Number.isFinite(b.lower[i]!) || !Number.isFinite(b.upper[i]!)) continue;
        top.push(`${sx(b.x[i]!).toFixed(1)},${sy(b.upper[i]!).toFixed(1)}`);
        bottom.push(`${sx(b.x[i]!).toFixed(1)},${sy(b.lower[i]!).toFixed(1)}`);
      }
      if (top.length === 0) return '';
      return `<path class="band" d="M${top.join('L')}L${bottom.reverse().join('L')}Z" fill="${b.color}" fill-opacity="0.22"/>`;
    })
    .join('');
  const linePaths = opts.lines
    .map((l) => {
      if (l.dots) {
        const dots: string[] = [];
        for (let i = 0; i < l.x.length; i++)
          if (Number.isFinite(l.y[i]!))
            dots.push(
              `<circle cx="${sx(l.x[i]!).toFixed(1)}" cy="${sy(l.y[i]!).toFixed(1)}" r="2" fill="${l.color}"/>`,
            );
        return `<g class="series">${dots.join('')}</g>`;
      }
      let d = '';
      let pen = false;
      for (let i = 0; i < l.x.length; i++) {
        const y = l.y[i]!;
        if (!Number.isFinite(y)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${sx(l.x[i]!).toFixed(1)},${sy(y).toFixed(1)}`;
        pen = true;
      }
      return d ? `<path class="series" d="${d}" fill="none" stroke="${l.color}" stroke-width="1.6"/>` : '';
    })
    .join('');
  const items = [...bands.map((b) => ({ name: b.name, color: b.color })), ...opts.lines];
  return `${head}${axes}${bandPaths}${linePaths}${legend(items, plot.width)}</svg>`;
}

/** Overlaid histograms of shares over shared bin edges. */
export function histogramChart(
  opts: ChartFrame & { edges: Float64Array; series: { name: string; color: string; shares: Float64Array }[] },
): string {
  const { edges } = opts;
  const xr: [number, number] = [edges[0]!, edges[edges.length - 1]!];
  const yr = extent(opts.series.map((s) => s.shares));
  const { plot, head, axes } = frame(opts, xr, [0, yr[1]], xTicksFor(xr[0], xr[1], 'number'));
  const { sx, sy } = plot;
  const bars = opts.series
    .map(
      (s) =>
        `<g class="series">${Array.from(s.shares, (v, i) => {
          const x = sx(edges[i]!);
          const w = Math.max(sx(edges[i + 1]!) - x - 1, 0.5);
          const y = sy(v);
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(sy(0) - y, 0).toFixed(1)}" fill="${s.color}" fill-opacity="0.55"/>`;
        }).join('')}</g>`,
    )
    .join('');
  return `${head}${axes}${bars}${legend(opts.series, plot.width)}</svg>`;
}

/** Grouped vertical bars, one group per category. */
export function barChart(
  opts: ChartFrame & {
    categories: readonly string[];
    series: { name: string; color: string; values: Float64Array }[];
  },
): string {
  const k = opts.categories.length;
  const yr = extent(opts.series.map((s) => s.values));
  const ticks = opts.categories.map((c, i) => ({
    at: i + 0.5,
    label: c.length > 12 ? `${c.slice(0, 11)}…` : c,
  }));
  const every = Math.ceil(k / 12);
  const { plot, head, axes } = frame(
    opts,
    [0, k],
    [Math.min(0, yr[0]), yr[1]],
    ticks.filter((_, i) => i % every === 0),
  );
  const { sx, sy } = plot;
  const groupW = sx(1) - sx(0);
  const barW = (groupW * 0.8) / Math.max(opts.series.length, 1);
  const bars = opts.series
    .map(
      (s, j) =>
        `<g class="series">${Array.from(s.values, (v, i) => {
          const x = sx(i) + groupW * 0.1 + j * barW;
          const y = sy(Math.max(v, 0));
          const h = Math.abs(sy(v) - sy(0));
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(barW - 1, 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"/>`;
        }).join('')}</g>`,
    )
    .join('');
  return `${head}${axes}${bars}${legend(opts.series, plot.width)}</svg>`;
}
