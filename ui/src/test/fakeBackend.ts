// A stand-in for the Rust side, behind Tauri's own IPC mocks: it answers every latchkey
// command from in-memory state, records each call, can be told to fail the next call of a
// command, and emits events to the listeners the UI registered.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { AppStatus } from '../lib/bindings/AppStatus';
import type { EnvironmentInfo } from '../lib/bindings/EnvironmentInfo';
import type { IpcError } from '../lib/bindings/IpcError';
import type { Kind } from '../lib/bindings/Kind';
import type { SetVariableRequest } from '../lib/bindings/SetVariableRequest';
import type { Store } from '../lib/bindings/Store';
import type { VariableRow } from '../lib/bindings/VariableRow';

export type Call = { cmd: string; args: Record<string, unknown> };

export type SeedVariable = {
  name: string;
  value: string;
  kind?: Kind;
  store?: Store;
  provider?: string | null;
  notes?: string;
  updated?: string;
  status?: string | null;
};

type Entry = { row: VariableRow; value: string };

type TauriInternals = { runCallback: (id: number, data: unknown) => void };

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class FakeBackend {
  status: AppStatus = {
    initialized: true,
    unlocked: true,
    identity: 'keychain',
    keychainAvailable: true,
    dataDir: '/home/ada/.local/share/latchkey',
    autoLockMinutes: 15,
  };
  passphrase = 'correct horse battery staple';
  hideAfterMs = 30_000;
  clearAfterMs = 30_000;
  calls: Call[] = [];
  readonly envs = new Map<string, Map<string, Entry>>([['default', new Map()]]);
  private failures = new Map<string, unknown>();
  private listeners = new Map<string, number[]>();
  private pending = new Map<string, Promise<unknown>>();

  /** Starts answering IPC (and window metadata) for the current test. */
  install(): this {
    mockWindows('main');
    mockIPC((cmd, args) => this.handle(cmd, (args ?? {}) as Record<string, unknown>));
    return this;
  }

  with(status: Partial<AppStatus>): this {
    Object.assign(this.status, status);
    return this;
  }

  seed(env: string, vars: SeedVariable[]): this {
    const map = this.envs.get(env) ?? new Map<string, Entry>();
    this.envs.set(env, map);
    for (const v of vars) {
      const at = v.updated ?? new Date(Date.now() - 3 * 60_000).toISOString();
      map.set(v.name, {
        value: v.value,
        row: {
          name: v.name,
          kind: v.kind ?? 'secret',
          store: v.store ?? 'vault',
          provider: v.provider ?? null,
          notes: v.notes ?? '',
          created: at,
          updated: at,
          status: v.status ?? null,
        },
      });
    }
    return this;
  }

  /** The next call of `cmd` rejects with `error`. */
  failNext(cmd: string, error: unknown): this {
    this.failures.set(cmd, error);
    return this;
  }

  /** Calls of `cmd` wait for `gate` before answering. */
  hold(cmd: string, gate: Promise<unknown>): this {
    this.pending.set(cmd, gate);
    return this;
  }

  callsOf(cmd: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  /** What Rust's `app.emit(event, payload)` does. */
  emit(event: string, payload: unknown = null): void {
    const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
    for (const id of this.listeners.get(event) ?? []) internals.runCallback(id, { event, id, payload });
  }

  listening(event: string): boolean {
    return (this.listeners.get(event) ?? []).length > 0;
  }

  private async handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    if (cmd === 'plugin:event|listen') {
      const event = args.event as string;
      const id = args.handler as number;
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), id]);
      return id;
    }
    if (cmd === 'plugin:event|unlisten') {
      const event = args.event as string;
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((id) => id !== args.eventId),
      );
      return null;
    }
    this.calls.push({ cmd, args });
    const gate = this.pending.get(cmd);
    if (gate) await gate;
    if (this.failures.has(cmd)) {
      const error = this.failures.get(cmd);
      this.failures.delete(cmd);
      throw error;
    }
    return this.answer(cmd, args);
  }

  private unlockedVault(): void {
    if (!this.status.unlocked) throw this.error('locked', 'The vault is locked: unlock it to continue.');
  }

  private error(code: string, message: string): IpcError {
    return { code, message };
  }

  private env(name: unknown): Map<string, Entry> {
    const env = this.envs.get(name as string);
    if (!env) throw this.error('unknown_environment', `There is no environment ${String(name)}: create it first.`);
    return env;
  }

  private entry(env: unknown, name: unknown): Entry {
    const entry = this.env(env).get(name as string);
    if (!entry) throw this.error('not_found', `There is no ${String(name)} in ${String(env)}.`);
    return entry;
  }

  private answer(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'app_status':
        return { ...this.status };
      case 'create_vault': {
        const request = args.request as { passphrase: string | null };
        this.status.initialized = true;
        this.status.unlocked = true;
        this.status.identity = request.passphrase === null ? 'keychain' : 'passphrase';
        if (request.passphrase !== null) this.passphrase = request.passphrase;
        return { ...this.status };
      }
      case 'unlock':
        if (this.status.identity === 'passphrase' && args.passphrase !== this.passphrase) {
          throw this.error('wrong_passphrase', 'That passphrase does not open this vault: check it and try again.');
        }
        this.status.unlocked = true;
        return { ...this.status };
      case 'lock':
        this.status.unlocked = false;
        return { ...this.status };
      case 'set_auto_lock':
        this.status.autoLockMinutes = args.minutes as number;
        return { ...this.status };
      case 'activity':
        return null;
      case 'list_environments':
        this.unlockedVault();
        return [...this.envs].map(([name, vars]): EnvironmentInfo => ({ name, variables: vars.size }));
      case 'list_variables':
        this.unlockedVault();
        return [...this.env(args.env).values()]
          .map((e) => ({ ...e.row }))
          .sort((a, b) => a.name.localeCompare(b.name));
      case 'check_name': {
        const name = args.name as string;
        return VALID_NAME.test(name)
          ? { ok: true, message: null }
          : {
              ok: false,
              message: `${name} is not a valid name: use letters, digits and _, not starting with a digit.`,
            };
      }
      case 'set_variable': {
        this.unlockedVault();
        const r = args.request as SetVariableRequest;
        const env = this.env(r.env);
        const old = env.get(r.name);
        if (r.value === null && !old) throw this.error('not_found', `There is no ${r.name} in ${r.env}.`);
        const now = new Date().toISOString();
        const row: VariableRow = {
          name: r.name,
          kind: r.kind,
          store: r.store,
          provider: r.provider,
          notes: r.notes ?? '',
          created: old?.row.created ?? now,
          updated: now,
          status: null,
        };
        env.set(r.name, { row, value: r.value ?? old!.value });
        return { ...row };
      }
      case 'delete_variable':
        this.unlockedVault();
        this.entry(args.env, args.name);
        this.env(args.env).delete(args.name as string);
        return null;
      case 'reveal_value':
        this.unlockedVault();
        return { value: this.entry(args.env, args.name).value, hideAfterMs: this.hideAfterMs };
      case 'copy_value':
        this.unlockedVault();
        this.entry(args.env, args.name);
        return { clearAfterMs: this.clearAfterMs };
      default:
        throw `command ${cmd} not found`;
    }
  }
}
