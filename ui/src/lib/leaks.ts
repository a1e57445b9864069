// The leak sweep, as Rust answers (src-tauri/src/commands/leaks.rs): a sweep's findings
// by variable and place (never a value), and redaction of the copies it found. Progress
// arrives through onSweepProgress in ipc.ts.
import type { RedactRequest } from './bindings/RedactRequest';
import type { RedactResult } from './bindings/RedactResult';
import type { SweepRequest } from './bindings/SweepRequest';
import type { SweepView } from './bindings/SweepView';
import { call } from './ipc';

/** Sweeps agent files, histories and paths for stored keys (progress: onSweepProgress); never a value. */
export function sweep(request: SweepRequest): Promise<SweepView> {
  return call('sweep', { request });
}

/** Replaces one variable's copies in the given files with `<latchkey:NAME>`; files git tracks are refused. */
export function redactLeaks(request: RedactRequest): Promise<RedactResult> {
  return call('redact_leaks', { request });
}
