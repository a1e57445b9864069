import { describe, expect, it } from 'vitest';
import type { RotationRow } from './bindings/RotationRow';
import type { Status } from './bindings/Status';
import { CHART, classLabel, dueTime, intervalLabel, isSnoozed, parseDay, rotationBadge, rotationChart, sortRotation } from './rotation';
import { relativeDay } from './time';

const DAY = 24 * 60 * 60_000;
// Local times, so that months and midnights do not depend on the time zone.
const now = new Date(2025, 5, 15, 12, 0).getTime();
const at = (days: number) => new Date(now + days * DAY).toISOString();

function row(name: string, status: Status, due: string | null, extra: Partial<RotationRow> = {}): RotationRow {
  return {
    name,
    provider: 'openai',
    keysPage: null,
    class: 'api_key',
    status,
    intervalDays: due === null ? null : 90,
    rotated: at(-30),
    due,
    expires: null,
    snoozedUntil: null,
    versions: 0,
    leaked: null,
    ...extra,
  };
}

describe('relativeDay', () => {
  it.each([
    [0, 'today'],
    [0.4, 'today'],
    [1, 'tomorrow'],
    [-1, 'yesterday'],
    [10, 'in 10 days'],
    [-5, '5 days ago'],
    [92, 'in 3 months'],
    [-400, '13 months ago'],
    [1000, 'in 3 years'],
  ])('%s days from now is "%s"', (days, text) => {
    expect(relativeDay(now + days * DAY, now)).toBe(text);
  });

  it('counts calendar days: yesterday at midnight is yesterday, even late today', () => {
    expect(relativeDay(new Date(2025, 5, 14).getTime(), new Date(2025, 5, 15, 23, 30).getTime())).toBe('yesterday');
    expect(relativeDay(NaN, now)).toBe('—');
  });
});

describe('rotation helpers', () => {
  it('words the statuses and the intervals', () => {
    expect(rotationBadge('overdue')).toMatchObject({ label: 'Overdue', tone: 'bad' });
    expect(rotationBadge('expired')).toMatchObject({ label: 'Expired', tone: 'bad' });
    expect(rotationBadge('due_soon')).toMatchObject({ label: 'Due soon', tone: 'warn' });
    expect(rotationBadge('ok')).toMatchObject({ label: 'OK', tone: 'good' });
    expect(rotationBadge('no_policy')).toMatchObject({ label: 'No policy', tone: 'neutral' });
    expect(rotationBadge('something_new')).toMatchObject({ label: 'No policy' });
    expect(intervalLabel(90)).toBe('every 90 days');
    expect(intervalLabel(1)).toBe('every day');
    expect(intervalLabel(0)).toBe('never');
    expect(intervalLabel(null)).toBe('never');
  });

  it('takes the earlier of the due date and the expiry', () => {
    expect(parseDay('2025-07-01')).toBe(new Date(2025, 6, 1).getTime());
    expect(parseDay('July 1st')).toBeNaN();
    expect(dueTime(row('A', 'ok', at(40)))).toBe(Date.parse(at(40)));
    expect(dueTime(row('A', 'ok', at(40), { expires: '2025-07-01' }))).toBe(new Date(2025, 6, 1).getTime());
    expect(dueTime(row('A', 'no_policy', null))).toBeNull();
  });

  it('knows when a snooze is over', () => {
    expect(isSnoozed(row('A', 'overdue', at(-1), { snoozedUntil: at(3) }), now)).toBe(true);
    expect(isSnoozed(row('A', 'overdue', at(-1), { snoozedUntil: at(-3) }), now)).toBe(false);
    expect(isSnoozed(row('A', 'overdue', at(-1)), now)).toBe(false);
  });

  it('sorts overdue and expired first, then due soon, ok, no policy; the soonest first within each', () => {
    const rows = [
      row('NONE', 'no_policy', null),
      row('OK_LATE', 'ok', at(200)),
      row('SOON', 'due_soon', at(5)),
      row('EXPIRED', 'expired', null, { expires: '2025-06-10' }),
      row('OK_EARLY', 'ok', at(60)),
      row('OVERDUE', 'overdue', at(-20)),
    ];
    expect(sortRotation(rows).map((r) => r.name)).toEqual(['OVERDUE', 'EXPIRED', 'SOON', 'OK_EARLY', 'OK_LATE', 'NONE']);
  });
});

describe('rotationChart', () => {
  it('has 12 months from the first of this month, and today inside June', () => {
    const chart = rotationChart([], now);
    expect(chart.months.map((m) => m.label)).toEqual(['Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar', 'Apr', 'May']);
    expect(chart.months[7].year).toBe(2026);
    expect(chart.months[0].x).toBe(CHART.left);
    const end = chart.months[11].x + chart.months[11].width;
    expect(end).toBeCloseTo(CHART.width - CHART.right);
    expect(chart.todayX).toBeGreaterThan(chart.months[0].x);
    expect(chart.todayX).toBeLessThan(chart.months[1].x);
    expect(chart.markers).toEqual([]);
  });

  it('plots one marker per secret due within the 12 months, past ones at the left edge', () => {
    const rows = [
      row('OVERDUE', 'overdue', at(-20)),
      row('EXPIRED', 'expired', null, { expires: '2025-06-01' }),
      row('SOON', 'due_soon', at(5)),
      row('LATER', 'ok', at(340)),
      row('TOO_LATE', 'ok', at(400)),
      row('NONE', 'no_policy', null),
    ];
    const chart = rotationChart(rows, now);
    expect(chart.markers.map((m) => m.name)).toEqual(['EXPIRED', 'OVERDUE', 'SOON', 'LATER']);
    expect(chart.unplotted).toBe(2);
    const by = (name: string) => chart.markers.find((m) => m.name === name)!;
    expect(by('OVERDUE')).toMatchObject({ x: CHART.left, past: true, status: 'overdue' });
    expect(by('EXPIRED')).toMatchObject({ x: CHART.left, past: true, status: 'expired' });
    expect(by('SOON').x).toBeGreaterThan(chart.todayX);
    expect(by('SOON').past).toBe(false);
    // The two at the left edge would overlap: they take two lanes.
    expect(by('OVERDUE').y).not.toBe(by('EXPIRED').y);
    expect(chart.height).toBeGreaterThan(CHART.axis + CHART.lane);
    // Near the right edge the label goes left of the marker.
    expect(by('LATER').flip).toBe(true);
    expect(by('SOON').flip).toBe(false);
  });

  it('draws at most CHART.maxLanes lanes, and counts the secrets it leaves to the list', () => {
    // 400 secrets due the same day: one lane each, were there no limit.
    const rows = Array.from({ length: 400 }, (_, i) => row(`KEY_${String(i).padStart(4, '0')}`, 'ok', at(60)));
    const chart = rotationChart(rows, now);
    expect(chart.markers).toHaveLength(CHART.maxLanes);
    expect(chart.crowded).toBe(400 - CHART.maxLanes);
    expect(chart.unplotted).toBe(0);
    expect(chart.height).toBe(CHART.axis + CHART.pad * 2 + (CHART.maxLanes - 1) * CHART.lane + 6);
  });
});

describe('classLabel', () => {
  it('names each class of secret in words', () => {
    expect((['api_key', 'database_password', 'webhook_secret', 'token'] as const).map(classLabel)).toEqual([
      'api key',
      'database password',
      'webhook secret',
      'token',
    ]);
  });
});
