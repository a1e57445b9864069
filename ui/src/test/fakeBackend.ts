// A stand-in for the Rust side, behind Tauri's own IPC mocks: it answers every latchkey
// command from in-memory state, records each call, can be told to fail the next call of a
// command, and emits events to the listeners the UI registered. Its answers follow the
// Rust commands (src-tauri/src/commands) and core: the same shapes, codes, messages and
// rules (the key checks are fakeChecks.ts, the small rules fakeRules.ts). The scenario
// test (fakeBackend.scenarios.test.ts) runs scenarios recorded from the real commands
// against it, so it cannot drift from Rust unseen.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { ActivityEntry } from '../lib/bindings/ActivityEntry';
import type { AgentExit } from '../lib/bindings/AgentExit';
import type { AgentOutput } from '../lib/bindings/AgentOutput';
import type { AgentRequest } from '../lib/bindings/AgentRequest';
import type { AgentRun } from '../lib/bindings/AgentRun';
import type { AgentStream } from '../lib/bindings/AgentStream';
import type { AppStatus } from '../lib/bindings/AppStatus';
import type { CheckInfo } from '../lib/bindings/CheckInfo';
import type { DeclaredInfo } from '../lib/bindings/DeclaredInfo';
import type { ExportInfo } from '../lib/bindings/ExportInfo';
import type { Kind } from '../lib/bindings/Kind';
import type { OnlineStatus } from '../lib/bindings/OnlineStatus';
import type { ProfileInfo } from '../lib/bindings/ProfileInfo';
import type { Store } from '../lib/bindings/Store';
import type { ValueCheck } from '../lib/bindings/ValueCheck';
import type { VariableRow } from '../lib/bindings/VariableRow';
import { AGENT_EXIT_EVENT, AGENT_OUTPUT_EVENT, AGENT_REQUEST_EVENT } from '../lib/bindings/events';
import { fakeCheck, type ConfigLookup } from './fakeChecks';
import { DotenvSyntaxError, parseDotenv, type DotenvEntry } from './fakeDotenv';
import { answer } from './fakeCommands';
import { byName, ipcError, slugError, variableNameError } from './fakeRules';

export type Call = { cmd: string; args: Record<string, unknown> };

export type SeedVariable = {
  name: string;
  value: string;
  kind?: Kind;
  store?: Store;
  provider?: string | null;
  notes?: string;
  updated?: string;
  /** The latest check; missing fields get defaults (format ok, checked when updated). */
  check?: Partial<CheckInfo> | null;
};

/** What a provider answers in verify_variables. */
export type Verdict = { online: OnlineStatus; status: number | null; message: string };

/** One line of a .env file on the fake disk. */
export type FileEntry = DotenvEntry;

/** A secret's rotation settings and previous values (what Rust keeps in the vault). */
export type RotationMeta = {
  /** Its own interval: 0 for never, null for the preset's. */
  everyDays: number | null;
  /** A hard expiry, YYYY-MM-DD. */
  expires: string | null;
  snoozedUntil: string | null;
  /** The previous values, oldest first (at most HISTORY_LEN). */
  history: string[];
  /** When its value last changed; null for "when it was created". */
  rotated: string | null;
};

export type Entry = { row: VariableRow; value: string; meta: RotationMeta };

/** A variable as an environment sees it, and the environment that defines it. */
export type Resolved = { entry: Entry; from: string };

/**
 * A variable a project file declares, as core reads it: what the app is told
 * (DeclaredInfo), and the config values the file gives (never a secret's).
 */
export type FakeDeclared = DeclaredInfo & {
  /** Config only: the value when the vault has none. */
  default: string | null;
  /** Config only: the value per environment, over the default. */
  values: Record<string, string>;
};

/**
 * A latchkey.toml on the fake disk, as core's Project reads it: the fake parses no TOML,
 * it is told what the file declares (or why core refuses it).
 */
export type FakeProject = {
  name: string | null;
  defaultEnv: string;
  /** The other environments it uses (`[project] envs`). */
  envs: string[];
  vars: FakeDeclared[];
  /** What the catalog finds wrong in it (Project::problems: an unknown provider). */
  problems: string[];
  /** Why core refuses the file (a ProjectError's message: invalid, untrusted, a secret in it), if it does. */
  refused: string | null;
};

