// The one door to the Rust side. Nothing else in the UI imports `invoke` or `listen`:
// every command has a typed function here, and every rejection comes out as an AppError.
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';

import type { ActivityEntry } from './bindings/ActivityEntry';
import type { AgentExit } from './bindings/AgentExit';
import type { AgentOutput } from './bindings/AgentOutput';
import type { AgentRequest } from './bindings/AgentRequest';
import type { AgentRun } from './bindings/AgentRun';
import type { AppStatus } from './bindings/AppStatus';
import type { CheckValueRequest } from './bindings/CheckValueRequest';
import type { Comparison } from './bindings/Comparison';
import type { Copied } from './bindings/Copied';
import type { CreateVaultRequest } from './bindings/CreateVaultRequest';
import type { EnvironmentInfo } from './bindings/EnvironmentInfo';
import type { ExportFileRequest } from './bindings/ExportFileRequest';
import type { ExportInfo } from './bindings/ExportInfo';
import type { ImportRequest } from './bindings/ImportRequest';
import type { ImportRow } from './bindings/ImportRow';
import type { MovedIdentityInfo } from './bindings/MovedIdentityInfo';
import type { MoveIdentityRequest } from './bindings/MoveIdentityRequest';
import type { NameCheck } from './bindings/NameCheck';
import type { ProfileInfo } from './bindings/ProfileInfo';
import type { ProjectView } from './bindings/ProjectView';
import type { RecentProject } from './bindings/RecentProject';
import type { Revealed } from './bindings/Revealed';
import type { RotateRequest } from './bindings/RotateRequest';
import type { RotateResult } from './bindings/RotateResult';
import type { RotationPolicyRequest } from './bindings/RotationPolicyRequest';
import type { RotationRow } from './bindings/RotationRow';
import type { SaveProfileRequest } from './bindings/SaveProfileRequest';
import type { SetVariableRequest } from './bindings/SetVariableRequest';
import type { SweepProgress } from './bindings/SweepProgress';
import type { ValueCheck } from './bindings/ValueCheck';
import type { VariableRow } from './bindings/VariableRow';
import type { VerifyResult } from './bindings/VerifyResult';
import { AGENT_EXIT_EVENT, AGENT_OUTPUT_EVENT, AGENT_REQUEST_EVENT, OPEN_ROTATION_EVENT, SWEEP_PROGRESS_EVENT, VAULT_LOCKED_EVENT } from './bindings/events';

export type { UnlistenFn };

import { toIpcError } from './errors';
export { isIpcError, toIpcError, type AppError } from './errors';

/** The rotation presets: how often each class of secret should change. */
export type RotationPreset = 'standard' | 'strict';

/** Whether this page runs in latchkey's Tauri window (not in a plain browser). */
export function insideTauri(): boolean {
  const internals = typeof window === 'undefined' ? undefined : (window as { __TAURI_INTERNALS__?: { invoke?: unknown } }).__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}

/** Invokes a Rust command; a rejection becomes an IpcError. */
export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export function appStatus(): Promise<AppStatus> {
  return call('app_status');
}

export function createVault(request: CreateVaultRequest): Promise<AppStatus> {
  return call('create_vault', { request });
}

/** `passphrase` is needed only when the identity is "passphrase". */
export function unlock(passphrase: string | null): Promise<AppStatus> {
  return call('unlock', { passphrase });
}

export function lock(): Promise<AppStatus> {
  return call('lock');
}

/** Keeps the vault's identity elsewhere, or behind a new passphrase (about a second of scrypt). */
export function moveIdentity(request: MoveIdentityRequest): Promise<MovedIdentityInfo> {
  return call('move_identity', { request });
}

export function setAutoLock(minutes: number): Promise<AppStatus> {
  return call('set_auto_lock', { minutes });
}

/** Tells Rust the user is active, postponing the auto-lock. Throttle the calls. */
export function activity(): Promise<void> {
  return call('activity');
}

export function listEnvironments(): Promise<EnvironmentInfo[]> {
  return call('list_environments');
}

/** Creates `name`, extending `base` when given (its variables show through until overridden). */
export function addEnvironment(name: string, base: string | null): Promise<EnvironmentInfo[]> {
  return call('add_environment', { name, extends: base });
}

/** Renames an environment (not `default`). */
export function renameEnvironment(old: string, next: string): Promise<EnvironmentInfo[]> {
  return call('rename_environment', { old, new: next });
}

/**
 * Deletes an environment and its variables. Rejects with code `environment` for `default`
 * and for an environment another one extends.
 */
export function deleteEnvironment(name: string): Promise<EnvironmentInfo[]> {
  return call('delete_environment', { name });
}

/** How two environments differ, by name only (values are compared in Rust). */
export function compareEnvironments(first: string, second: string): Promise<Comparison> {
  return call('compare_environments', { first, second });
}

