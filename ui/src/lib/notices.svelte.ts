// The banner for errors (#error) and the small toasts ("Copied ..."). Neither ever holds
// a secret's value: only names and the messages Rust wrote for the user.
import type { IpcError } from './bindings/IpcError';
import { toIpcError } from './ipc';

export type Toast = { id: number; text: string };

const TOAST_MS = 4_000;

class Notices {
  error = $state<IpcError | null>(null);
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
    const id = this.#next++;
    this.toasts = [...this.toasts, { id, text }];
    setTimeout(() => this.dismissToast(id), ms);
  }

  dismissToast(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Clears everything: on lock, and between tests. */
  reset(): void {
    this.error = null;
    this.toasts = [];
  }
}

export const notices = new Notices();
