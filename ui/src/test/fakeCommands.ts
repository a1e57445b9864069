// The fake backend's commands, one case each, in the order Rust's command does its work
// (names parsed first, then the vault's gate, then core), so the same request fails with
// the same code and message. See src-tauri/src/commands and crates/core/src/vault.
import type { BrokerSettings } from '../lib/bindings/BrokerSettings';
import type { CheckInfo } from '../lib/bindings/CheckInfo';
import type { CheckValueRequest } from '../lib/bindings/CheckValueRequest';
import type { Comparison } from '../lib/bindings/Comparison';
import type { EnvironmentInfo } from '../lib/bindings/EnvironmentInfo';
import type { ExportFileRequest } from '../lib/bindings/ExportFileRequest';
import type { ExportInfo } from '../lib/bindings/ExportInfo';
import type { ImportRequest } from '../lib/bindings/ImportRequest';
import type { ImportRow } from '../lib/bindings/ImportRow';
import type { ProfileInfo } from '../lib/bindings/ProfileInfo';
import type { RotateRequest } from '../lib/bindings/RotateRequest';
import type { RotateResult } from '../lib/bindings/RotateResult';
import type { RotationPolicyRequest } from '../lib/bindings/RotationPolicyRequest';
import type { RotationRow } from '../lib/bindings/RotationRow';
import type { SandboxSettings } from '../lib/bindings/SandboxSettings';
import type { SaveProfileRequest } from '../lib/bindings/SaveProfileRequest';
import type { SetVariableRequest } from '../lib/bindings/SetVariableRequest';
import type { ValueCheck } from '../lib/bindings/ValueCheck';
import type { VariableRow } from '../lib/bindings/VariableRow';
import type { VerifyResult } from '../lib/bindings/VerifyResult';
import type { Entry, FakeBackend } from './fakeBackend';
import { HISTORY_LEN } from './fakeBackend';
import { classify, fakeCheck, matches, providerById, refuses, trimmed } from './fakeChecks';
import { agentToolsCommand } from './fakeAgentTools';
import { leakCommand } from './fakeLeaks';
import { projectCommand } from './fakeProjects';
import {
  allowedHost,
  byName,
  DAY_MS,
  ipcError,
  joinCommand,
  PRESETS,
  rustTrim,
  schedule,
  secretClass,
  splitCommand,
  valueError,
} from './fakeRules';

type Args = Record<string, unknown>;

function checkInfo(check: ValueCheck, at: string): CheckInfo {
  return {
    provider: check.provider,
    format: check.format,
    problems: check.problems.map((p) => p.code),
    refused: check.refused,
    checked: at,
    online: null,
    onlineStatus: null,
    onlineAt: null,
  };
}

function copyRow(row: VariableRow): VariableRow {
  return { ...row, check: row.check && { ...row.check, problems: [...row.check.problems] } };
}

function environments(rust: FakeBackend): EnvironmentInfo[] {
  return [...rust.envs.keys()]
    .sort()
    .map((name) => ({ name, variables: rust.envs.get(name)!.size, extends: rust.bases.get(name) ?? null }));
}

function profileList(rust: FakeBackend): ProfileInfo[] {
  return [...rust.profiles.values()].sort(byName).map((p) => ({
    ...p,
    vars: [...p.vars],
    broker: p.broker && { ...p.broker, allowHosts: [...p.broker.allowHosts] },
    sandbox: p.sandbox && { ...p.sandbox, writable: [...p.sandbox.writable], readable: [...p.sandbox.readable] },
    inherit: [...p.inherit],
  }));
}

const now = () => new Date().toISOString();

/** Keeps the current value in the history (a rotation), as core's store does. */
function keepHistory(entry: Entry, at: string): void {
  entry.meta.history = [...entry.meta.history, entry.value].slice(-HISTORY_LEN);
  entry.meta.rotated = at;
}

