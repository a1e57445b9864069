// A screen asked for from outside the window (the tray menu's "Open Rotation"): App
// records it, and the main view goes there as soon as it is shown (at once when the vault
// is unlocked, else right after unlocking).
import type { Screen } from './screens';

class Navigation {
  requested = $state<Screen | null>(null);

  /** Asks the main view to show `screen`. */
  request(screen: Screen): void {
    this.requested = screen;
  }

  /** The screen asked for, if any, forgetting it. */
  take(): Screen | null {
    const screen = this.requested;
    if (screen !== null) this.requested = null;
    return screen;
  }

  /** Forgets any request: between tests. */
  reset(): void {
    this.requested = null;
  }
}

export const navigation = new Navigation();