/** A run launch_agent started, until agentExit. */
export type RunningAgent = AgentRun & { env: string; vars: string[]; grant: ActivityEntry | null };

type TauriInternals = { runCallback: (id: number, data: unknown) => void };

/** How many previous values a secret keeps (core's HISTORY_LEN). */
export const HISTORY_LEN = 5;

export class FakeBackend {
  status: AppStatus = {
    initialized: true,
    unlocked: true,
    identity: 'keychain',
    keychainAvailable: true,
    identityMovable: true,
    dataDir: '/home/ada/.local/share/latchkey',
    autoLockMinutes: 15,
  };
  passphrase = 'correct horse battery staple';
  hideAfterMs = 30_000;
  clearAfterMs = 30_000;
  /** What the providers answer in verify_variables, by variable name. */
  readonly verdicts = new Map<string, Verdict>();
  calls: Call[] = [];
  readonly envs = new Map<string, Map<string, Entry>>([['default', new Map()]]);
  /** The environment each one extends. */
  readonly bases = new Map<string, string>();
  /** The files on the fake disk, by path: .env text, or its entries. */
  readonly files = new Map<string, string | FileEntry[]>();
  /** What the native dialogs answer: a path, or null for Cancel. */
  importChoice: string | null = null;
  exportChoice: string | null = null;
  /** Paths in a git work tree that git does not ignore. */
  readonly tracked = new Set<string>();
  /** The recorded exports. */
  exports: ExportInfo[] = [];
  /** The secrets a sweep found outside the vault, by `env/NAME` (core's leaks.toml). */
  readonly leaks = new Map<string, { places: string[]; found: string }>();
  /** The agent profiles, by name. */
  readonly profiles = new Map<string, ProfileInfo>();
  /** The activity (audit) log as Rust lists it, oldest first: exits folded into their grants. */
  activityLog: ActivityEntry[] = [];
  /** Why the audit log refuses to record, when it does: every access then carries an auditWarning. */
  auditFailure: string | null = null;
  /** What the next launches say before their output (notices, variables withheld). */
  launchNotes: { notices: string[]; withheld: string[] } = { notices: [], withheld: [] };
  /**
   * Why a sandbox cannot start on this machine (core's SandboxError: no bubblewrap, no
   * user namespaces, a kernel without Landlock network rules under strict), if so:
   * launching a sandboxed profile is then `launch` with it.
   */
  sandboxFailure: string | null = null;
  /** How many paths a sandbox hides (Rust counts those that exist on the machine), for a sandboxed grant's rules. */
  sandboxHidden = 0;
  /** The project files on the fake disk, by path (…/latchkey.toml). */
  readonly projects = new Map<string, FakeProject>();
  /** Folders on the fake disk besides those above a project file (one with no project in it). */
  readonly folders = new Set<string>();
  /** The recent projects list (projects.toml in the data directory): project files, newest first. */
  recent: string[] = [];
  /** What the native folder dialog answers: a path, or null for Cancel. */
  projectChoice: string | null = null;
  /** The app's current directory, where a profile without a directory runs. */
  currentDir = '/home/ada';
  /** Programs that are not on PATH: launching one is `program_not_found`. */
  readonly missingPrograms = new Set<string>();
  /** The agents launch_agent started, by run id, until agentExit. */
  readonly running = new Map<number, RunningAgent>();
  nextRun = 1;
  nextPid = 4242;
  #seq = 0;
  #failures = new Map<string, unknown>();
  #listeners = new Map<string, number[]>();
  #pending = new Map<string, Promise<unknown>>();

  /** A machine with no vault yet, as Rust starts: what the scenarios begin from. */
  static fresh(): FakeBackend {
    return new FakeBackend().with({ initialized: false, unlocked: false, identity: null, identityMovable: false, autoLockMinutes: 10 });
  }