/** core's Vault::store after its checks: creates or replaces `name` in `env`. */
function store(rust: FakeBackend, env: string, r: SetVariableRequest & { value: string }, found: ValueCheck): VariableRow {
  const own = rust.env(env);
  const old = own.get(r.name);
  const at = now();
  const provider = r.provider ?? (r.kind === 'secret' ? found.provider : null);
  const entry: Entry = old ?? {
    value: r.value,
    meta: { everyDays: null, expires: null, snoozedUntil: null, history: [], rotated: null },
    row: { name: r.name, kind: r.kind, store: r.store, provider: null, notes: '', created: at, updated: at, check: null, inheritedFrom: null },
  };
  if (old && old.row.store === 'vault' && (r.store === 'keychain' || old.value !== r.value)) keepHistory(old, at);
  else if (old && old.row.store === 'keychain') old.meta.rotated = at;
  // core's rule: a vault value that changes, or any value that was in the keychain.
  const replaced = old !== undefined && ((old.row.store === 'vault' && old.value !== r.value) || old.row.store === 'keychain');
  entry.value = r.value;
  if ((r.created ?? null) !== null) {
    // core's Metadata::value_made: the schedule counts from the day the key was made.
    const made = madeOn(r.created as string);
    if (!old) entry.row.created = made;
    else {
      entry.row.created = made < entry.row.created ? made : entry.row.created;
      if (replaced) entry.meta.rotated = made;
      else if (entry.meta.rotated !== null && made < entry.meta.rotated) entry.meta.rotated = made;
    }
  }
  entry.row = {
    ...entry.row,
    kind: r.kind,
    store: r.store,
    provider: provider === null ? entry.row.provider : provider || null,
    notes: r.notes ?? entry.row.notes,
    updated: at,
    check: checkInfo(found, at),
  };
  own.set(r.name, entry);
  if (old) rust.changed(env, r.name);
  return copyRow(entry.row);
}

/** core's KeyMade::parse: a day (YYYY-MM-DD) from 1970 to today, as its midnight UTC. */
function madeOn(text: string): string {
  const day = text.trim();
  const at = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : null;
  if (at === null || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day) {
    throw ipcError('invalid_value', `\`${text}\` is not a date: write YYYY-MM-DD`);
  }
  // The latest day anywhere on Earth (UTC+14) is not in the future yet.
  if (day > new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 10)) throw ipcError('invalid_value', `${day} is in the future: give the day the key was made at its provider (YYYY-MM-DD)`);
  if (day < '1970-01-01') throw ipcError('invalid_value', `${day} is before 1970: give the day the key was made at its provider (YYYY-MM-DD)`);
  const midnight = `${day}T00:00:00Z`;
  return midnight < now() ? midnight : now();
}

function setVariable(rust: FakeBackend, r: SetVariableRequest): VariableRow {
  const [env, name] = [rust.envName(r.env), rust.varName(r.name)];
  // A request written before the field existed has none: serde's default.
  const created = r.created ?? null;
  if (created !== null && r.value === null) {
    throw ipcError('invalid_value', 'the day a key was made goes with a new value: enter the value, or leave the day empty');
  }
  if (r.value === null) {
    rust.unlockedVault();
    const entry = rust.env(env).get(name);
    if (!entry) throw rust.notFound(env, name, 'changed');
    entry.row = { ...entry.row, kind: r.kind, provider: r.provider || null, notes: r.notes ?? '', updated: now() };
    return copyRow(entry.row);
  }
  rust.unlockedVault();
  const invalid = valueError(r.value);
  if (invalid) throw ipcError('invalid_value', invalid);
  if (created !== null) madeOn(created);
  if (created !== null && r.kind === 'config') {
    throw ipcError('invalid_value', `${name} is a config value: the day a key was made goes with a secret`);
  }
  rust.env(env);
  const found = rust.check(env, name, r.kind, r.value);
  const refusal = found.problems.find((p) => p.refuses);
  if (refusal && !r.force) throw ipcError('refused', `${name} was not stored: ${refusal.message}`);
  return store(rust, env, { ...r, value: r.value }, found);
}

function planImport(rust: FakeBackend, r: ImportRequest): { rows: ImportRow[]; values: string[] } {
  const env = rust.envName(r.env);
  const incoming = rust.readDotenv(r.path).map((e) => ({ ...e, kind: r.allSecret ? ('secret' as const) : classify(e.name, e.value) }));
  rust.unlockedVault();
  const own = rust.env(env, 'vault');
  const rows = incoming.map((item): ImportRow => {
    const invalid = item.value === '' ? null : valueError(item.value);
    if (invalid) throw ipcError('invalid_value', `\`${item.name}\` cannot be imported: ${invalid}; nothing was imported`);
    const old = own.get(item.name);
    const check = fakeCheck(item.name, item.kind, item.value, (n) => incoming.find((i) => i.name === n)?.value ?? null);
    const action = !old ? 'create' : old.value === item.value && old.row.kind === item.kind ? 'unchanged' : 'replace';
    return {
      name: item.name,
      kind: item.kind,
      action,
      provider: check.provider,
      problems: check.problems.map((p) => p.code),
      refused: action !== 'unchanged' && check.problems.some((p) => p.refuses),
    };
  });
  return { rows, values: incoming.map((i) => i.value) };
}

