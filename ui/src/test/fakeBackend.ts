// A stand-in for the Rust side, behind Tauri's own IPC mocks: it answers every latchkey
// command from in-memory state, records each call, can be told to fail the next call of a
// command, and emits events to the listeners the UI registered. Its key checks are a
// small imitation of Rust's (see fakeCheck): enough to drive every badge and message.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { ActivityEntry } from '../lib/bindings/ActivityEntry';
import type { AgentExit } from '../lib/bindings/AgentExit';
import type { AgentOutput } from '../lib/bindings/AgentOutput';
import type { AgentRun } from '../lib/bindings/AgentRun';
import type { AppStatus } from '../lib/bindings/AppStatus';
import type { CheckInfo } from '../lib/bindings/CheckInfo';
import type { CheckValueRequest } from '../lib/bindings/CheckValueRequest';
import type { Comparison } from '../lib/bindings/Comparison';
import type { EnvironmentInfo } from '../lib/bindings/EnvironmentInfo';
import type { ExportFileRequest } from '../lib/bindings/ExportFileRequest';
import type { ExportInfo } from '../lib/bindings/ExportInfo';
import type { ImportRequest } from '../lib/bindings/ImportRequest';
import type { ImportRow } from '../lib/bindings/ImportRow';
import type { IpcError } from '../lib/bindings/IpcError';
import type { Kind } from '../lib/bindings/Kind';
import type { OnlineStatus } from '../lib/bindings/OnlineStatus';
import type { ProblemInfo } from '../lib/bindings/ProblemInfo';
import type { ProfileInfo } from '../lib/bindings/ProfileInfo';
import type { RotateRequest } from '../lib/bindings/RotateRequest';
import type { RotateResult } from '../lib/bindings/RotateResult';
import type { RotationPolicyRequest } from '../lib/bindings/RotationPolicyRequest';
import type { RotationRow } from '../lib/bindings/RotationRow';
import type { SaveProfileRequest } from '../lib/bindings/SaveProfileRequest';
import type { SetVariableRequest } from '../lib/bindings/SetVariableRequest';
import type { Store } from '../lib/bindings/Store';
import type { ValueCheck } from '../lib/bindings/ValueCheck';
import type { VariableRow } from '../lib/bindings/VariableRow';
import type { VerifyResult } from '../lib/bindings/VerifyResult';
import { REFUSING_PROBLEMS, trimValue, withArticle } from '../lib/checks';

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
export type FileEntry = { name: string; value: string };

type Entry = { row: VariableRow; value: string };

/** A secret's rotation settings and previous values (what Rust keeps in the vault). */
export type RotationMeta = {
  /** Its own interval: 0 for never, null for the preset's. */
  everyDays: number | null;
  /** A hard expiry, YYYY-MM-DD. */
  expires: string | null;
  snoozedUntil: string | null;
  /** The previous values, oldest first. */
  history: string[];
};

type TauriInternals = { runCallback: (id: number, data: unknown) => void };

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VALID_ENV = /^[a-z0-9][a-z0-9_-]*$/;
const VALID_PROFILE = VALID_ENV;
/** The fake's imitation of latchkey_core::import::classify. */
const SECRET_WORDS = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/;

const PROVIDERS = [
  { id: 'anthropic', name: 'Anthropic', prefix: 'sk-ant-', names: /^ANTHROPIC_/ },
  { id: 'openai', name: 'OpenAI', prefix: 'sk-', names: /^OPENAI_/ },
  { id: 'github', name: 'GitHub', prefix: 'ghp_', names: /^(GITHUB|GH)_/ },
  { id: 'huggingface', name: 'Hugging Face', prefix: 'hf_', names: /^(HF|HUGGINGFACE)_/ },
];
/** Where each provider issues keys (Rust's catalog). */
const KEYS_PAGES: Record<string, string> = {
  anthropic: 'https://console.anthropic.com/settings/keys',
  openai: 'https://platform.openai.com/api-keys',
  github: 'https://github.com/settings/tokens',
  huggingface: 'https://huggingface.co/settings/tokens',
};
/** The presets' intervals in days, by class of secret. */
const PRESETS: Record<string, Record<string, number>> = {
  standard: { 'api key': 90, token: 90, 'database password': 180, 'webhook secret': 365 },
  strict: { 'api key': 30, token: 30, 'database password': 90, 'webhook secret': 180 },
};
/** How many days before its date a secret is "due soon". */
const DUE_SOON_DAYS = 14;
const DAY_MS = 24 * 60 * 60_000;
const MIN_LEN = 10;
const PLACEHOLDER = /your|xxxx|example|changeme|^<.*>$|\.\.\./i;
/** The fake's checksum: GitHub tokens ending in "0000" fail it. */
const BAD_CHECKSUM = /^ghp_.*0000$/;