export function listVariables(env: string): Promise<VariableRow[]> {
  return call('list_variables', { env });
}

export function checkName(name: string): Promise<NameCheck> {
  return call('check_name', { name });
}

/**
 * Creates or changes a variable; `request.value === null` keeps the current value.
 * Rejects with code `refused` for a placeholder or a bad checksum unless `request.force`.
 */
export function setVariable(request: SetVariableRequest): Promise<VariableRow> {
  return call('set_variable', { request });
}

export function deleteVariable(env: string, name: string): Promise<void> {
  return call('delete_variable', { env, name });
}

/**
 * The only call whose answer holds a value: show it, then drop it after `hideAfterMs`.
 * `auditWarning` says why the reveal was not recorded in the audit log, if it was not.
 */
export function revealValue(env: string, name: string): Promise<Revealed> {
  return call('reveal_value', { env, name });
}

/**
 * Rust puts the value on the clipboard; it never comes back to the UI. `auditWarning`
 * says why the copy was not recorded in the audit log, if it was not.
 */
export function copyValue(env: string, name: string): Promise<Copied> {
  return call('copy_value', { env, name });
}

/** The format checks of a value being typed: nothing is stored or sent to the network. */
export function checkValue(request: CheckValueRequest): Promise<ValueCheck> {
  return call('check_value', { request });
}

/**
 * Asks the providers whether `name`'s key works (all of `env` when `name` is null): this
 * sends keys over the network, so only on an explicit click. Rust keeps the results, and
 * the next listVariables has them in `check.online`.
 */
export function verifyVariables(env: string, name: string | null): Promise<VerifyResult[]> {
  return call('verify_variables', { env, name });
}

/** Rust opens a native file dialog; `null` when the user cancelled. */
export function chooseImportFile(): Promise<string | null> {
  return call('choose_import_file');
}

/** Rust opens a native save dialog proposing `suggested`; `null` when the user cancelled. */
export function chooseExportPath(suggested: string): Promise<string | null> {
  return call('choose_export_path', { suggested });
}

/** What importing the file would do: nothing is written, and no value comes back. */
export function previewImport(request: ImportRequest): Promise<ImportRow[]> {
  return call('preview_import', { request });
}

/**
 * Imports the file, all of it or nothing. Rejects with code `import_exists` when names
 * exist with other values and `request.overwrite` is false.
 */
export function importFile(request: ImportRequest): Promise<ImportRow[]> {
  return call('import_file', { request });
}

/**
 * Rust writes the file (0600) and records it. Rejects with code `tracked` for a path git
 * would track (retry with `allowTracked` only after asking), `unrepresentable` for a value
 * the format cannot carry.
 */
export function exportFile(request: ExportFileRequest): Promise<ExportInfo> {
  return call('export_file', { request });
}

/** Every recorded export, and whether its file is current, stale, edited or missing. */
export function listExports(): Promise<ExportInfo[]> {
  return call('list_exports');
}

/** Every agent profile. */
export function listProfiles(): Promise<ProfileInfo[]> {
  return call('list_profiles');
}

/**
 * Creates a profile (`request.replace` false) or changes one (true); answers every profile.
 * Rejects with code `profile_exists` for a name taken, `profile_not_found` for a profile
 * to change that is gone, `profile_variables` for variables the environment does not
 * have, `unknown_environment`, `invalid_name`, `invalid_value` for a command whose
 * quotes do not match, or `invalid_host` for an allowed host of `request.broker` that is
 * no host name.
 */
export function saveProfile(request: SaveProfileRequest): Promise<ProfileInfo[]> {
  return call('save_profile', { request });
}

/** Deletes a profile; answers the profiles left. Rejects with code `profile_not_found`. */
export function deleteProfile(name: string): Promise<ProfileInfo[]> {
  return call('delete_profile', { name });
}

/**
 * Starts `profile`'s command with exactly its variables. Its output arrives through
 * onAgentOutput, a brokered run's requests through onAgentRequest, and its end through
 * onAgentExit, all under the run's id. The answer
 * carries the lines to show first (`notices`, `withheld`) and `auditWarning` when the
 * grant could not be recorded. Rejects with code `no_command` for a profile without a
 * command, `program_not_found` when its program cannot be found, `profile_not_found`,
 * `launch` when it could not be started.
 */
export function launchAgent(profile: string): Promise<AgentRun> {
  return call('launch_agent', { profile });
}

/**
 * SIGTERM to the run's process group, then SIGKILL after 5 s; the exit event follows.
 * Rejects with code `not_running` when the run is over (its exit event is on the way).
 */
export function stopAgent(id: number): Promise<void> {
  return call('stop_agent', { id });
}

/** The activity (audit) log, newest first: names, never values. */
export function listActivity(): Promise<ActivityEntry[]> {
  return call('list_activity');
}

