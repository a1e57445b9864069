// The window of a long table that is in the DOM (see windowing.ts for why), as reactive
// state for a table component: it names its rows and the area it scrolls in, binds its
// <tbody> to `body`, and renders `start`..`end`
// between two SpacerRows of `before` and `after` pixels. Rows are measured by their
// `tr[data-name]`.
import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { rowHeights, visibleSlice } from './windowing';

/** A row of one line, before any is measured. */
const ROW_ESTIMATE_PX = 51;
/** Rendered beyond the view on each side, so scrolling and Tab find rows ready. */
const MARGIN_PX = 600;
/** The view's height until it can be measured. */
const FALLBACK_VIEW_PX = 800;

export class RowsWindow {
  /** Row heights by name, as measured. */
  readonly #measured = new SvelteMap<string, number>();
  /** Scroll position relative to the first row, and the view's height. */
  #top = $state(0);
  #view = $state(FALLBACK_VIEW_PX);
  readonly #names: () => string[];
  /** The table's <tbody>, while mounted (`bind:this`): the rows start at its top. */
  body = $state<HTMLTableSectionElement>();

  readonly #slice = $derived.by(() =>
    visibleSlice(rowHeights(this.#names(), this.#measured, ROW_ESTIMATE_PX), this.#top, this.#view, MARGIN_PX),
  );
  // Primitives, so that scrolling within the margin re-renders nothing.
  readonly start = $derived(this.#slice.start);
  readonly end = $derived(this.#slice.end);
  readonly before = $derived(this.#slice.before);
  readonly after = $derived(this.#slice.after);

  /**
   * `names`: the table's rows, in order; `scroller`: the element it scrolls in. Both
   * are read reactively. Call while a component initialises: the window lives as long.
   */
  constructor(names: () => string[], scroller: () => HTMLElement | undefined) {
    this.#names = names;
    // After each render of another window or other rows: measure what is in the DOM.
    $effect(() => {
      void [this.start, this.end, names()];
      const body = this.body;
      untrack(() => body && this.#measure(body));
    });
    // While the table is mounted, follow its scrolling and resizing.
    $effect(() => {
      const [area, body] = [scroller(), this.body];
      if (area && body) return this.#follow(area, body);
    });
  }

  /** Records the heights of the rows rendered in `body`; a change moves the spacers. */
  #measure(body: HTMLElement): void {
    for (const tr of body.querySelectorAll<HTMLTableRowElement>('tr[data-name]')) {
      const name = tr.dataset.name ?? '';
      const h = tr.getBoundingClientRect().height;
      if (h > 0 && Math.abs((this.#measured.get(name) ?? 0) - h) > 0.5) this.#measured.set(name, h);
    }
  }

  /**
   * Follows the rows (`body`) as they scroll in `scroller`, and as either is resized (a
   * resized window rewraps rows, a revealed value makes its row taller). Returns the
   * function that stops following.
   */
  #follow(scroller: HTMLElement, body: HTMLElement): () => void {
    const place = () => {
      this.#top = scroller.getBoundingClientRect().top - body.getBoundingClientRect().top;
      this.#view = scroller.clientHeight || FALLBACK_VIEW_PX;
    };
    place();
    scroller.addEventListener('scroll', place, { passive: true });
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => (this.#measure(body), place()));
    resized?.observe(scroller);
    resized?.observe(body);
    return () => {
      scroller.removeEventListener('scroll', place);
      resized?.disconnect();
    };
  }
}
