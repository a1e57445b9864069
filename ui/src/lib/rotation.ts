// The Rotation screen's words and geometry: the order of the list, the status badges,
// the intervals, and where each secret's marker goes on the 12-month timeline chart.
// Works on RotationRow (names and dates), never on a value.
import type { RotationRow } from './bindings/RotationRow';
import type { SecretClass } from './bindings/SecretClass';
import type { Status } from './bindings/Status';

export type RotationStatus = Status;

/** How a status badge looks. */
export type RotationTone = 'bad' | 'warn' | 'good' | 'neutral';

const STATUS: Record<RotationStatus, { label: string; tone: RotationTone; rank: number; meaning: string }> = {
  expired: { label: 'Expired', tone: 'bad', rank: 0, meaning: 'Past its hard expiry: rotate it now' },
  overdue: { label: 'Overdue', tone: 'bad', rank: 0, meaning: 'Past its rotation date: rotate it' },
  due_soon: { label: 'Due soon', tone: 'warn', rank: 1, meaning: 'Due for rotation within days' },
  ok: { label: 'OK', tone: 'good', rank: 2, meaning: 'Rotated recently enough' },
  no_policy: { label: 'No policy', tone: 'neutral', rank: 3, meaning: 'No rotation interval: never due' },
};

function known(status: string): RotationStatus {
  return Object.hasOwn(STATUS, status) ? (status as RotationStatus) : 'no_policy';
}

const CLASSES: Record<SecretClass, string> = {
  api_key: 'api key',
  database_password: 'database password',
  webhook_secret: 'webhook secret',
  token: 'token',
};

/** What kind of secret, in words ("api key"); a class this version does not know as itself. */
export function classLabel(secretClass: SecretClass): string {
  return Object.hasOwn(CLASSES, secretClass) ? CLASSES[secretClass] : String(secretClass).replaceAll('_', ' ');
}

/** A status in a word or two, its tone, and what it means (the tooltip). */
export function rotationBadge(status: string): { label: string; tone: RotationTone; title: string } {
  const s = STATUS[known(status)];
  return { label: s.label, tone: s.tone, title: s.meaning };
}

/** A day ("YYYY-MM-DD") as local midnight, in ms since the epoch; NaN when malformed. */
export function parseDay(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : NaN;
}

/** When a secret is next due: the earlier of its rotation date and its hard expiry; null for neither. */
export function dueTime(row: RotationRow): number | null {
  const times = [row.due ? Date.parse(row.due) : NaN, row.expires ? parseDay(row.expires) : NaN].filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.min(...times) : null;
}

/** Leaked first, then overdue and expired, then due soon, then ok, then no policy; the soonest first within each. */
export function sortRotation(rows: readonly RotationRow[]): RotationRow[] {
  const at = (r: RotationRow) => dueTime(r) ?? Number.POSITIVE_INFINITY;
  const leaked = (r: RotationRow) => (r.leaked ? 0 : 1);
  return [...rows].sort(
    (a, b) =>
      leaked(a) - leaked(b) ||
      STATUS[known(a.status)].rank - STATUS[known(b.status)].rank ||
      at(a) - at(b) ||
      a.name.localeCompare(b.name),
  );
}

/** "every 90 days", "every day", or "never" (no interval). */
export function intervalLabel(days: number | null): string {
  if (days === null || days <= 0) return 'never';
  return days === 1 ? 'every day' : `every ${days} days`;
}

/** Whether a secret's reminders are snoozed at `now`. */
export function isSnoozed(row: RotationRow, now: number = Date.now()): boolean {
  return row.snoozedUntil !== null && Date.parse(row.snoozedUntil) > now;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The chart's drawing, in SVG user units. */
export const CHART = { width: 960, left: 14, right: 14, axis: 26, lane: 24, pad: 14, maxLanes: 10 } as const;

export type ChartMonth = { label: string; x: number; width: number; year: number };
export type ChartMarker = {
  name: string;
  status: RotationStatus;
  t: number;
  x: number;
  y: number;
  past: boolean;
  /** The label goes left of the marker (near the right edge). */
  flip: boolean;
  title: string;
};
export type Chart = {
  months: ChartMonth[];
  markers: ChartMarker[];
  todayX: number;
  height: number;
  /** Secrets with no date in the 12 months. */
  unplotted: number;
  /** Secrets due in the 12 months but not drawn: their lanes would pass `CHART.maxLanes`. */
  crowded: number;
};

/** An estimate of a label's width (monospace-ish names at 11 units). */
function labelWidth(name: string): number {
  return 14 + name.length * 6.8;
}

/**
 * The timeline of the next 12 months, from the first day of `now`'s month: one column per
 * month, and a marker per secret due (or expiring) before the end, past ones at the left
 * edge; markers whose labels would overlap go on lanes below one another, up to
 * `CHART.maxLanes` (the list below the chart has every secret).
 */
export function rotationChart(rows: readonly RotationRow[], now: number = Date.now(), describe: (row: RotationRow, t: number) => string = (r) => r.name): Chart {
  const today = new Date(now);
  const start = new Date(today.getFullYear(), today.getMonth(), 1).getTime();
  const end = new Date(today.getFullYear(), today.getMonth() + 12, 1).getTime();
  const plot = CHART.width - CHART.left - CHART.right;
  const xOf = (t: number) => CHART.left + (Math.min(Math.max(t, start), end) - start) / (end - start) * plot;

  const months: ChartMonth[] = [];
  for (let i = 0; i < 12; i++) {
    const from = new Date(today.getFullYear(), today.getMonth() + i, 1);
    const to = new Date(today.getFullYear(), today.getMonth() + i + 1, 1).getTime();
    months.push({ label: MONTHS[from.getMonth()], x: xOf(from.getTime()), width: xOf(to) - xOf(from.getTime()), year: from.getFullYear() });
  }

  const due = rows
    .map((row) => ({ row, t: dueTime(row) }))
    .filter((d): d is { row: RotationRow; t: number } => d.t !== null && d.t < end)
    .map((d) => ({ ...d, past: d.t < now, x: d.t < now ? xOf(start) : xOf(d.t) }))
    .sort((a, b) => a.x - b.x || a.row.name.localeCompare(b.row.name));

  // Greedy lanes: each marker takes the first lane whose last label ends before it.
  const lanes: number[] = [];
  const markers = due.flatMap((d) => {
    const width = labelWidth(d.row.name);
    const flip = d.x + width > CHART.width - CHART.right;
    const begin = flip ? d.x - width : d.x - 8;
    let lane = lanes.findIndex((endX) => endX < begin);
    if (lane < 0) lane = lanes.length;
    if (lane >= CHART.maxLanes) return [];
    lanes[lane] = flip ? d.x + 8 : d.x + width;
    return {
      name: d.row.name,
      status: known(d.row.status),
      t: d.t,
      x: d.x,
      y: CHART.axis + CHART.pad + lane * CHART.lane,
      past: d.past,
      flip,
      title: describe(d.row, d.t),
    };
  });

  return {
    months,
    markers,
    todayX: xOf(now),
    height: CHART.axis + CHART.pad * 2 + Math.max(lanes.length - 1, 0) * CHART.lane + 6,
    unplotted: rows.length - due.length,
    crowded: due.length - markers.length,
  };
}
