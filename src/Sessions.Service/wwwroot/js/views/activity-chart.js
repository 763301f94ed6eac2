// Activity charts beside the fleet chart: one series over the last hour (ingest rate, active sessions) as a line on an area.

import { h, s } from '../dom.js';
import { span } from '../format.js';
import { clockLabel, drawAtWidth, niceCeiling } from './fleet-chart.js';

const HEIGHT = 168;
const MARGIN = { top: 12, right: 12, bottom: 24, left: 40 };
const HOUR_MS = 3600_000;

/**
 * Returns { node, dispose } for samples [{ at, [key]: number }] (GET /api/overview/history), oldest first.
 * label names the series ("Events per second"), format(v) writes one value.
 */
export function activityChart(samples, { key, label, format = String }) {
  const points = samples.map((p) => ({ t: Date.parse(p.at), v: p[key] ?? 0 })).filter((p) => Number.isFinite(p.t));
  if (points.length === 0) {
    return { node: h('div', { class: 'chart' }, h('p', { class: 'empty' }, 'No samples yet.')), dispose() {} };
  }
  const t1 = points.at(-1).t;
  const t0 = Math.max(points[0].t, t1 - HOUR_MS);
  const shown = points.filter((p) => p.t >= t0);
  const spanMs = Math.max(t1 - t0, 1000);
  const peak = Math.max(...shown.map((p) => p.v));
  const yMax = niceCeiling(Math.max(1, Math.ceil(peak)));
  const now = shown.at(-1).v;
  const description = `${label} over the last ${span(spanMs)}: now ${format(now)}, at most ${format(peak)}.`;

  const canvas = h('div', { class: 'chart-canvas' });
  const node = h('figure', { class: 'chart', 'data-series': key },
    canvas,
    h('figcaption', null,
      h('span', null, `${label} `, h('strong', { 'data-testid': `now-${key}` }, format(now))),
      h('span', { class: 'chart-range' }, `peak ${format(peak)}`)));

  function draw(width) {
    if (width <= 0) return;
    const w = width - MARGIN.left - MARGIN.right;
    const hgt = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (t) => MARGIN.left + ((t - t0) / spanMs) * w;
    const y = (v) => MARGIN.top + hgt - (v / yMax) * hgt;
    const line = shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
    const area = `${line}L${x(t1).toFixed(1)},${y(0).toFixed(1)}L${x(shown[0].t).toFixed(1)},${y(0).toFixed(1)}Z`;
    canvas.replaceChildren(s('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': description, class: 'chart-svg' },
      s('title', null, description),
      [0, yMax].map((v) => s('g', { class: 'grid' },
        s('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }),
        s('text', { x: MARGIN.left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, String(v)))),
      s('path', { class: 'series-area', d: area }),
      s('path', { class: 'series-line', d: line }),
      s('g', { class: 'axis' },
        s('text', { x: MARGIN.left, y: HEIGHT - 6, 'text-anchor': 'start' }, clockLabel(t0, spanMs < 600_000)),
        s('text', { x: width - MARGIN.right, y: HEIGHT - 6, 'text-anchor': 'end' }, 'now'))));
  }

  return { node, dispose: drawAtWidth(canvas, draw) };
}
