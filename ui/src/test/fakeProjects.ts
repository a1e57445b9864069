// The fake backend's project commands, as src-tauri/src/commands/projects.rs and core's
// project module answer them: open_project finds the latchkey.toml at or above a folder
// (or takes the file), refuses what core refuses, checks the vault's gate, compares the
// contract with the vault (names only) and remembers the file; the recent list needs no
// unlock. The fake disk is FakeBackend's `projects` and `folders`: no TOML is parsed.
import type { ProjectEnv } from '../lib/bindings/ProjectEnv';
import type { ProjectView } from '../lib/bindings/ProjectView';
import type { RecentProject } from '../lib/bindings/RecentProject';
import type { State } from '../lib/bindings/State';
import type { FakeBackend, FakeDeclared, FakeProject } from './fakeBackend';
import { ipcError, rustTrim } from './fakeRules';

const FILE_NAME = 'latchkey.toml';
/** How many recent projects are kept (core's recent::KEPT). */
const KEPT = 10;

type Args = Record<string, unknown>;

/** The folder that holds `path` (Path::parent), `/` at the top. */
function parent(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** `path` without a trailing slash, as a path compares (`/a/b/` is `/a/b`). */
function plain(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** std::path::absolute against the app's current directory. */
function absolute(rust: FakeBackend, path: string): string {
  return path.startsWith('/') ? path : `${plain(rust.currentDir)}/${path}`;
}

/** Path::is_dir on the fake disk: a folder it was given, or one above a project file. */
function isDir(rust: FakeBackend, path: string): boolean {
  const dir = plain(path);
  if (dir === '' || dir === '.') return false;
  if (dir === '/' || rust.folders.has(dir)) return true;
  return [...rust.projects.keys(), ...rust.folders].some((p) => p.startsWith(`${dir}/`));
}

/** core's project::find: the nearest latchkey.toml at or above `dir`. */
function find(rust: FakeBackend, dir: string): string | null {
  for (let d = plain(absolute(rust, dir)); ; d = parent(d)) {
    const candidate = d === '/' ? `/${FILE_NAME}` : `${d}/${FILE_NAME}`;
    if (rust.projects.has(candidate)) return candidate;
    if (d === '/') return null;
  }
}

/** Project::load: the file read, and refused as core refuses it (`project`). */
function load(rust: FakeBackend, path: string): { path: string; project: FakeProject } {
  const file = plain(absolute(rust, path));
  const project = rust.projects.get(file);
  if (!project) throw ipcError('project', `cannot read the project file ${file}: No such file or directory (os error 2)`);
  if (project.refused !== null) throw ipcError('project', project.refused);
  return { path: file, project };
}

/** Declared::value_in: the value the file gives a config variable in `env`. */
function valueIn(v: FakeDeclared, env: string): string | null {
  return v.values[env] ?? v.default;
}

/** Vault::project_status for every environment the project uses, the default first. */
function contract(rust: FakeBackend, p: FakeProject): ProjectEnv[] {
  const envs = [p.defaultEnv, ...p.envs].filter((e, i, all) => all.indexOf(e) === i);
  return envs.map((env) => {
    const exists = rust.envs.has(env);
    const held = exists ? rust.resolved(env) : new Map();
    const states = p.vars.map((v): State => {
      if (held.has(v.name)) return 'set';
      if (v.kind === 'config' && valueIn(v, env) !== null) return 'default';
      return v.required ? 'missing' : 'unset';
    });
    return {
      env,
      exists,
      states,
      missing: p.vars.filter((_, i) => states[i] === 'missing').map((v) => v.name),
      extra: [...held.keys()].filter((name) => !p.vars.some((v) => v.name === name)),
    };
  });
}

function view(rust: FakeBackend, path: string, p: FakeProject): ProjectView {
  return {
    path,
    root: parent(path),
    name: p.name,
    defaultEnv: p.defaultEnv,
    vars: p.vars.map((v) => ({ name: v.name, kind: v.kind, provider: v.provider, required: v.required, description: v.description })),
    envs: contract(rust, p),
    problems: [...p.problems],
  };
}

function recentList(rust: FakeBackend): RecentProject[] {
  return rust.recent.map((path) => ({ path, root: parent(path), exists: rust.projects.has(path) }));
}

function openProject(rust: FakeBackend, args: Args): ProjectView {
  const given = rustTrim(String(args.path));
  let found: { path: string; project: FakeProject };
  if (isDir(rust, given)) {
    const file = find(rust, given);
    if (file === null) {
      throw ipcError('no_project', `there is no latchkey.toml in ${given} or above: \`latchkey project init\` there writes one`);
    }
    found = load(rust, file);
  } else {
    found = load(rust, given);
  }
  rust.unlockedVault();
  const answer = view(rust, found.path, found.project);
  rust.recent = [found.path, ...rust.recent.filter((p) => p !== found.path)].slice(0, KEPT);
  return answer;
}

/** Answers the project command `cmd`. */
export function projectCommand(
  rust: FakeBackend,
  cmd: 'choose_project_folder' | 'open_project' | 'recent_projects' | 'forget_project',
  args: Args,
): unknown {
  switch (cmd) {
    case 'choose_project_folder':
      return rust.projectChoice;
    case 'open_project':
      return openProject(rust, args);
    case 'recent_projects':
      return recentList(rust);
    case 'forget_project':
      rust.recent = rust.recent.filter((p) => p !== args.path);
      return recentList(rust);
  }
}
