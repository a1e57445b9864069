// Which rows of a long table to put in the DOM: those in view, and a margin either side.
// Rendering 1,000 rows cost the web process about 170 MB (`make bench`); the rest are
// stood in for by two spacers of their measured (or estimated) height, so the scroll
// bar and the scroll position stay true.

/** Rows `[start, end)` are rendered; `before` and `after` are the pixels of the rest. */
export interface Slice {
  start: number;
  end: number;
  before: number;
  after: number;
}

/**
 * The rows of `heights` (each row's height in pixels) that meet the band from `top`
 * to `top + viewport`, widened by `margin` pixels on each side. `top` is the scroll
 * position relative to the first row, negative while the rows start below the top of
 * the view.
 */
export function visibleSlice(heights: readonly number[], top: number, viewport: number, margin: number): Slice {
  const from = top - margin;
  const to = top + viewport + margin;
  let y = 0;
  let start = heights.length;
  let before = 0;
  for (let i = 0; i < heights.length; i++) {
    if (y + heights[i] > from) {
      start = i;
      before = y;
      break;
    }
    y += heights[i];
  }
  if (start === heights.length) before = y;
  let end = start;
  y = before;
  while (end < heights.length && y < to) y += heights[end++];
  let after = 0;
  for (let i = end; i < heights.length; i++) after += heights[i];
  return { start, end, before, after };
}

/** The heights of rows `keys`: measured where known, else the measured rows' mean (or `estimate`). */
export function rowHeights(keys: readonly string[], measured: ReadonlyMap<string, number>, estimate: number): number[] {
  let sum = 0;
  for (const h of measured.values()) sum += h;
  const guess = measured.size > 0 ? sum / measured.size : estimate;
  return keys.map((k) => measured.get(k) ?? guess);
}