/** Rust sorts problems by code, in this order. */
const ORDER = [
  'too_short',
  'placeholder',
  'checksum',
  'whitespace',
  'non_printable',
  'low_entropy',
  'provider_mismatch',
  'format',
  'insecure_scheme',
  'credentials_in_url',
  'host_not_allowed',
  'lookalike_host',
  'invalid_url',
];

function problem(code: string, message: string): ProblemInfo {
  return { code, message };
}

/** A small imitation of Rust's format checks (latchkey_core::validate::check). */
export function fakeCheck(name: string, kind: Kind, raw: string): ValueCheck {
  const problems: ProblemInfo[] = [];
  const value = trimValue(raw);
  const suggested = PROVIDERS.find((p) => p.names.test(name)) ?? null;
  let provider: (typeof PROVIDERS)[number] | null = null;
  if (/_(BASE_URL|ENDPOINT|API_BASE)$/.test(name)) {
    provider = suggested;
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      problems.push(problem('invalid_url', 'this is not a URL: enter the whole address, starting with https://'));
    }
    if (url?.protocol === 'http:' && !['localhost', '127.0.0.1'].includes(url.hostname)) {
      problems.push(problem('insecure_scheme', 'the URL uses http: keys sent there can be read on the way; use https'));
    }
    if (url && (url.username || url.password)) {
      problems.push(problem('credentials_in_url', 'the URL holds a user name or password: keep them out of it'));
    }
  } else if (kind === 'secret') {
    if (value.length !== raw.length) {
      problems.push(problem('whitespace', 'the value has surrounding whitespace, quotes or a newline: store it trimmed'));
    }
    if (value.length < MIN_LEN) {
      problems.push(problem('too_short', `the value is shorter than ${MIN_LEN} characters: paste the whole key`));
    }
    const matched = PROVIDERS.find((p) => value.startsWith(p.prefix)) ?? null;
    provider = matched ?? suggested;
    if (matched && suggested && matched.id !== suggested.id) {
      problems.push(
        problem(
          'provider_mismatch',
          `this looks like a ${matched.name} key, but ${name} is where ${suggested.name} keys go: check that it was pasted into the right variable`,
        ),
      );
    }
    if (matched && BAD_CHECKSUM.test(value)) {
      problems.push(
        problem(
          'checksum',
          `the checksum of this ${matched.name} key is wrong: it was mistyped, truncated or copied from an example; copy it again`,
        ),
      );
    }
    if (!matched && suggested) {
      problems.push(
        problem('format', `this does not have the shape of a ${suggested.name} key: check it is complete and for ${suggested.name}`),
      );
    }
    if (PLACEHOLDER.test(value)) {
      problems.push(problem('placeholder', 'this is a placeholder or an example, not a real key: paste the key itself'));
    }
  }
  problems.sort((a, b) => ORDER.indexOf(a.code) - ORDER.indexOf(b.code));
  return {
    provider: provider?.id ?? null,
    providerName: provider?.name ?? null,
    format: problems.length > 0 ? 'invalid' : provider ? 'ok' : 'unknown',
    problems,
    refused: problems.some((p) => REFUSING_PROBLEMS.has(p.code)),
  };
}