function importFile(rust: FakeBackend, r: ImportRequest): ImportRow[] {
  const { rows, values } = planImport(rust, r);
  const replaced = rows.filter((p) => p.action === 'replace').map((p) => `\`${p.name}\``);
  if (replaced.length > 0 && !r.overwrite) {
    throw ipcError(
      'import_exists',
      `\`${r.env}\` already has ${replaced.join(', ')} with other values: nothing was imported; pass --overwrite to replace them`,
    );
  }
  const refused = rows.filter((p) => p.refused);
  if (refused.length > 0 && !r.force) {
    const names = refused.map((p) => `\`${p.name}\` (${p.problems.filter(refuses).join(', ')})`);
    throw ipcError(
      'invalid_value',
      `${names.join(', ')} cannot be a working key, as \`latchkey set\` would say: nothing was imported; fix them in the file, or store them anyway with --force`,
    );
  }
  const own = rust.env(r.env);
  const at = now();
  rows.forEach((p, i) => {
    if (p.action === 'unchanged') return;
    // As core's import: the metadata is kept, the value replaced (not kept in the history).
    const old = own.get(p.name);
    const provider = (p.kind === 'secret' ? p.provider : null) ?? old?.row.provider ?? null;
    own.set(p.name, {
      value: values[i],
      meta: old?.meta ?? { everyDays: null, expires: null, snoozedUntil: null, history: [], rotated: null },
      row: {
        name: p.name,
        kind: p.kind,
        store: 'vault',
        provider,
        notes: old?.row.notes ?? '',
        created: old?.row.created ?? at,
        updated: at,
        check: {
          provider: p.provider,
          format: p.problems.length > 0 ? 'invalid' : p.provider ? 'ok' : 'unknown',
          problems: [...p.problems],
          refused: p.problems.some((c) => c === 'placeholder' || c === 'checksum'),
          checked: at,
          online: null,
          onlineStatus: null,
          onlineAt: null,
        },
        inheritedFrom: null,
      },
    });
    if (old) rust.changed(r.env, p.name);
  });
  return rows;
}

function exportFile(rust: FakeBackend, r: ExportFileRequest): ExportInfo {
  const only = r.only?.map((n) => rust.varName(n)) ?? null;
  const env = rust.envName(r.env);
  rust.unlockedVault();
  if (rust.tracked.has(r.path) && !r.allowTracked) {
    throw ipcError(
      'tracked',
      `${r.path} is inside a git work tree and not ignored by git, so the secrets could be committed: add it to .gitignore, choose another path, or pass --allow-tracked`,
    );
  }
  const vars = rust.resolved(env, 'io');
  for (const n of only ?? []) if (!vars.has(n)) throw rust.notFound(env, n);
  // As the app's export_file (not the CLI's): nothing goes to the audit log.
  const info: ExportInfo = { path: r.path, env, format: r.format, only, names: only ?? [...vars.keys()], at: now(), state: 'current', auditWarning: null };
  rust.exports = [...rust.exports.filter((e) => e.path !== r.path), info];
  return { ...info, only: info.only && [...info.only], names: [...info.names] };
}

/** The app's BrokerSettings::to_core: the allowed hosts trimmed, empty ones dropped, each checked (`invalid_host`). */
function brokerSettings(b: BrokerSettings): BrokerSettings {
  const allowHosts = b.allowHosts
    .map(rustTrim)
    .filter((h) => h !== '')
    .map((h) => {
      const checked = allowedHost(h);
      if ('error' in checked) throw ipcError('invalid_host', checked.error);
      return checked.host;
    });
  return { egress: b.egress, allowHosts, only: b.only };
}

/** core's broker::Settings::default(): what a sandboxed run without broker settings is brokered with. */
const BROKER_DEFAULTS: BrokerSettings = { egress: 'strict', allowHosts: [], only: false };

/** The app's SandboxSettings::to_core (and back): the paths trimmed, blank ones dropped; nothing refused. */
function sandboxSettings(s: SandboxSettings): SandboxSettings {
  const paths = (list: string[]) => list.map(rustTrim).filter((p) => p !== '');
  return { mode: s.mode, writable: paths(s.writable), readable: paths(s.readable) };
}

/**
 * core's sandbox Plan::summary, for the grant: the mode, where the command may write (its
 * directory first), and how many paths were hidden. Rust writes the paths canonical, and
 * counts what exists on the machine: the fake takes them as they are, and `sandboxHidden`.
 */