  /** Starts answering IPC (and window metadata) for the current test. */
  install(): this {
    mockWindows('main');
    mockIPC((cmd, args) => this.command(cmd, (args ?? {}) as Record<string, unknown>));
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
        meta: { everyDays: null, expires: null, snoozedUntil: null, history: [], rotated: null },
        row: {
          name: v.name,
          kind: v.kind ?? 'secret',
          store: v.store ?? 'vault',
          provider: v.provider ?? null,
          notes: v.notes ?? '',
          created: at,
          updated: at,
          check: v.check
            ? {
                provider: v.provider ?? null,
                format: 'ok',
                problems: [],
                refused: false,
                checked: at,
                online: null,
                onlineStatus: null,
                onlineAt: null,
                ...v.check,
              }
            : null,
          inheritedFrom: null,
        },
      });
    }
    return this;
  }

  /** Makes `env` (created if needed) extend `base`. */
  extending(env: string, base: string): this {
    if (!this.envs.has(env)) this.envs.set(env, new Map());
    this.bases.set(env, base);
    return this;
  }

  /** Puts a .env file on the fake disk: its text, or its entries. */
  file(path: string, content: string | FileEntry[]): this {
    this.files.set(path, content);
    return this;
  }

  /** Records an export, as if written earlier (`state` defaults to current). */
  exported(info: Partial<ExportInfo> & { path: string }): this {
    this.exports.push({ env: 'default', format: 'dotenv', only: null, names: [], at: new Date().toISOString(), state: 'current', auditWarning: null, ...info });
    return this;
  }

  /** Saves an agent profile, as if created earlier. */
  profile(p: Partial<ProfileInfo> & { name: string }): this {
    this.profiles.set(p.name, { env: 'default', vars: [], command: null, cwd: null, broker: null, sandbox: null, inherit: [], ...p });
    return this;
  }

  /**
   * Puts `root`/latchkey.toml on the fake disk. Variables default as the file's do: a
   * secret, required, no provider, no description, no value.
   */
  project(root: string, p: Partial<Omit<FakeProject, 'vars'>> & { vars?: (Partial<FakeDeclared> & { name: string })[] } = {}): this {
    const vars = (p.vars ?? []).map(
      (v): FakeDeclared => ({ kind: 'secret', provider: null, required: true, description: null, default: null, values: {}, ...v }),
    );
    this.projects.set(`${root}/latchkey.toml`, { name: null, defaultEnv: 'default', envs: [], problems: [], refused: null, ...p, vars });
    return this;
  }

  /** Fills the recent projects list (project files, newest first), as if opened earlier. */
  opened(...paths: string[]): this {
    this.recent = [...paths];
    return this;
  }

  /** Appends an activity entry (`at` defaults to now). */
  logged(e: Partial<ActivityEntry> & Pick<ActivityEntry, 'access'>): this {
    this.record(e);
    return this;
  }

  /** Sets `name`'s rotation settings in `env` (`versions`: how many previous values it keeps). */
  rotation(env: string, name: string, meta: Partial<RotationMeta> & { versions?: number }): this {
    const entry = this.envs.get(env)?.get(name);
    if (!entry) throw new Error(`seed ${name} in ${env} first`);
    const { versions, ...rest } = meta;
    Object.assign(entry.meta, rest);
    if (versions !== undefined) entry.meta.history = Array.from({ length: versions }, (_, i) => `previous-value-${i}`);
    return this;
  }

  /** What the agent of run `id` prints (`agent-output`). */
  agentOutput(id: number, text: string, stream: AgentStream = 'stdout'): void {
    const payload: AgentOutput = { id, stream, text };
    this.emit(AGENT_OUTPUT_EVENT, payload);
  }

  /**
   * A request of brokered run `id` ended (`agent-request`). Like core's recorder, it goes
   * to the audit log beside the run's grant (when that was recorded): `refused` for a
   * refusal (403 or 407 with a problem), `request` for any other.
   */
  agentRequest(id: number, r: Partial<Omit<AgentRequest, 'id'>> = {}): AgentRequest {
    const payload: AgentRequest = {
      id,
      at: new Date().toISOString(),
      names: [],
      method: 'GET',
      host: 'api.openai.com',
      path: '/v1/models',
      status: 200,
      sent: 0,
      received: 0,
      problem: null,
      ...r,
    };
    const run = this.running.get(id);
    if (run?.grant) {
      this.record({
        access: payload.problem !== null && (payload.status === 403 || payload.status === 407) ? 'refused' : 'request',
        profile: run.profile,
        env: run.env,
        names: [...payload.names],
        path: payload.path,
        method: payload.method,
        host: payload.host,
        status: payload.status,
        reason: payload.problem,
      });
    }
    this.emit(AGENT_REQUEST_EVENT, payload);
    return payload;
  }

  /** Run `id` ends (`agent-exit`); like Rust, its exit entry is folded into its grant. */
  agentExit(id: number, code: number, durationMs = 1_500): void {
    const run = this.running.get(id);
    this.running.delete(id);
    let auditWarning: string | null = null;
    if (run && this.auditFailure) {
      auditWarning = `its end was not recorded in the audit log: ${this.auditFailure}`;
    } else if (run) {
      this.#seq++; // the exit entry's place in the log
      if (run.grant) Object.assign(run.grant, { exitCode: code, durationMs });
    }
    const payload: AgentExit = { id, code, durationMs, auditWarning };
    this.emit(AGENT_EXIT_EVENT, payload);
  }

  /** verify_variables says `verdict` about `name` from now on. */
  verdict(name: string, online: OnlineStatus, message: string, status: number | null = null): this {
    this.verdicts.set(name, { online, status, message });
    return this;
  }

  /** The next call of `cmd` rejects with `error`. */
  failNext(cmd: string, error: unknown): this {
    this.#failures.set(cmd, error);
    return this;
  }

  /** Calls of `cmd` wait for `gate` before answering. */
  hold(cmd: string, gate: Promise<unknown>): this {
    this.#pending.set(cmd, gate);
    return this;
  }

  callsOf(cmd: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  /** What Rust's `app.emit(event, payload)` does. */
  emit(event: string, payload: unknown = null): void {
    const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
    for (const id of this.#listeners.get(event) ?? []) internals.runCallback(id, { event, id, payload });
  }

  listening(event: string): boolean {
    return (this.#listeners.get(event) ?? []).length > 0;
  }

  /** Answers one command as the Rust side would: its value, or a rejection with an IpcError. */
  async command(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    if (cmd === 'plugin:event|listen') {
      const event = args.event as string;
      const id = args.handler as number;
      this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), id]);
      return id;
    }
    if (cmd === 'plugin:event|unlisten') {
      const event = args.event as string;
      this.#listeners.set(
        event,
        (this.#listeners.get(event) ?? []).filter((id) => id !== args.eventId),
      );
      return null;
    }
    this.calls.push({ cmd, args });
    const gate = this.#pending.get(cmd);
    if (gate) await gate;
    if (this.#failures.has(cmd)) {
      const error = this.#failures.get(cmd);
      this.#failures.delete(cmd);
      throw error;
    }
    return answer(this, cmd, args);
  }

  // The helpers the commands share (fakeCommands.ts), named after what Rust does.

  /** AppState::with_vault's gate. */
  unlockedVault(): void {
    if (!this.status.unlocked) throw ipcError('locked', 'The vault is locked: unlock it to continue.');
  }

  /** A variable name as the command parses it (`invalid_name`). */
  varName(name: unknown): string {
    const error = variableNameError(String(name));
    if (error) throw ipcError('invalid_name', error);
    return String(name);
  }

  /** An environment name as the command parses it (`invalid_name`). */
  envName(name: unknown): string {
    const error = slugError(String(name), 'environment');
    if (error) throw ipcError('invalid_name', error);
    return String(name);
  }

  profileName(name: unknown): string {
    const error = slugError(String(name), 'profile');
    if (error) throw ipcError('invalid_name', error);
    return String(name);
  }

  unknownEnvironment(name: string, code: 'unknown_environment' | 'vault' | 'io' = 'unknown_environment') {
    return ipcError(code, `no environment named \`${name}\`: \`latchkey env list\` shows them, \`latchkey env add ${name}\` creates it`);
  }

  /** The variables `name` defines itself. */
  env(name: string, code?: 'unknown_environment' | 'vault' | 'io'): Map<string, Entry> {
    const env = this.envs.get(name);
    if (!env) throw this.unknownEnvironment(name, code);
    return env;
  }

  /** What `env` sees, sorted by name: its own variables, then those it inherits, the nearest first. */
  resolved(env: string, code?: 'unknown_environment' | 'vault' | 'io'): Map<string, Resolved> {
    this.env(env, code);
    const seen = new Map<string, Resolved>();
    for (let name: string | undefined = env; name !== undefined; name = this.bases.get(name)) {
      for (const [key, entry] of this.env(name)) if (!seen.has(key)) seen.set(key, { entry, from: name });
    }
    return new Map([...seen.values()].sort((a, b) => byName(a.entry.row, b.entry.row)).map((r) => [r.entry.row.name, r]));
  }

  /** The variable as `env` sees it (vault.get): GetError::NotFound when it sees none. */
  found(env: string, name: string): Resolved {
    const entry = this.resolved(env).get(name);
    if (!entry) throw this.notFound(env, name);
    return entry;
  }

  notFound(env: string, name: string, nothing: 'shows' | 'changed' | 'removed' = 'shows'): ReturnType<typeof ipcError> {
    const what =
      nothing === 'shows' ? `\`latchkey list --env ${env}\` shows what there is` : nothing === 'changed' ? 'nothing was changed' : 'nothing was removed';
    return ipcError('not_found', `no variable \`${name}\` in environment \`${env}\`: ${what}`);
  }

  /** The config values `env` sees, for base URLs (core's config_lookup). */
  configOf(env: string): ConfigLookup {
    return (name) => {
      const found = this.resolved(env).get(name)?.entry;
      return found && found.row.store === 'vault' ? found.value : null;
    };
  }

  /** A .env file on the fake disk, as core's import::read_env_file reads it (`io`, `invalid_file`). */
  readDotenv(path: string): DotenvEntry[] {
    const content = this.files.get(path);
    if (content === undefined) {
      throw ipcError('io', `cannot read ${path}: No such file or directory (os error 2)`);
    }
    if (typeof content !== 'string') return content;
    try {
      return parseDotenv(content);
    } catch (e) {
      if (e instanceof DotenvSyntaxError) throw ipcError('invalid_file', `${path}: ${e.message}`);
      throw e;
    }
  }

  /** Appends an audit entry, unless the log refuses: then why, as Rust words it. */
  record(e: Partial<ActivityEntry> & Pick<ActivityEntry, 'access'>): ActivityEntry {
    const entry: ActivityEntry = {
      seq: ++this.#seq,
      at: new Date().toISOString(),
      profile: null,
      program: null,
      env: 'default',
      names: [],
      exitCode: null,
      durationMs: null,
      path: null,
      method: null,
      host: null,
      status: null,
      reason: null,
      sandbox: null,
      ...e,
    };
    this.activityLog.push(entry);
    return entry;
  }

  /** Records a reveal or copy; the auditWarning Rust answers when it could not. */
  recordAccess(access: 'reveal' | 'copy' | 'rotate' | 'rollback', env: string, name: string): string | null {
    if (this.auditFailure) return `The ${access} was not recorded in the audit log: ${this.auditFailure}.`;
    this.record({ access, env, names: [name] });
    return null;
  }

  /** The exports that held `name` as `env` defines it are stale once its value changed. */
  changed(env: string, name: string): void {
    for (const e of this.exports) {
      if (e.state === 'current' && e.names.includes(name) && this.envs.has(e.env) && this.resolved(e.env).get(name)?.from === env) {
        e.state = 'stale';
      }
    }
  }

  /** A value checked as if stored under `name` in `env`. */
  check(env: string, name: string, kind: Kind, value: string): ValueCheck {
    return fakeCheck(name, kind, value, this.configOf(env));
  }

  /** What the provider says about a key (verify::prepare and the request): nothing for config and keys that cannot work. */
  verdictFor(entry: Entry, check: ValueCheck): Verdict | null {
    if (entry.row.kind !== 'secret' || check.provider === null) return null;
    if (check.problems.some((p) => p.code === 'placeholder' || p.code === 'checksum')) return null;
    const told = this.verdicts.get(entry.row.name);
    if (told) return told;
    return { online: 'valid', status: 200, message: `${check.providerName ?? check.provider} accepted the key` };
  }
}
