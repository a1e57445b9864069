// Errors as the UI handles them: Rust's IpcError (its code one of ErrorCode), or
// `internal` for a rejection that is not one. ipc.ts turns every rejection into one.
import type { ErrorCode } from './bindings/ErrorCode';
import type { IpcError } from './bindings/IpcError';

/**
 * A rejected call as the UI handles it: Rust's IpcError (its code one of ErrorCode), or
 * `internal` for a rejection that is not one (Tauri itself refusing the call, say).
 */
export type AppError = { code: ErrorCode | 'internal'; message: string };

/** Whether `e` already has the IpcError shape `{ code, message }`. */
export function isIpcError(e: unknown): e is IpcError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/** Any rejection as an AppError: Rust's IpcError kept as it is, anything else `{ code: "internal" }`. */
export function toIpcError(e: unknown): AppError {
  if (isIpcError(e)) return { code: e.code, message: e.message };
  return { code: 'internal', message: String(e) };
}
