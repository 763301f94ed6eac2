// Formatting of times, durations and sizes; plain English, the same in every browser locale.

import { h } from './dom.js';

const UNITS = [
  ['y', 365 * 24 * 3600],
  ['d', 24 * 3600],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
];

/** "42 s", "5 min", "3 h", "2 d"; a compact span of whole units. */
export function span(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  for (const [unit, size] of UNITS) {
    if (seconds >= size || unit === 's') {
      return `${Math.floor(seconds / size)} ${unit}`;
    }
  }
  return '0 s';
}

/** "1 h 02 min", "48 min 12 s", "9 s": a duration with two units at most. */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return '—';
  }
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86400);
  const hr = Math.floor((total % 86400) / 3600);
  const min = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${hr} h`;
  if (hr > 0) return `${hr} h ${pad(min)} min`;
  if (min > 0) return `${min} min ${pad(sec)} s`;
  return `${sec} s`;
}

/** Time from one ISO instant to another (or to now). */
export function between(fromIso, toIso) {
  if (!fromIso) return null;
  const from = Date.parse(fromIso);
  const to = toIso ? Date.parse(toIso) : Date.now();
  return Number.isFinite(from) && Number.isFinite(to) ? to - from : null;
}

/** "734.0 MB" (decimal units, as providers and disks count). */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(1)} ${units[i]}`;
}

/** A full local timestamp: "10 Jun 2024, 06:13:20". */
export function stamp(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A clock time for timelines: "06:13:20.480". */
export function clock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const t = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const ms = date.getMilliseconds();
  return ms ? `${t}.${String(ms).padStart(3, '0')}` : t;
}

/** A clock time, after the date when it is not today: "06:13:20", "10 Jun 2024 06:13:20". */
export function clockWithDay(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return clock(iso);
  const day = date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  return `${day} ${clock(iso)}`;
}

/** A <time> that reads "5 min ago" and keeps itself current (see refreshRelativeTimes). */
export function ago(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: stamp(iso), 'data-relative': '' }, agoText(iso));
}

function agoText(iso) {
  const ms = Date.now() - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < 5000) return 'just now';
  return ms < 0 ? `in ${span(-ms)}` : `${span(ms)} ago`;
}

/** Rewrites every "… ago" on the page; called on a timer so ages move without a reload. */
export function refreshRelativeTimes(root = document) {
  for (const el of root.querySelectorAll('time[data-relative]')) {
    const text = agoText(el.getAttribute('datetime'));
    if (el.textContent !== text) el.textContent = text;
  }
}

/** A long id shortened to its head and tail ("9a8b7c6d…b7c6d"), so that ids sharing a prefix stay apart. */
export function shortId(id) {
  return id && id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-5)}` : id;
}

/** Counts with a noun: plural(3, 'server') → "3 servers". */
export function plural(n, noun, many = `${noun}s`) {
  return `${n} ${n === 1 ? noun : many}`;
}
