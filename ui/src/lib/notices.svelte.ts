// The banner for errors (#error) and the small toasts ("Copied ..."). Neither ever holds
// a secret's value: only names and the messages Rust wrote for the user.
import { toIpcError, type AppError } from './ipc';

/** A confirmation, or a warning: something went wrong but the action itself was done. */
export type ToastTone = 'info' | 'warning';

export type Toast = { id: number; text: string; tone: ToastTone };

const TOAST_MS = 4_000;
/** Warnings (an access not recorded in the audit log) stay long enough to be read. */
const WARNING_MS = 10_000;

class Notices {
  error = $state<AppError | null>(null);
  toasts = $state<Toast[]>([]);
  #next = 1;

  /** Shows `e`'s message in the error banner. */
  fail(e: unknown): void {
    this.error = toIpcError(e);
  }

  dismissError(): void {
    this.error = null;
  }

  /** Shows a short confirmation that goes away by itself. */
  toast(text: string, ms: number = TOAST_MS): void {
    this.#show(text, 'info', ms);
  }

  /**
   * Shows a warning toast, as the CLI prints a warning: the action happened, but something
   * the user must know went wrong (Rust's `auditWarning`, for one). Never silent.
   */
  warn(text: string, ms: number = WARNING_MS): void {
    this.#show(text, 'warning', ms);
  }

  dismissToast(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /**
   * On another screen, the confirmations of the last one are noise: they go. Warnings
   * stay until they time out (the user must read them).
   */
  leaveScreen(): void {
    this.toasts = this.toasts.filter((t) => t.tone === 'warning');
  }

  /** Clears everything: on lock, and between tests. */
  reset(): void {
    this.error = null;
    this.toasts = [];
  }

  #show(text: string, tone: ToastTone, ms: number): void {
    const id = this.#next++;
    this.toasts = [...this.toasts, { id, text, tone }];
    setTimeout(() => this.dismissToast(id), ms);
  }
}

export const notices = new Notices();
