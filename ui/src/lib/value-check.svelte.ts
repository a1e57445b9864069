// check_value as a value is typed, for the dialogs that take one (add / edit, rotate):
// asked ~250 ms after typing stops, only the newest answer kept, and a refused save
// forgotten on any change. The findings are Rust's: never the value.
import type { CheckValueRequest } from './bindings/CheckValueRequest';
import type { ValueCheck } from './bindings/ValueCheck';
import { checkValue } from './ipc';

/** How long typing must pause before the value is checked. */
export const VALUE_CHECK_DELAY_MS = 250;

export class ValueChecker {
  /** What the last answer found, or null (nothing typed, or not asked yet). */
  findings = $state<ValueCheck | null>(null);
  /** Why the last save was refused, until the request changes. */
  refusal = $state<string | null>(null);
  #seq = 0;

  /**
   * `request`: what to check, read reactively (null while there is nothing to check,
   * such as a name not yet valid). Call while a component initialises.
   */
  constructor(request: () => CheckValueRequest | null, onerror: (e: unknown) => void) {
    $effect(() => {
      const asked = request();
      this.refusal = null;
      if (asked === null || asked.value === '') {
        this.#seq++;
        this.findings = null;
        return;
      }
      const mine = ++this.#seq;
      const timer = setTimeout(async () => {
        try {
          const result = await checkValue(asked);
          if (mine === this.#seq) this.findings = result;
        } catch (e) {
          if (mine === this.#seq) onerror(e);
        }
      }, VALUE_CHECK_DELAY_MS);
      return () => clearTimeout(timer);
    });
  }
}
