// "3 min ago" for the Updated column (the full timestamp goes in the title), and durations.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago `iso` was, relative to `now` (ms since the epoch). */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso || '—';
  const ago = now - then;
  if (ago < 45_000) return 'just now';
  if (ago < HOUR) return `${Math.max(1, Math.round(ago / MINUTE))} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  const days = Math.floor(ago / DAY);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return new Date(then).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A whole number of seconds for a duration in ms, for messages ("clears in 30 s"). */
export function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

/** How long something ran: "850 ms", "4.2 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
}

/** Local midnight of the day `t` falls on. */
function midnight(t: number): number {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * How far the day of `t` is from the day of `now`, either way, in calendar days: "today",
 * "tomorrow", "in 12 days", "in 3 months", "yesterday", "5 days ago", "2 months ago".
 */
export function relativeDay(t: number, now: number = Date.now()): string {
  if (Number.isNaN(t)) return '—';
  const days = Math.round((midnight(t) - midnight(now)) / DAY);
  const n = Math.abs(days);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  const span = n < 60 ? `${n} days` : n < 730 ? `${Math.round(n / 30.44)} months` : `${Math.round(n / 365.25)} years`;
  return days > 0 ? `in ${span}` : `${span} ago`;
}
