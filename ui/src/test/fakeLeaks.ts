// The fake backend's leak sweep, as src-tauri/src/commands/leaks.rs and core's sweep
// answer it: the fake disk's text files under the request's roots (the agent tools' and
// the histories' places under /home/ada), every secret of every environment, 8
// characters or more, looked for literally (core also looks for every encoded form:
// tests/sweep.rs covers those), findings grouped by variable, current ones recorded as
// leaked until the secret is rotated. Redaction replaces one variable's copies, refusing
// files git tracks.
import type { LeakGroup } from '../lib/bindings/LeakGroup';
import type { RedactRequest } from '../lib/bindings/RedactRequest';
import type { RedactResult } from '../lib/bindings/RedactResult';
import type { SweepRequest } from '../lib/bindings/SweepRequest';
import type { SweepView } from '../lib/bindings/SweepView';
import { SWEEP_PROGRESS_EVENT } from '../lib/bindings/events';
import type { FakeBackend } from './fakeBackend';
import { ipcError } from './fakeRules';

/** Where --agents and --history look, on the fake disk. */
export const AGENT_PLACES = ['/home/ada/.claude', '/home/ada/.codex', '/home/ada/.cursor'];
export const HISTORIES = ['/home/ada/.bash_history', '/home/ada/.zsh_history'];
const MIN_SOUGHT_LEN = 8;

type Args = Record<string, unknown>;

function fullPath(path: string): string {
  const typed = path.trim();
  const full = typed.startsWith('~/') ? `/home/ada/${typed.slice(2)}` : typed;
  if (!full.startsWith('/')) throw ipcError('io', `give ${typed}'s full path (like /home/you/notes)`);
  return full;
}

/** Every secret value, with its variable and environment, as core's Vault::sought gathers them. */
function sought(rust: FakeBackend): { value: string; name: string; env: string; status: 'current' | 'past' }[] {
  const all: { value: string; name: string; env: string; status: 'current' | 'past' }[] = [];
  for (const [env, entries] of rust.envs) {
    for (const entry of entries.values()) {
      if (entry.row.kind !== 'secret') continue;
      all.push({ value: entry.value, name: entry.row.name, env, status: 'current' });
      for (const past of entry.meta.history) all.push({ value: past, name: entry.row.name, env, status: 'past' });
    }
  }
  return all;
}

function sweep(rust: FakeBackend, request: SweepRequest): SweepView {
  const roots = request.paths.map(fullPath);
  if (request.agents) roots.push(...AGENT_PLACES);
  if (request.history) roots.push(...HISTORIES);
  if (roots.length === 0) throw ipcError('io', 'nothing to sweep: choose a folder, agent tools or histories');
  rust.unlockedVault();
  const values = sought(rust);
  const wanted = values.filter((v) => [...v.value].length >= MIN_SOUGHT_LEN);
  const files = [...rust.files.entries()].filter(
    (e): e is [string, string] => typeof e[1] === 'string' && roots.some((r) => e[0] === r || e[0].startsWith(`${r}/`)),
  );
  const groups: LeakGroup[] = [];
  let bytes = 0;
  for (const [path, text] of files.sort(([a], [b]) => a.localeCompare(b))) {
    bytes += text.length;
    text.split('\n').forEach((line, i) => {
      for (const v of wanted) {
        const at = line.indexOf(v.value);
        if (at < 0) continue;
        let group = groups.find((g) => g.variable === v.name && g.environment === v.env && g.status === v.status);
        if (!group) {
          group = { variable: v.name, environment: v.env, provider: null, status: v.status, places: [] };
          groups.push(group);
        }
        group.places.push({ place: path, line: i + 1, column: at + 1, form: 'literal', redactable: true, file: path });
      }
    });
    rust.emit(SWEEP_PROGRESS_EVENT, { files: 1, totalFiles: files.length, bytes, totalBytes: bytes });
  }
  const now = new Date().toISOString();
  for (const g of groups.filter((g) => g.status === 'current')) {
    rust.leaks.set(`${g.environment}/${g.variable}`, { places: [...new Set(g.places.map((p) => p.place))].slice(0, 20), found: now });
  }
  const rank = { current: 0, past: 1, unmanaged: 2 } as const;
  groups.sort((a, b) => rank[a.status] - rank[b.status] || (a.variable ?? '').localeCompare(b.variable ?? ''));
  return {
    files: files.length,
    bytes,
    values: new Set(wanted.map((v) => v.value)).size,
    skippedShort: values.length - wanted.length,
    unreadable: 0,
    groups,
  };
}

function redact(rust: FakeBackend, request: RedactRequest): RedactResult {
  const [variable, env] = [rust.varName(request.variable), rust.envName(request.environment)];
  const paths = request.paths.map(fullPath);
  rust.unlockedVault();
  const values = sought(rust).filter((v) => v.name === variable && v.env === env && [...v.value].length >= MIN_SOUGHT_LEN);
  const result: RedactResult = { redacted: 0, refused: [] };
  for (const path of paths) {
    if (rust.tracked.has(path)) {
      result.refused.push(`${path} is tracked by git: its history holds the value already, so rotate the key instead`);
      continue;
    }
    const found = rust.files.get(path);
    if (typeof found !== 'string') continue;
    let text: string = found;
    for (const v of values) {
      const parts: string[] = text.split(v.value);
      result.redacted += parts.length - 1;
      text = parts.join(`<latchkey:${variable}>`);
    }
    rust.files.set(path, text);
  }
  return result;
}

export function leakCommand(rust: FakeBackend, cmd: 'sweep' | 'redact_leaks', args: Args): SweepView | RedactResult {
  return cmd === 'sweep' ? sweep(rust, args.request as SweepRequest) : redact(rust, args.request as RedactRequest);
}