function sandboxLine(rust: FakeBackend, p: ProfileInfo, s: SandboxSettings): string {
  return `${s.mode}; writable: ${[p.cwd ?? rust.currentDir, ...s.writable].join(', ')}; hidden: ${rust.sandboxHidden}`;
}

/**
 * core's broker plan, roughly: of a brokered profile's secrets, those with a provider are
 * carried (the agent gets placeholders), the others are not, and the notices say which.
 */
function brokerPlan(rust: FakeBackend, p: ProfileInfo, broker: BrokerSettings | null): { brokered: string[] | null; notices: string[] } {
  if (!broker) return { brokered: null, notices: [] };
  const seen = rust.resolved(p.env);
  const secrets = p.vars.map((v) => seen.get(v)!.entry.row).filter((row) => row.kind === 'secret');
  const carried = secrets.filter((row) => row.provider !== null).map((row) => row.name);
  const uncarried = secrets.filter((row) => row.provider === null).map((row) => `${row.name} (no provider is known for it (add one in providers.toml))`);
  const notices: string[] = [];
  if (carried.length > 0) notices.push(`brokered, the command holds placeholders: ${carried.join(', ')}`);
  if (uncarried.length > 0) {
    notices.push(
      broker.only
        ? `withheld, the broker cannot carry them (--broker-only): ${uncarried.join(', ')}`
        : `passed as they are, the broker cannot carry them: ${uncarried.join(', ')}`,
    );
  }
  return { brokered: carried, notices };
}

function saveProfile(rust: FakeBackend, r: SaveProfileRequest): ProfileInfo[] {
  const name = rust.profileName(r.name);
  const vars = r.vars.map((v) => rust.varName(v));
  const inherit = (r.inherit ?? []).map((v) => rust.varName(v));
  const env = rust.envName(r.env);
  // core's profile::parse_command, for a command that is not blank.
  const text = r.command ?? '';
  const words = text.trim() === '' ? null : splitCommand(text);
  if (text.trim() !== '' && words === null) throw ipcError('invalid_value', "the command's quotes do not match: check them");
  const broker = r.broker ? brokerSettings(r.broker) : null;
  const sandbox = r.sandbox ? sandboxSettings(r.sandbox) : null;
  rust.unlockedVault();
  const exists = rust.profiles.has(name);
  if (exists && !r.replace) throw ipcError('profile_exists', `profile \`${name}\` already exists: change it with \`latchkey profile edit ${name}\``);
  if (!exists && r.replace) throw ipcError('profile_not_found', `no profile named \`${name}\`: \`latchkey profile list\` shows them`);
  const seen = rust.resolved(env);
  const missing = vars.filter((v) => !seen.has(v));
  if (missing.length > 0) {
    throw ipcError(
      'profile_variables',
      `\`${env}\` has no ${missing.map((m) => `\`${m}\``).join(', ')}: add them first, or leave them out of the profile`,
    );
  }
  const cwd = r.cwd !== null && r.cwd.trim() !== '' ? r.cwd : null;
  rust.profiles.set(name, { name, env, vars, command: words && joinCommand(words), cwd, broker, sandbox, inherit });
  return profileList(rust);
}

function launchAgent(rust: FakeBackend, profile: unknown) {
  const name = rust.profileName(profile);
  rust.unlockedVault();
  const p = rust.profiles.get(name);
  if (!p) throw ipcError('profile_not_found', `no profile named \`${name}\`: \`latchkey profile list\` shows them`);
  const words = p.command === null ? [] : (splitCommand(p.command) ?? []);
  if (words.length === 0) {
    throw ipcError('no_command', `profile \`${name}\` has no command: give one after \`--\`, or add one with \`latchkey profile edit ${name} --command\``);
  }
  const seen = rust.resolved(p.env);
  for (const v of p.vars) if (!seen.has(v)) throw rust.notFound(p.env, v);
  if (rust.missingPrograms.has(words[0])) throw ipcError('program_not_found', `cannot find \`${words[0]}\`: check its name, or that it is on PATH`);
  // As core: a sandboxed run is brokered, with the defaults when the profile has no broker settings.
  const plan = brokerPlan(rust, p, p.broker ?? (p.sandbox ? BROKER_DEFAULTS : null));
  if (p.sandbox && rust.sandboxFailure) throw ipcError('launch', rust.sandboxFailure);
  // The grant is recorded before the program starts; its exit is folded in when it ends.
  const grant = rust.auditFailure
    ? null
    : rust.record({
        access: 'grant',
        profile: name,
        program: words[0],
        env: p.env,
        names: [...p.vars],
        sandbox: p.sandbox && sandboxLine(rust, p, p.sandbox),
      });
  const run = {
    id: rust.nextRun++,
    profile: name,
    pid: rust.nextPid++,
    command: joinCommand(words),
    notices: [...rust.launchNotes.notices, ...plan.notices],
    withheld: [...rust.launchNotes.withheld],
    auditWarning: rust.auditFailure && `the grant was not recorded in the audit log: ${rust.auditFailure}`,
    brokered: plan.brokered,
    sandboxed: p.sandbox !== null,
  };
  rust.running.set(run.id, { ...run, env: p.env, vars: [...p.vars], grant });
  return { ...run, notices: [...run.notices], withheld: [...run.withheld], brokered: run.brokered && [...run.brokered] };
}

