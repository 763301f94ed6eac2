// The fleet-health chart: healthy / degraded / down servers over the last 1, 6 or 24 hours (the history the API
// keeps), stacked, as inline SVG. Where the tracker was not running (a sample's gapBefore) the areas break and the
// stretch is shaded, rather than drawn across. Drawn at the container's real width (ResizeObserver), so its text
// stays legible from phone to desktop.

import { h, s } from '../dom.js';
import { span } from '../format.js';

const HEIGHT = 168;
const MARGIN = { top: 12, right: 12, bottom: 24, left: 36 };
const SERIES = [
  { key: 'healthy', label: 'Healthy', className: 'series-ok' },
  { key: 'degraded', label: 'Degraded', className: 'series-warn' },
  { key: 'down', label: 'Down', className: 'series-bad' },
];
const HOUR_MS = 3600_000;
const RANGES = [
  { ms: HOUR_MS, label: '1 h', caption: 'Last hour' },
  { ms: 6 * HOUR_MS, label: '6 h', caption: 'Last 6 hours' },
  { ms: 24 * HOUR_MS, label: '24 h', caption: 'Last 24 hours' },
];

/** The range chosen last, kept while the page is open (the view redraws on every server change). */
let chosenRange = RANGES[0];

/** Returns { node, dispose } for samples [{ at, healthy, degraded, down }], oldest first. */
export function fleetChart(samples) {
  const last = samples.at(-1);
  const legend = h('ul', { class: 'legend' },
    SERIES.map((serie) => h('li', null,
      h('span', { class: ['swatch', serie.className], 'aria-hidden': 'true' }),
      `${serie.label} `, h('strong', null, String(last?.[serie.key] ?? 0)))));

  if (samples.length === 0) {
    const node = h('div', { class: 'chart' },
      h('p', { class: 'empty' }, 'No samples yet: the service samples fleet health on an interval (Dashboard:FleetSampleInterval, 30 s by default).'));
    return { node, dispose() {} };
  }

  const points = samples
    .map((p) => ({ t: Date.parse(p.at), gapFrom: p.gapBefore ? Date.parse(p.gapBefore.from) : null, healthy: p.healthy, degraded: p.degraded, down: p.down }))
    .filter((p) => Number.isFinite(p.t));
  const canvas = h('div', { class: 'chart-canvas' });
  const caption = h('span', { class: 'chart-range' });
  const buttons = RANGES.map((range) => h('button', {
    type: 'button',
    class: 'chart-range-button',
    'data-range': range.label,
    onclick: () => { chosenRange = range; redraw(); },
  }, range.label));
  const node = h('figure', { class: 'chart' },
    h('div', { class: 'chart-ranges', role: 'group', 'aria-label': 'Time range' }, buttons),
    canvas,
    h('figcaption', null, legend, caption));

  let lastWidth = 0;
  function redraw() {
    buttons.forEach((button, i) => button.setAttribute('aria-pressed', String(RANGES[i] === chosenRange)));
    draw(lastWidth);
  }

  function draw(width) {
    lastWidth = width;
    if (width <= 0) return;
    const t1 = points.at(-1).t;
    const t0 = Math.max(points[0].t, t1 - chosenRange.ms);
    const shown = points.filter((p) => p.t >= t0);
    const spanMs = Math.max(t1 - t0, 1000);
    const yMax = niceCeiling(Math.max(1, ...shown.map((p) => p.healthy + p.degraded + p.down)));
    const worstDown = Math.max(...shown.map((p) => p.down));
    const runs = breakAtGaps(shown);
    const description = `Fleet health over the last ${span(spanMs)}: now ${last.healthy} healthy, ${last.degraded} degraded, ${last.down} down`
      + (worstDown > 0 ? `; at most ${worstDown} down` : '; none down')
      + (runs.gaps.length > 0 ? `; the tracker was not running ${runs.gaps.length === 1 ? 'once' : `${runs.gaps.length} times`} in between.` : '.');
    caption.textContent = t1 - t0 >= chosenRange.ms - 60_000 ? chosenRange.caption : `Last ${span(spanMs)} (the history kept starts there)`;
    const { w, x, y } = scales(width, HEIGHT, MARGIN, t0, spanMs, yMax);

    const grid = [0, yMax / 2, yMax].filter((v, i, all) => Number.isInteger(v) && all.indexOf(v) === i);
    const svg = s('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': description, class: 'chart-svg' },
      s('title', null, description),
      grid.map((v) => s('g', { class: 'grid' },
        s('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }),
        s('text', { x: MARGIN.left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, String(v)))),
      runs.gaps.map(([from, to]) => s('rect', { class: 'gap', x: x(Math.max(from, t0)), y: MARGIN.top, width: Math.max(1, x(to) - x(Math.max(from, t0))), height: y(0) - MARGIN.top },
        s('title', null, `No samples from ${clockLabel(from, false)} to ${clockLabel(to, false)}: the tracker was not running`))),
      runs.runs.map((run) => stack(run, x, y, run.at(-1).t)),
      s('g', { class: 'axis' },
        s('text', { x: MARGIN.left, y: HEIGHT - 6, 'text-anchor': 'start' }, clockLabel(t0, spanMs < 600_000)),
        width > 360 && s('text', { x: MARGIN.left + w / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, clockLabel(t0 + spanMs / 2, spanMs < 600_000)),
        s('text', { x: width - MARGIN.right, y: HEIGHT - 6, 'text-anchor': 'end' }, 'now')));
    canvas.replaceChildren(svg);
  }

  redraw();
  return { node, dispose: drawAtWidth(canvas, draw) };
}

/** The points split into runs where a sample follows a gap, and each gap's [from, to]. */
function breakAtGaps(points) {
  const runs = [];
  const gaps = [];
  for (const p of points) {
    if (p.gapFrom !== null) gaps.push([p.gapFrom, p.t]);
    if (runs.length === 0 || p.gapFrom !== null) runs.push([]);
    runs.at(-1).push(p);
  }
  return { runs, gaps };
}

/** The plot area's width and the x (time) and y (value) scales of a chart drawn `width` × `height` px. */
export function scales(width, height, margin, t0, spanMs, yMax) {
  const w = width - margin.left - margin.right;
  const hgt = height - margin.top - margin.bottom;
  return { w, x: (t) => margin.left + ((t - t0) / spanMs) * w, y: (v) => margin.top + hgt - (v / yMax) * hgt };
}

/** Calls draw(width) whenever the canvas's width changes; returns the clean-up. */
export function drawAtWidth(canvas, draw) {
  let lastWidth = 0;
  const observer = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0].contentRect.width);
    if (width !== lastWidth) {
      lastWidth = width;
      draw(width);
    }
  });
  observer.observe(canvas);
  return () => observer.disconnect();
}

