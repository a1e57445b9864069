import { describe, expect, it } from 'vitest';
import { rowHeights, visibleSlice } from './windowing';

const rows = (n: number, h = 50) => Array.from({ length: n }, () => h);

describe('visibleSlice', () => {
  it('takes the rows in view and a margin either side, and sizes the spacers for the rest', () => {
    // 1,000 rows of 50 px; the view shows 500..1100 px; 200 px of margin.
    const s = visibleSlice(rows(1000), 500, 600, 200);
    expect(s).toEqual({ start: 6, end: 26, before: 300, after: 974 * 50 });
    expect(s.before + (s.end - s.start) * 50 + s.after).toBe(1000 * 50);
  });

  it('starts at the first row while the table is at the top or below it', () => {
    expect(visibleSlice(rows(1000), 0, 600, 200)).toMatchObject({ start: 0, end: 16, before: 0 });
    // The toolbar above the table is in view: the rows start 120 px down.
    expect(visibleSlice(rows(1000), -120, 600, 0)).toMatchObject({ start: 0, end: 10, before: 0 });
  });

  it('ends at the last row when scrolled to the bottom', () => {
    const s = visibleSlice(rows(100), 100 * 50 - 600, 600, 200);
    expect(s).toMatchObject({ end: 100, after: 0 });
    expect(s.start).toBe(84);
  });

  it('renders every row of a short table', () => {
    expect(visibleSlice(rows(3), 0, 600, 200)).toEqual({ start: 0, end: 3, before: 0, after: 0 });
    expect(visibleSlice([], 0, 600, 200)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });

  it('follows rows of different heights (a revealed value, notes)', () => {
    const heights = [50, 50, 300, 50, 50, 50];
    // The view starts inside the tall row: it is rendered, and so is what follows.
    expect(visibleSlice(heights, 200, 250, 0)).toEqual({ start: 2, end: 4, before: 100, after: 100 });
  });

  it('keeps a scroll position past the end in range', () => {
    expect(visibleSlice(rows(10), 5000, 600, 0)).toEqual({ start: 10, end: 10, before: 500, after: 0 });
  });
});

describe('rowHeights', () => {
  it('uses measured heights, and their mean for rows not yet measured', () => {
    const measured = new Map([
      ['A', 40],
      ['B', 60],
    ]);
    expect(rowHeights(['A', 'B', 'C'], measured, 51)).toEqual([40, 60, 50]);
    expect(rowHeights(['X', 'Y'], new Map(), 51)).toEqual([51, 51]);
    // A row of another environment, measured earlier, does not skew the guess.
    expect(rowHeights(['A', 'B', 'C'], new Map([...measured, ['OTHER_ENV_ROW', 1000]]), 51)).toEqual([40, 60, 50]);
  });
});
