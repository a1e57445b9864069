// check_value as a value is typed, for the dialogs that take one (add / edit, rotate):
// asked ~250 ms after typing stops, only the newest answer kept, and a refused save
// forgotten on any change. The findings are Rust's: never the value.
import type { CheckValueRequest } from './bindings/CheckValueRequest';
import type { ValueCheck } from './bindings/ValueCheck';
import { checkValue } from './ipc';
import { Latest } from './latest';

/** How long typing must pause before the value is checked. */
export const VALUE_CHECK_DELAY_MS = 250;

export class ValueChecker {
  /** What the last answer found, or null (nothing typed, or not asked yet). */
  findings = $state<ValueCheck | null>(null);
  /** Why the last save was refused, until the request changes. */
  refusal = $state<string | null>(null);
  #checks = new Latest();

  /**
   * `request`: what to check, read reactively (null while there is nothing to check,
   * such as a name not yet valid). Call while a component initialises.
   */
  constructor(request: () => CheckValueRequest | null, onerror: (e: unknown) => void) {
    $effect(() => {
      const asked = request();
      this.refusal = null;
      if (asked === null || asked.value === '') {
        this.#checks.cancel();
        this.findings = null;
        return;
      }
      const current = this.#checks.next();
      const timer = setTimeout(async () => {
        try {
          const result = await checkValue(asked);
          if (current()) this.findings = result;
        } catch (e) {
          if (current()) onerror(e);
        }
      }, VALUE_CHECK_DELAY_MS);
      return () => clearTimeout(timer);
    });
  }
}
