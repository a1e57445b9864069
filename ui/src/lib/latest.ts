// "Ignore a stale answer": a component that may ask again before an answer arrives (a
// reload, another environment picked, a name still being typed) takes a ticket for each
// request, and uses an answer only while its ticket is the newest, so an older answer
// never overwrites a newer one.

export class Latest {
  #seq = 0;

  /** Starts a request: the returned function says whether it is still the newest. */
  next(): () => boolean {
    const mine = ++this.#seq;
    return () => mine === this.#seq;
  }

  /** Makes every request started so far stale (nothing to ask any more). */
  cancel(): void {
    this.#seq++;
  }
}