/** Where a sweep found the secret's current value, unless it was rotated since (core's Vault::leaks). */
function leakOf(rust: FakeBackend, env: string, e: Entry, rotated: string): RotationRow['leaked'] {
  const from = [...rust.envs].find(([, entries]) => entries.get(e.row.name) === e)?.[0] ?? env;
  const leak = rust.leaks.get(`${from}/${e.row.name}`);
  return leak && Date.parse(rotated) <= Date.parse(leak.found) ? { places: [...leak.places], found: leak.found } : null;
}

function rotationStatus(rust: FakeBackend, args: Args): RotationRow[] {
  const env = rust.envName(args.env);
  const preset = args.preset;
  if (preset !== 'standard' && preset !== 'strict') {
    throw ipcError('invalid_preset', `there is no preset \`${String(preset)}\`: use standard or strict`);
  }
  rust.unlockedVault();
  const at = Date.now();
  return [...rust.resolved(env).values()]
    .map((r) => r.entry)
    .filter((e) => e.row.kind === 'secret')
    .map((e): RotationRow => {
      const cls = secretClass(e.row.name);
      const rotated = e.meta.rotated ?? e.row.created;
      const s = schedule(Date.parse(rotated), e.meta.everyDays, PRESETS[preset][cls], e.meta.expires, at);
      return {
        name: e.row.name,
        provider: e.row.provider,
        keysPage: providerById(e.row.provider)?.keysPage ?? null,
        class: cls,
        status: s.status,
        intervalDays: s.intervalDays,
        rotated,
        due: s.due === null ? null : new Date(s.due).toISOString(),
        expires: e.meta.expires,
        snoozedUntil: e.meta.snoozedUntil,
        versions: e.meta.history.length,
        leaked: leakOf(rust, env, e, rotated),
      };
    });
}

function rotateSecret(rust: FakeBackend, r: RotateRequest): RotateResult {
  const [env, name] = [rust.envName(r.env), rust.varName(r.name)];
  rust.unlockedVault();
  // core's RotateError::Get: an unknown environment is code `vault` here.
  const current = rust.resolved(env, 'vault').get(name);
  if (!current || current.from !== env || current.entry.row.kind !== 'secret') {
    throw ipcError('not_found', `no secret \`${name}\` in \`${env}\` to rotate: store it first with \`latchkey set ${name} --env ${env}\``);
  }
  const found = rust.check(env, name, 'secret', r.value);
  const before = current.entry.row.provider;
  // As core: another provider's key is named as such (a provider mismatch refuses too, but
  // says less); placeholders and failed checksums are refused with their own reasons.
  const otherRefusal = found.problems.some((p) => p.refuses && p.code !== 'provider_mismatch');
  const other = before !== null && !r.force && !otherRefusal ? otherProvider(before, r.value, found) : null;
  if (other) throw ipcError('other_provider', other);
  const refusal = found.problems.find((p) => p.refuses);
  if (refusal && !r.force) throw ipcError('refused', `${name} was not stored: ${refusal.message}`);
  const { row } = current.entry;
  const request = { env, name, kind: 'secret' as const, store: row.store, value: r.value, provider: null, notes: null, force: r.force, created: null };
  store(rust, env, request, found);
  const stale = rust.exports.filter((e) => e.state === 'stale' && e.names.includes(name)).map((e) => e.path);
  return { staleExports: stale, problems: found.problems, auditWarning: rust.recordAccess('rotate', env, name) };
}