/** The rotation schedule of every secret of `env`, under `preset`'s intervals. */
export function rotationStatus(env: string, preset: RotationPreset): Promise<RotationRow[]> {
  return call('rotation_status', { env, preset });
}

/**
 * Replaces a secret's value with a new key (the old one is kept for rollback). Rejects
 * with code `other_provider` when the secret has a provider and the new value is not a
 * well-formed key of it (another provider's, or one with any problem), and `refused` for
 * a placeholder or a bad checksum: both may be retried with `request.force` once the user
 * confirms.
 */
export function rotateSecret(request: RotateRequest): Promise<RotateResult> {
  return call('rotate_secret', { request });
}

/**
 * Restores a secret's previous value; the current one joins the history, so a rollback
 * can be undone. Answers why the rollback is missing from the audit log, when it is.
 * Rejects with code `no_history` when there is none.
 */
export function rollbackSecret(env: string, name: string): Promise<string | null> {
  return call('rollback_secret', { env, name });
}

/** Quiets a secret's rotation reminders for `days` days; 0 ends a snooze. */
export function snoozeSecret(env: string, name: string, days: number): Promise<void> {
  return call('snooze_secret', { env, name, days });
}

/** Sets a secret's own interval (0 = never, null = the preset's) and hard expiry. */
export function setRotationPolicy(request: RotationPolicyRequest): Promise<void> {
  return call('set_rotation_policy', { request });
}

/** Rust opens a native folder dialog; `null` when the user cancelled. */
export function chooseProjectFolder(): Promise<string | null> {
  return call('choose_project_folder');
}

/**
 * Opens the project at or above `path` (a folder, or its latchkey.toml), remembers it, compares it
 * with the vault. Rejects with code `no_project` (none there or above) or `project` (a file not usable).
 */
export function openProject(path: string): Promise<ProjectView> {
  return call('open_project', { path });
}

/** The projects opened last, newest first (no unlock needed). */
export function recentProjects(): Promise<RecentProject[]> {
  return call('recent_projects');
}

/** Takes a project (its file, as recentProjects gives it) off the recent list; answers the rest. */
export function forgetProject(path: string): Promise<RecentProject[]> {
  return call('forget_project', { path });
}

// Tauri's unlisten functions are async underneath: never let one reject unhandled (the
// window may already be going away when a component stops listening).
function quiet(unlisten: UnlistenFn): UnlistenFn {
  return () => {
    try {
      const done: unknown = unlisten();
      if (done instanceof Promise) done.catch(() => {});
    } catch {
      // already gone
    }
  };
}

/** Calls `cb` with each payload of Rust's `event`, until unlistened. */
async function subscribe<T>(event: string, cb: (payload: T) => void): Promise<UnlistenFn> {
  try {
    return quiet(await listen<T>(event, (e) => cb(e.payload)));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `cb` whenever Rust locks the vault by itself. */
export function onVaultLocked(cb: () => void): Promise<UnlistenFn> {
  return subscribe(VAULT_LOCKED_EVENT, () => cb());
}

/** Calls `cb` whenever the tray menu's "Open Rotation" is clicked. */
export function onOpenRotation(cb: () => void): Promise<UnlistenFn> {
  return subscribe(OPEN_ROTATION_EVENT, () => cb());
}

/** Calls `cb` as a sweep reads files. */
export function onSweepProgress(cb: (progress: SweepProgress) => void): Promise<UnlistenFn> {
  return subscribe(SWEEP_PROGRESS_EVENT, cb);
}

/** Calls `cb` with each chunk of a launched agent's output (ANSI codes included, secrets masked). */
export function onAgentOutput(cb: (output: AgentOutput) => void): Promise<UnlistenFn> {
  return subscribe(AGENT_OUTPUT_EVENT, cb);
}

/** Calls `cb` when a launched agent ends (after its last output). */
export function onAgentExit(cb: (exit: AgentExit) => void): Promise<UnlistenFn> {
  return subscribe(AGENT_EXIT_EVENT, cb);
}

/**
 * Calls `cb` as each request of a brokered agent ends (names, never values; `problem` set
 * for a refused or failed one).
 */
export function onAgentRequest(cb: (request: AgentRequest) => void): Promise<UnlistenFn> {
  return subscribe(AGENT_REQUEST_EVENT, cb);
}

/**
 * Calls `cb` each time the window gains focus (the CLI may have changed the vault
 * meanwhile). Outside Tauri (a plain browser), falls back to the DOM's focus event.
 */
export async function onWindowFocus(cb: () => void): Promise<UnlistenFn> {
  let win;
  try {
    win = getCurrentWindow();
  } catch {
    const handler = () => cb();
    window.addEventListener('focus', handler);
    return () => window.removeEventListener('focus', handler);
  }
  try {
    return quiet(
      await win.onFocusChanged(({ payload: focused }) => {
        if (focused) cb();
      }),
    );
  } catch (e) {
    throw toIpcError(e);
  }
}
