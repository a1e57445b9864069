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
  const total = heights.reduce((sum, h) => sum + h, 0);
  let start = 0;
  let before = 0;
  while (start < heights.length && before + heights[start] <= from) before += heights[start++];
  let end = start;
  let y = before;
  while (end < heights.length && y < to) y += heights[end++];
  return { start, end, before, after: total - y };
}

/** The heights of rows `keys`: measured where known, else the mean of those measured (or `estimate`). */
export function rowHeights(keys: readonly string[], measured: ReadonlyMap<string, number>, estimate: number): number[] {
  const known = keys.map((k) => measured.get(k));
  const seen = known.filter((h) => h !== undefined);
  const guess = seen.length > 0 ? seen.reduce((sum, h) => sum + h, 0) / seen.length : estimate;
  return known.map((h) => h ?? guess);
}