/**
 * Why rotate_secret refuses the new value, as core's RotateError::OtherProvider does: a
 * well-formed key of another provider, or a value not shaped like `before`'s keys; `null`
 * when it may be stored. (Placeholders and failed checksums are refused as `refused`.)
 */
export function otherProvider(before: string, value: string, found: ValueCheck): string | null {
  const name = (id: string) => providerById(id)?.name ?? id;
  const byValue = matches(trimmed(value)).map((m) => m.provider.id);
  const other = byValue.find((id) => id !== before);
  let seen: string | null = null;
  if (other !== undefined && !byValue.includes(before)) seen = `it looks like a key of ${name(other)}`;
  else if (found.problems.some((p) => p.code === 'format' || p.code === 'provider_mismatch')) seen = 'it does not have the shape of one';
  return seen === null ? null : `the new value is not a key of ${name(before)} (${seen})`;
}

function rollbackSecret(rust: FakeBackend, args: Args): string | null {
  const [env, name] = [rust.envName(args.env), rust.varName(args.name)];
  rust.unlockedVault();
  const entry = rust.env(env).get(name);
  if (!entry) throw rust.notFound(env, name, 'changed');
  if (entry.row.store !== 'vault' || entry.meta.history.length === 0) {
    throw ipcError('no_history', `\`${name}\` has no previous value in the vault: nothing was changed`);
  }
  // The previous value comes back, and the current one joins the history: a rollback can be undone.
  const previous = entry.meta.history[entry.meta.history.length - 1];
  const at = now();
  entry.meta.history = [...entry.meta.history.slice(0, -1), entry.value].slice(-HISTORY_LEN);
  entry.meta.rotated = at;
  entry.value = previous;
  entry.row = { ...entry.row, updated: at, check: null };
  rust.changed(env, name);
  return rust.recordAccess('rollback', env, name);
}

/** set_rotation's lookup: the variable `env` defines itself (EditError otherwise). */
function ownEntry(rust: FakeBackend, args: Args): Entry {
  const [env, name] = [rust.envName(args.env), rust.varName(args.name)];
  rust.unlockedVault();
  const entry = rust.env(env).get(name);
  if (!entry) throw rust.notFound(env, name, 'changed');
  return entry;
}

function verifyVariables(rust: FakeBackend, args: Args): VerifyResult[] {
  const env = rust.envName(args.env);
  const only = args.name === null ? null : rust.varName(args.name);
  rust.unlockedVault();
  const seen = rust.resolved(env);
  if (only !== null && !seen.has(only)) throw rust.notFound(env, only);
  const at = now();
  return [...seen.values()]
    .filter((r) => only === null || r.entry.row.name === only)
    .map(({ entry }): VerifyResult => {
      const check = rust.check(env, entry.row.name, entry.row.kind, entry.value);
      const verdict = rust.verdictFor(entry, check);
      const previous = entry.row.check;
      entry.row.check = {
        ...checkInfo(check, at),
        online: verdict?.online ?? previous?.online ?? null,
        onlineStatus: verdict ? verdict.status : (previous?.onlineStatus ?? null),
        onlineAt: verdict ? at : (previous?.onlineAt ?? null),
      };
      return { name: entry.row.name, check, online: verdict?.online ?? null, status: verdict?.status ?? null, message: verdict?.message ?? null };
    });
}