function checkInfo(check: ValueCheck, at: string): CheckInfo {
  return {
    provider: check.provider,
    format: check.format,
    problems: check.problems.map((p) => p.code),
    checked: at,
    online: null,
    onlineStatus: null,
    onlineAt: null,
  };
}

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
  /** What the providers answer in verify_variables, by variable name. */
  readonly verdicts = new Map<string, Verdict>();
  calls: Call[] = [];
  readonly envs = new Map<string, Map<string, Entry>>([['default', new Map()]]);
  /** The environment each one extends. */
  readonly bases = new Map<string, string>();
  /** The .env files on the fake disk, by path. */
  readonly files = new Map<string, FileEntry[]>();
  /** What the native dialogs answer: a path, or null for Cancel. */
  importChoice: string | null = null;
  exportChoice: string | null = null;
  /** Paths in a git work tree that git does not ignore. */
  readonly tracked = new Set<string>();
  /** The recorded exports. */
  exports: ExportInfo[] = [];
  /** The agent profiles, by name. */
  readonly profiles = new Map<string, ProfileInfo>();
  /** The activity (audit) log, oldest first (list_activity answers newest first). */
  activityLog: ActivityEntry[] = [];
  /** Rotation settings and previous values, by `env/name`. */
  readonly rotations = new Map<string, RotationMeta>();
  /** The agents launch_agent started, by run id, until agentExit. */
  readonly running = new Map<number, AgentRun & { env: string; vars: string[] }>();
  private nextRun = 1;
  private nextPid = 4242;
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
          check: v.check
            ? {
                provider: v.provider ?? null,
                format: 'ok',
                problems: [],
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

  /** Puts a .env file on the fake disk. */
  file(path: string, entries: FileEntry[]): this {
    this.files.set(path, entries);
    return this;
  }

  /** Records an export, as if written earlier (`state` defaults to current). */
  exported(info: Partial<ExportInfo> & { path: string }): this {
    this.exports.push({ env: 'default', format: 'dotenv', only: null, names: [], at: new Date().toISOString(), state: 'current', ...info });
    return this;
  }

  /** Saves an agent profile, as if created earlier. */
  profile(p: Partial<ProfileInfo> & { name: string }): this {
    this.profiles.set(p.name, { env: 'default', vars: [], command: null, cwd: null, ...p });
    return this;
  }

  /** Appends an activity entry (`at` defaults to now). */
  logged(e: Partial<ActivityEntry> & { access: string }): this {
    this.activityLog.push({
      seq: this.activityLog.length + 1,
      at: new Date().toISOString(),
      profile: null,
      program: null,
      env: 'default',
      names: [],
      exitCode: null,
      durationMs: null,
      path: null,
      ...e,
    });
    return this;
  }

  /** Sets `name`'s rotation settings in `env` (and how many previous values it keeps). */
  rotation(env: string, name: string, meta: Partial<RotationMeta> & { versions?: number }): this {
    const current = this.rotationOf(env, name);
    const { versions, ...rest } = meta;
    Object.assign(current, rest);
    if (versions !== undefined) current.history = Array.from({ length: versions }, (_, i) => `previous-value-${i}`);
    return this;
  }

  /** What the agent of run `id` prints (`agent-output`). */
  agentOutput(id: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const payload: AgentOutput = { id, stream, text };
    this.emit('agent-output', payload);
  }

  /** Run `id` ends (`agent-exit`); like Rust, the grant goes to the activity log. */
  agentExit(id: number, code: number, durationMs = 1_500): void {
    const run = this.running.get(id);
    this.running.delete(id);
    if (run) {
      this.logged({
        access: 'grant',
        profile: run.profile,
        program: run.command.split(' ')[0],
        env: run.env,
        names: [...run.vars],
        exitCode: code,
        durationMs,
      });
    }
    const payload: AgentExit = { id, code, durationMs };
    this.emit('agent-exit', payload);
  }

  /** verify_variables says `verdict` about `name` from now on. */
  verdict(name: string, online: OnlineStatus, message: string, status: number | null = null): this {
    this.verdicts.set(name, { online, status, message });
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

  /** What `env` sees: its own variables, then those it inherits, the nearest first. */
  private resolved(env: unknown): Map<string, Entry & { from: string }> {
    const seen = new Map<string, Entry & { from: string }>();
    let name: string | undefined = env as string;
    this.env(name);
    while (name !== undefined) {
      for (const [key, entry] of this.env(name)) if (!seen.has(key)) seen.set(key, { ...entry, from: name });
      name = this.bases.get(name);
    }
    return seen;
  }

  private found(env: unknown, name: unknown): Entry {
    const entry = this.resolved(env).get(name as string);
    if (!entry) throw this.error('not_found', `There is no ${String(name)} in ${String(env)}.`);
    return entry;
  }

  private environments(): EnvironmentInfo[] {
    return [...this.envs.keys()]
      .sort()
      .map((name) => ({ name, variables: this.envs.get(name)!.size, extends: this.bases.get(name) ?? null }));
  }

  private envName(name: unknown): string {
    const n = String(name);
    if (!VALID_ENV.test(n) || n.length > 128) {
      throw this.error(
        'invalid_name',
        `environment name \`${n}\` is not valid: use lowercase letters, digits, \`-\` and \`_\`, starting with a letter or digit (like prod)`,
      );
    }
    return n;
  }

  private profileName(name: unknown): string {
    const n = String(name);
    if (!VALID_PROFILE.test(n) || n.length > 128) {
      throw this.error(
        'invalid_name',
        `invalid profile name \`${n}\`: use lowercase letters, digits, \`-\` and \`_\`, starting with a letter or digit (like coder)`,
      );
    }
    return n;
  }

  private rotationOf(env: string, name: string): RotationMeta {
    const key = `${env}/${name}`;
    let meta = this.rotations.get(key);
    if (!meta) {
      meta = { everyDays: null, expires: null, snoozedUntil: null, history: [] };
      this.rotations.set(key, meta);
    }
    return meta;
  }

  /** The fake's imitation of latchkey_core::rotation: schedules from the last change. */
  private rotationRows(env: string, preset: string): RotationRow[] {
    const now = Date.now();
    return [...this.resolved(this.envName(env)).values()]
      .filter((e) => e.row.kind === 'secret')
      .sort((a, b) => a.row.name.localeCompare(b.row.name))
      .map((e): RotationRow => {
        const name = e.row.name;
        const meta = this.rotationOf(env, name);
        const cls = /PASSWORD|PASSWD/.test(name) ? 'database password' : /WEBHOOK/.test(name) ? 'webhook secret' : /TOKEN/.test(name) ? 'token' : 'api key';
        const interval = meta.everyDays ?? (PRESETS[preset] ?? PRESETS.standard)[cls];
        const provider = e.row.provider ?? fakeCheck(name, 'secret', e.value).provider;
        const due = interval > 0 ? Date.parse(e.row.updated) + interval * DAY_MS : null;
        const expires = meta.expires ? Date.parse(`${meta.expires}T00:00:00Z`) : null;
        const soonest = Math.min(due ?? Infinity, expires ?? Infinity);
        const status =
          expires !== null && expires <= now
            ? 'expired'
            : due !== null && due <= now
              ? 'overdue'
              : soonest - now <= DUE_SOON_DAYS * DAY_MS
                ? 'due_soon'
                : due === null && expires === null
                  ? 'no_policy'
                  : 'ok';
        return {
          name,
          provider,
          keysPage: provider ? (KEYS_PAGES[provider] ?? null) : null,
          class: cls,
          status,
          intervalDays: interval > 0 ? interval : null,
          rotated: e.row.updated,
          due: due === null ? null : new Date(due).toISOString(),
          expires: meta.expires,
          snoozedUntil: meta.snoozedUntil,
          versions: meta.history.length,
        };
      });
  }

  private profileList(): ProfileInfo[] {
    return [...this.profiles.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({ ...p, vars: [...p.vars] }));
  }

  private planImport(r: ImportRequest): { rows: ImportRow[]; entries: FileEntry[] } {
    const env = this.env(this.envName(r.env));
    const entries = this.files.get(r.path);
    if (!entries) throw this.error('io', `Cannot read ${r.path}: No such file or directory (os error 2). Choose a readable text file.`);
    const rows = entries.map((e): ImportRow => {
      const kind: Kind = r.allSecret || SECRET_WORDS.test(e.name) ? 'secret' : 'config';
      const old = env.get(e.name);
      const check = fakeCheck(e.name, kind, e.value);
      return {
        name: e.name,
        kind,
        action: !old ? 'create' : old.value === e.value && old.row.kind === kind ? 'unchanged' : 'replace',
        provider: check.provider,
        problems: check.problems.map((p) => p.code),
      };
    });
    return { rows, entries };
  }

  /** What the provider says about a variable: nothing for config and refused keys. */
  private verdictFor(row: VariableRow, check: ValueCheck): Verdict | null {
    if (row.kind !== 'secret' || check.refused) return null;
    const told = this.verdicts.get(row.name);
    if (told) return told;
    if (!check.providerName) {
      return { online: 'indeterminate', status: null, message: 'no provider is known for this key, so there is nothing to ask' };
    }
    return { online: 'valid', status: 200, message: `${check.providerName} accepted the key` };
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
        return this.environments();
      case 'add_environment': {
        this.unlockedVault();
        const name = this.envName(args.name);
        const base = args.extends === null ? null : this.envName(args.extends);
        if (this.envs.has(name)) throw this.error('environment', `environment \`${name}\` already exists`);
        if (base !== null) this.env(base);
        this.envs.set(name, new Map());
        if (base !== null) this.bases.set(name, base);
        return this.environments();
      }
      case 'rename_environment': {
        this.unlockedVault();
        const [old, next] = [this.envName(args.old), this.envName(args.new)];
        const vars = this.env(old);
        if (old === 'default') {
          throw this.error('environment', 'the `default` environment cannot be renamed: create another and move variables into it');
        }
        if (this.envs.has(next)) throw this.error('environment', `environment \`${next}\` already exists`);
        this.envs.delete(old);
        this.envs.set(next, vars);
        const base = this.bases.get(old);
        this.bases.delete(old);
        if (base !== undefined) this.bases.set(next, base);
        for (const [env, b] of this.bases) if (b === old) this.bases.set(env, next);
        for (const e of this.exports) if (e.env === old) e.env = next;
        return this.environments();
      }
      case 'delete_environment': {
        this.unlockedVault();
        const name = this.envName(args.name);
        this.env(name);
        if (name === 'default') throw this.error('environment', 'the `default` environment cannot be removed');
        const by = [...this.bases].filter(([, b]) => b === name).map(([env]) => env);
        if (by.length > 0) {
          throw this.error(
            'environment',
            `environment \`${name}\` is extended by ${by.join(', ')}: remove those first, or extend another environment`,
          );
        }
        this.envs.delete(name);
        this.bases.delete(name);
        return this.environments();
      }
      case 'compare_environments': {
        this.unlockedVault();
        const [a, b] = [this.resolved(this.envName(args.first)), this.resolved(this.envName(args.second))];
        const sorted = (names: string[]) => names.sort();
        const both = [...a.keys()].filter((n) => b.has(n));
        const same = (n: string) => a.get(n)!.value === b.get(n)!.value && a.get(n)!.row.kind === b.get(n)!.row.kind;
        const comparison: Comparison = {
          onlyFirst: sorted([...a.keys()].filter((n) => !b.has(n))),
          onlySecond: sorted([...b.keys()].filter((n) => !a.has(n))),
          different: sorted(both.filter((n) => !same(n))),
          same: sorted(both.filter(same)),
        };
        return comparison;
      }
      case 'choose_import_file':
        return this.importChoice;
      case 'choose_export_path':
        return this.exportChoice;
      case 'preview_import':
        this.unlockedVault();
        return this.planImport(args.request as ImportRequest).rows;
      case 'import_file': {
        this.unlockedVault();
        const r = args.request as ImportRequest;
        const { rows, entries } = this.planImport(r);
        const replaced = rows.filter((p) => p.action === 'replace').map((p) => p.name);
        if (replaced.length > 0 && !r.overwrite) {
          throw this.error(
            'exists',
            `\`${r.env}\` already has ${replaced.join(', ')} with other values: nothing was imported; pass --overwrite to replace them`,
          );
        }
        const env = this.env(r.env);
        const now = new Date().toISOString();
        rows.forEach((p, i) => {
          if (p.action === 'unchanged') return;
          const old = env.get(p.name);
          const check = fakeCheck(p.name, p.kind, entries[i].value);
          env.set(p.name, {
            value: entries[i].value,
            row: {
              name: p.name,
              kind: p.kind,
              store: old?.row.store ?? 'vault',
              provider: p.provider,
              notes: old?.row.notes ?? '',
              created: old?.row.created ?? now,
              updated: now,
              check: checkInfo(check, now),
              inheritedFrom: null,
            },
          });
        });
        return rows;
      }
      case 'export_file': {
        this.unlockedVault();
        const r = args.request as ExportFileRequest;
        const vars = this.resolved(this.envName(r.env));
        if (this.tracked.has(r.path) && !r.allowTracked) {
          throw this.error(
            'tracked',
            `${r.path} is inside a git work tree and not ignored by git, so the secrets could be committed: add it to .gitignore, choose another path, or pass --allow-tracked`,
          );
        }
        for (const n of r.only ?? []) if (!vars.has(n)) throw this.error('not_found', `There is no ${n} in ${r.env}.`);
        const info: ExportInfo = {
          path: r.path,
          env: r.env,
          format: r.format,
          only: r.only,
          names: r.only ?? [...vars.keys()].sort(),
          at: new Date().toISOString(),
          state: 'current',
        };
        this.exports = [...this.exports.filter((e) => e.path !== r.path), info];
        return { ...info, only: info.only && [...info.only], names: [...info.names] };
      }
      case 'list_exports':
        this.unlockedVault();
        return this.exports.map((e) => ({ ...e, names: [...e.names] }));
      case 'list_profiles':
        this.unlockedVault();
        return this.profileList();
      case 'save_profile': {
        this.unlockedVault();
        const r = args.request as SaveProfileRequest;
        const name = this.profileName(r.name);
        const command = r.command?.trim() || null;
        if (command !== null && ((command.match(/'/g) ?? []).length % 2 === 1 || (command.match(/"/g) ?? []).length % 2 === 1)) {
          throw this.error('invalid_value', "The command's quotes do not match: check them.");
        }
        const exists = this.profiles.has(name);
        if (exists && !r.replace) {
          throw this.error('exists', `profile \`${name}\` already exists: change it with \`latchkey profile edit ${name}\``);
        }
        if (!exists && r.replace) throw this.error('not_found', `no profile named \`${name}\`: \`latchkey profile list\` shows them`);
        const seen = this.resolved(this.envName(r.env));
        const missing = r.vars.filter((v) => !seen.has(v));
        if (missing.length > 0) {
          throw this.error(
            'not_found',
            `\`${r.env}\` has no ${missing.map((m) => `\`${m}\``).join(', ')}: add them first, or leave them out of the profile`,
          );
        }
        this.profiles.set(name, { name, env: r.env, vars: [...r.vars], command, cwd: r.cwd?.trim() || null });
        return this.profileList();
      }
      case 'delete_profile': {
        this.unlockedVault();
        const name = this.profileName(args.name);
        if (!this.profiles.delete(name)) throw this.error('not_found', `no profile named \`${name}\`: \`latchkey profile list\` shows them`);
        return this.profileList();
      }
      case 'launch_agent': {
        this.unlockedVault();
        const name = this.profileName(args.profile);
        const p = this.profiles.get(name);
        if (!p) throw this.error('not_found', `no profile named \`${name}\`: \`latchkey profile list\` shows them`);
        if (p.command === null) {
          throw this.error('no_command', `Profile ${name} has no command: edit it and give the command to run.`);
        }
        const run: AgentRun = { id: this.nextRun++, profile: name, pid: this.nextPid++, command: p.command };
        this.running.set(run.id, { ...run, env: p.env, vars: [...p.vars] });
        return { ...run };
      }
      case 'stop_agent':
        if (!this.running.has(args.id as number)) throw this.error('not_found', 'That agent is not running.');
        return null;
      case 'rotation_status':
        this.unlockedVault();
        return this.rotationRows(args.env as string, args.preset as string);
      case 'rotate_secret': {
        this.unlockedVault();
        const r = args.request as RotateRequest;
        const entry = this.entry(r.env, r.name);
        const found = fakeCheck(r.name, 'secret', r.value);
        const had = entry.row.provider ?? fakeCheck(r.name, 'secret', entry.value).provider;
        const name = (id: string | null) => PROVIDERS.find((p) => p.id === id)?.name ?? id;
        if (!r.force && had && found.provider && found.provider !== had) {
          throw this.error(
            'other_provider',
            `the new value looks like ${withArticle(name(found.provider) ?? '')} key, but ${r.name} holds ${withArticle(name(had) ?? '')} key: paste a new ${name(had)} key`,
          );
        }
        const refusal = found.problems.find((p) => REFUSING_PROBLEMS.has(p.code));
        if (refusal && !r.force) throw this.error('refused', `${r.name} was not rotated: ${refusal.message}`);
        const now = new Date().toISOString();
        this.rotationOf(r.env, r.name).history.push(entry.value);
        entry.value = r.value;
        entry.row = { ...entry.row, updated: now, check: checkInfo(found, now) };
        const stale: string[] = [];
        for (const e of this.exports) {
          if (e.env === r.env && e.names.includes(r.name)) {
            e.state = 'stale';
            stale.push(e.path);
          }
        }
        const result: RotateResult = { staleExports: stale, problems: found.problems };
        return result;
      }
      case 'rollback_secret': {
        this.unlockedVault();
        const entry = this.entry(args.env, args.name);
        const meta = this.rotationOf(args.env as string, args.name as string);
        const previous = meta.history.pop();
        if (previous === undefined) throw this.error('no_history', `${String(args.name)} has no previous value to go back to.`);
        entry.value = previous;
        entry.row = { ...entry.row, updated: new Date().toISOString() };
        return null;
      }
      case 'snooze_secret': {
        this.unlockedVault();
        this.entry(args.env, args.name);
        const days = args.days as number;
        this.rotationOf(args.env as string, args.name as string).snoozedUntil =
          days > 0 ? new Date(Date.now() + days * DAY_MS).toISOString() : null;
        return null;
      }
      case 'set_rotation_policy': {
        this.unlockedVault();
        const r = args.request as RotationPolicyRequest;
        this.entry(r.env, r.name);
        if (r.expires !== null && !/^\d{4}-\d{2}-\d{2}$/.test(r.expires)) {
          throw this.error('invalid_value', 'Give the expiry as a date, YYYY-MM-DD.');
        }
        Object.assign(this.rotationOf(r.env, r.name), { everyDays: r.everyDays, expires: r.expires });
        return null;
      }
      case 'list_activity':
        this.unlockedVault();
        return [...this.activityLog].reverse().map((e) => ({ ...e, names: [...e.names] }));
      case 'list_variables':
        this.unlockedVault();
        return [...this.resolved(args.env).values()]
          .map((e) => ({
            ...e.row,
            check: e.row.check && { ...e.row.check, problems: [...e.row.check.problems] },
            inheritedFrom: e.from === args.env ? null : e.from,
          }))
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
        const found = r.value === null ? null : fakeCheck(r.name, r.kind, r.value);
        const refusal = found?.problems.find((p) => REFUSING_PROBLEMS.has(p.code));
        if (refusal && !r.force) throw this.error('refused', `${r.name} was not stored: ${refusal.message}`);
        const row: VariableRow = {
          name: r.name,
          kind: r.kind,
          store: r.store,
          provider: r.provider,
          notes: r.notes ?? '',
          created: old?.row.created ?? now,
          updated: now,
          check: found ? checkInfo(found, now) : (old?.row.check ?? null),
          inheritedFrom: null,
        };
        env.set(r.name, { row, value: r.value ?? old!.value });
        return { ...row };
      }
      case 'delete_variable': {
        this.unlockedVault();
        const from = this.resolved(args.env).get(args.name as string)?.from;
        if (from !== undefined && from !== args.env) {
          throw this.error('inherited', `${String(args.name)} is inherited from ${from}: delete it there, or override it in ${String(args.env)}`);
        }
        this.entry(args.env, args.name);
        this.env(args.env).delete(args.name as string);
        return null;
      }
      case 'reveal_value':
        this.unlockedVault();
        return { value: this.found(args.env, args.name).value, hideAfterMs: this.hideAfterMs };
      case 'copy_value':
        this.unlockedVault();
        this.found(args.env, args.name);
        return { clearAfterMs: this.clearAfterMs };
      case 'check_value': {
        this.unlockedVault();
        const r = args.request as CheckValueRequest;
        this.env(r.env);
        if (!VALID_NAME.test(r.name)) throw this.error('invalid_name', `${r.name} is not a valid name.`);
        return fakeCheck(r.name, r.kind, r.value);
      }
      case 'verify_variables': {
        this.unlockedVault();
        const name = args.name as string | null;
        if (name !== null) this.entry(args.env, name);
        const now = new Date().toISOString();
        return [...this.env(args.env).values()]
          .filter((e) => name === null || e.row.name === name)
          .sort((a, b) => a.row.name.localeCompare(b.row.name))
          .map((e): VerifyResult => {
            const check = fakeCheck(e.row.name, e.row.kind, e.value);
            const verdict = this.verdictFor(e.row, check);
            e.row.check = {
              ...checkInfo(check, now),
              online: verdict?.online ?? null,
              onlineStatus: verdict?.status ?? null,
              onlineAt: verdict ? now : null,
            };
            return {
              name: e.row.name,
              check,
              online: verdict?.online ?? null,
              status: verdict?.status ?? null,
              message: verdict?.message ?? null,
            };
          });
      }
      default:
        throw `command ${cmd} not found`;
    }
  }
}
