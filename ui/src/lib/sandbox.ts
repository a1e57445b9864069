// The sandbox as the window shows it: a profile's sandbox settings as the dialog edits
// them, and a line for the Sandboxed badge. A sandboxed run is brokered too (Rust brokers
// it with the profile's broker settings, or the defaults). Rust drops blank paths on save
// and checks the others at launch (a path that does not exist, one of latchkey's own):
// nothing here copies those rules.
import type { SandboxMode } from './bindings/SandboxMode';
import type { SandboxSettings } from './bindings/SandboxSettings';

/** What a profile turned sandboxed starts with: Rust's defaults. */
export const DEFAULT_SANDBOX: SandboxSettings = { mode: 'strict', writable: [], readable: [] };

/** The modes, as the dialog offers them. */
export const SANDBOX_MODES: { value: SandboxMode; label: string }[] = [
  { value: 'strict', label: 'Strict: refuse to start when the kernel lacks a part' },
  { value: 'best-effort', label: 'Best effort: run without the missing part, and say so' },
];

/** The paths typed in a paths field: one a line or comma-separated, trimmed, empty ones dropped. */
export function parsePaths(text: string): string[] {
  return text
    .split(/[,\n\r]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A profile's paths, for a field: one a line. */
export function formatPaths(paths: readonly string[]): string {
  return paths.join('\n');
}

/** The settings the dialog saves: null when the sandbox is off. */
export function sandboxRequest(on: boolean, mode: SandboxMode, writable: string, readable: string): SandboxSettings | null {
  return on ? { mode, writable: parsePaths(writable), readable: parsePaths(readable) } : null;
}

/** A profile's sandbox settings in a line, for the Sandboxed badge's title. */
export function sandboxSummary(s: SandboxSettings): string {
  const parts = [s.mode === 'best-effort' ? 'best effort: runs without what the kernel lacks' : 'strict: refuses to start without every part'];
  if (s.writable.length > 0) parts.push(`writable: ${s.writable.join(', ')}`);
  if (s.readable.length > 0) parts.push(`readable: ${s.readable.join(', ')}`);
  return `Sandboxed, the agent reaches nothing but the broker (${parts.join('; ')})`;
}