/** Answers `cmd` as Rust's command of that name does. */
export function answer(rust: FakeBackend, cmd: string, args: Args): unknown {
  switch (cmd) {
    case 'app_status':
      return { ...rust.status };
    case 'create_vault': {
      if (rust.status.initialized) {
        throw ipcError(
          'exists',
          `a vault already exists at ${rust.status.dataDir}: nothing was changed (use it, or set LATCHKEY_HOME to another directory)`,
        );
      }
      const passphrase = (args.request as { passphrase: string | null }).passphrase;
      Object.assign(rust.status, {
        initialized: true,
        unlocked: true,
        identityMovable: true,
        identity: passphrase === null ? 'keychain' : 'passphrase',
      });
      if (passphrase !== null) rust.passphrase = passphrase;
      return { ...rust.status };
    }
    case 'unlock':
      if (rust.status.identity === 'passphrase' && args.passphrase !== rust.passphrase) {
        throw ipcError('wrong_passphrase', 'That passphrase does not open this vault: check it and try again.');
      }
      Object.assign(rust.status, { unlocked: true, identityMovable: true });
      return { ...rust.status };
    case 'lock':
      Object.assign(rust.status, { unlocked: false, identityMovable: false });
      return { ...rust.status };
    case 'move_identity': {
      const { to, passphrase, current } = args.request as {
        to: 'keychain' | 'file' | 'passphrase';
        passphrase: string | null;
        current: string | null;
      };
      if (to === 'passphrase' && passphrase === null) throw ipcError('invalid_value', 'Choose a passphrase for the identity file.');
      if (to !== 'passphrase' && passphrase !== null) {
        throw ipcError('invalid_value', 'A passphrase goes with a passphrase-protected file only: nothing was changed.');
      }
      rust.unlockedVault();
      if (rust.status.identity === 'passphrase') {
        if (current === null) throw ipcError('passphrase_required', 'give the current passphrase to move the identity or change its passphrase');
        if (current !== rust.passphrase) throw ipcError('wrong_passphrase', 'the current passphrase is wrong: nothing was changed');
      }
      if (to === 'passphrase' && passphrase === '') throw ipcError('invalid_value', 'the passphrase is empty: choose a passphrase');
      if (to === rust.status.identity && to !== 'passphrase') {
        throw ipcError('invalid_value', 'the identity is kept there already: nothing was changed');
      }
      if (to === 'keychain' && !rust.status.keychainAvailable) {
        throw ipcError('keychain', 'the OS keychain is not available: use an identity file instead');
      }
      rust.status.identity = to;
      if (passphrase !== null) rust.passphrase = passphrase;
      return { status: { ...rust.status }, leftBehind: null };
    }
    case 'set_auto_lock':
      rust.status.autoLockMinutes = args.minutes as number;
      return { ...rust.status };
    case 'activity':
      return null;
    case 'list_environments':
      rust.unlockedVault();
      return environments(rust);
    case 'add_environment': {
      const name = rust.envName(args.name);
      const base = args.extends === null ? null : rust.envName(args.extends);
      rust.unlockedVault();
      if (rust.envs.has(name)) throw ipcError('environment', `environment \`${name}\` already exists`);
      if (base !== null) rust.env(base);
      rust.envs.set(name, new Map());
      if (base !== null) rust.bases.set(name, base);
      return environments(rust);
    }
    case 'rename_environment': {
      const [old, next] = [rust.envName(args.old), rust.envName(args.new)];
      rust.unlockedVault();
      if (old === 'default') {
        throw ipcError('environment', 'the `default` environment cannot be renamed: create another and move variables into it');
      }
      if (rust.envs.has(next)) throw ipcError('environment', `environment \`${next}\` already exists`);
      const vars = rust.env(old);
      rust.envs.delete(old);
      rust.envs.set(next, vars);
      const base = rust.bases.get(old);
      rust.bases.delete(old);
      if (base !== undefined) rust.bases.set(next, base);
      // As core: the environments that extend it follow (profiles and export records do not).
      for (const [env, b] of rust.bases) if (b === old) rust.bases.set(env, next);
      return environments(rust);
    }
    case 'delete_environment': {
      const name = rust.envName(args.name);
      rust.unlockedVault();
      if (name === 'default') throw ipcError('environment', 'the `default` environment cannot be removed');
      rust.env(name);
      const by = [...rust.bases].filter(([, b]) => b === name).map(([env]) => `\`${env}\``);
      if (by.length > 0) {
        throw ipcError('environment', `environment \`${name}\` is extended by ${by.join(', ')}: remove those first, or extend another environment`);
      }
      rust.envs.delete(name);
      rust.bases.delete(name);
      return environments(rust);
    }
    case 'compare_environments': {
      const [first, second] = [rust.envName(args.first), rust.envName(args.second)];
      rust.unlockedVault();
      const [a, b] = [rust.resolved(first), rust.resolved(second)];
      const same = (n: string) => a.get(n)!.entry.value === b.get(n)!.entry.value && a.get(n)!.entry.row.kind === b.get(n)!.entry.row.kind;
      const both = [...a.keys()].filter((n) => b.has(n));
      const comparison: Comparison = {
        onlyFirst: [...a.keys()].filter((n) => !b.has(n)),
        onlySecond: [...b.keys()].filter((n) => !a.has(n)),
        different: both.filter((n) => !same(n)),
        same: both.filter(same),
      };
      return comparison;
    }
    case 'choose_import_file':
      return rust.importChoice;
    case 'choose_export_path':
      return rust.exportChoice;
    case 'preview_import':
      return planImport(rust, args.request as ImportRequest).rows;
    case 'import_file':
      return importFile(rust, args.request as ImportRequest);
    case 'export_file':
      return exportFile(rust, args.request as ExportFileRequest);
    case 'list_exports':
      rust.unlockedVault();
      return rust.exports.map((e) => ({ ...e, names: [...e.names] }));
    case 'list_profiles':
      rust.unlockedVault();
      return profileList(rust);
    case 'save_profile':
      return saveProfile(rust, args.request as SaveProfileRequest);
    case 'delete_profile': {
      const name = rust.profileName(args.name);
      rust.unlockedVault();
      if (!rust.profiles.delete(name)) throw ipcError('profile_not_found', `no profile named \`${name}\`: \`latchkey profile list\` shows them`);
      return profileList(rust);
    }
    case 'launch_agent':
      return launchAgent(rust, args.profile);
    case 'stop_agent':
      if (!rust.running.has(args.id as number)) throw ipcError('not_running', 'That agent is not running.');
      return null;
    case 'list_activity':
      rust.unlockedVault();
      return [...rust.activityLog].reverse().map((e) => ({ ...e, names: [...e.names] }));
    case 'rotation_status':
      return rotationStatus(rust, args);
    case 'rotate_secret':
      return rotateSecret(rust, args.request as RotateRequest);
    case 'rollback_secret':
      return rollbackSecret(rust, args);
    case 'snooze_secret': {
      const entry = ownEntry(rust, args);
      const days = args.days as number;
      entry.meta.snoozedUntil = days > 0 ? new Date(Date.now() + days * DAY_MS).toISOString() : null;
      return null;
    }
    case 'set_rotation_policy': {
      const r = args.request as RotationPolicyRequest;
      const expires = r.expires === null || r.expires === '' ? null : r.expires;
      if (expires !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`)))) {
        rust.envName(r.env);
        rust.varName(r.name);
        throw ipcError('invalid_value', 'Give the expiry as a date, YYYY-MM-DD.');
      }
      const entry = ownEntry(rust, r);
      Object.assign(entry.meta, { everyDays: r.everyDays, expires });
      return null;
    }
    case 'list_variables': {
      const env = rust.envName(args.env);
      rust.unlockedVault();
      return [...rust.resolved(env).values()].map(({ entry, from }) => ({ ...copyRow(entry.row), inheritedFrom: from === env ? null : from }));
    }
    case 'check_name': {
      const message = (() => {
        try {
          rust.varName(args.name);
          return null;
        } catch (e) {
          return (e as { message: string }).message;
        }
      })();
      return { ok: message === null, message };
    }
    case 'set_variable':
      return setVariable(rust, args.request as SetVariableRequest);
    case 'delete_variable': {
      const [env, name] = [rust.envName(args.env), rust.varName(args.name)];
      rust.unlockedVault();
      const from = rust.resolved(env).get(name)?.from;
      if (from !== undefined && from !== env) {
        throw ipcError('inherited', `\`${name}\` in \`${env}\` is inherited from \`${from}\`: remove it there (\`--env ${from}\`)`);
      }
      if (!rust.env(env).delete(name)) throw rust.notFound(env, name, 'removed');
      return null;
    }
    case 'reveal_value': {
      const [env, name] = [rust.envName(args.env), rust.varName(args.name)];
      rust.unlockedVault();
      const { entry } = rust.found(env, name);
      return { value: entry.value, hideAfterMs: rust.hideAfterMs, auditWarning: rust.recordAccess('reveal', env, name) };
    }
    case 'copy_value': {
      const [env, name] = [rust.envName(args.env), rust.varName(args.name)];
      rust.unlockedVault();
      rust.found(env, name);
      return { clearAfterMs: rust.clearAfterMs, auditWarning: rust.recordAccess('copy', env, name) };
    }
    case 'check_value': {
      const r = args.request as CheckValueRequest;
      const [env, name] = [rust.envName(r.env), rust.varName(r.name)];
      rust.unlockedVault();
      rust.env(env);
      return rust.check(env, name, r.kind, r.value);
    }
    case 'verify_variables':
      return verifyVariables(rust, args);
    case 'choose_project_folder':
    case 'open_project':
    case 'recent_projects':
    case 'forget_project':
      return projectCommand(rust, cmd, args);
    case 'sweep':
    case 'redact_leaks':
      return leakCommand(rust, cmd, args);
    case 'agent_tools':
    case 'protect_server':
    case 'unprotect_server':
    case 'add_deny_rules':
    case 'set_daily_sweep':
      return agentToolsCommand(rust, cmd, args);
    default:
      throw `command ${cmd} not found`;
  }
}
