// The fleet-health chart: healthy / degraded / down servers over the last hour, stacked, as inline SVG.
// Drawn at the container's real width (ResizeObserver), so its text stays legible from phone to desktop.

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
    .map((p) => ({ t: Date.parse(p.at), healthy: p.healthy, degraded: p.degraded, down: p.down }))
    .filter((p) => Number.isFinite(p.t));
  const t1 = points.at(-1).t;
  const t0 = Math.max(points[0].t, t1 - HOUR_MS);
  const shown = points.filter((p) => p.t >= t0);
  const spanMs = Math.max(t1 - t0, 1000);
  const peak = Math.max(1, ...shown.map((p) => p.healthy + p.degraded + p.down));
  const yMax = niceCeiling(peak);
  const worstDown = Math.max(...shown.map((p) => p.down));
  const description = `Fleet health over the last ${span(spanMs)}: now ${last.healthy} healthy, ${last.degraded} degraded, ${last.down} down`
    + (worstDown > 0 ? `; at most ${worstDown} down.` : '; none down.');

  const canvas = h('div', { class: 'chart-canvas' });
  const node = h('figure', { class: 'chart' },
    canvas,
    h('figcaption', null, legend, h('span', { class: 'chart-range' }, t1 - t0 >= HOUR_MS - 60_000 ? 'Last hour' : `Last ${span(spanMs)} (history starts when the service does)`)));

  function draw(width) {
    if (width <= 0) return;
    const w = width - MARGIN.left - MARGIN.right;
    const hgt = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (t) => MARGIN.left + ((t - t0) / spanMs) * w;
    const y = (v) => MARGIN.top + hgt - (v / yMax) * hgt;

    const grid = [0, yMax / 2, yMax].filter((v, i, all) => Number.isInteger(v) && all.indexOf(v) === i);
    const svg = s('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': description, class: 'chart-svg' },
      s('title', null, description),
      grid.map((v) => s('g', { class: 'grid' },
        s('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }),
        s('text', { x: MARGIN.left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, String(v)))),
      stack(shown, x, y, t1),
      s('g', { class: 'axis' },
        s('text', { x: MARGIN.left, y: HEIGHT - 6, 'text-anchor': 'start' }, clockLabel(t0, spanMs < 600_000)),
        width > 360 && s('text', { x: MARGIN.left + w / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, clockLabel(t0 + spanMs / 2, spanMs < 600_000)),
        s('text', { x: width - MARGIN.right, y: HEIGHT - 6, 'text-anchor': 'end' }, 'now')));
    canvas.replaceChildren(svg);
  }

  return { node, dispose: drawAtWidth(canvas, draw) };
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