/** Stacked step areas: healthy at the bottom, degraded on it, down on top; each count holds until the next sample. */
function stack(points, x, y, tEnd) {
  const group = s('g', { class: 'series' });
  const base = points.map(() => 0);
  for (const serie of SERIES) {
    const top = points.map((p, i) => base[i] + p[serie.key]);
    if (top.some((v, i) => v !== base[i])) {
      group.append(s('path', { class: serie.className, d: stepArea(points, base, top, x, y, tEnd) }));
    }
    top.forEach((v, i) => { base[i] = v; });
  }
  return group;
}

function stepArea(points, lower, upper, x, y, tEnd) {
  const ts = points.map((p) => p.t);
  const edge = (values) => {
    const parts = [];
    values.forEach((v, i) => {
      const next = i + 1 < ts.length ? ts[i + 1] : tEnd;
      parts.push([x(ts[i]), y(v)], [x(Math.max(next, ts[i])), y(v)]);
    });
    return parts;
  };
  const top = edge(upper);
  const bottom = edge(lower).reverse();
  const fmt = ([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`;
  return `M${top.map(fmt).join('L')}L${bottom.map(fmt).join('L')}Z`;
}

export function niceCeiling(n) {
  if (n <= 10) return n % 2 === 0 ? n : n + 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * magnitude;
    if (candidate >= n && (candidate / 2) % 1 === 0) return candidate;
  }
  return Math.ceil(n);
}

export function clockLabel(t, withSeconds) {
  return new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: withSeconds ? '2-digit' : undefined, hour12: false });
}
