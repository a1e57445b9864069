// The fake backend's agent tools, as src-tauri/src/commands/agent_tools.rs answers them:
// Claude Code under /home/ada with one local MCP server holding a plaintext GitHub token
// and one remote server with a key in a header. Protect flips the local one to run
// through latchkey (core's rewriting is covered by tests/agents.rs), Unprotect flips it
// back, deny rules and the daily sweep are remembered.
import type { AgentToolsView } from '../lib/bindings/AgentToolsView';
import type { ProtectResult } from '../lib/bindings/ProtectResult';
import type { ServerRequest } from '../lib/bindings/ServerRequest';
import type { FakeBackend } from './fakeBackend';
import { ipcError } from './fakeRules';

type Args = Record<string, unknown>;

const CONFIG = '/home/ada/.claude.json';

function fresh(): AgentToolsView {
  return {
    tools: [{ id: 'claude-code', name: 'Claude Code', places: [CONFIG, '/home/ada/.claude/projects'] }],
    servers: [
      { tool: 'claude-code', name: 'github', config: CONFIG, runs: 'npx', secrets: ['env.GITHUB_TOKEN'], protected: false, protectable: true },
      { tool: 'claude-code', name: 'docs', config: CONFIG, runs: 'mcp.example.com', secrets: ['headers.Authorization'], protected: false, protectable: false },
    ],
    unreadable: [],
    claudeSettings: '/home/ada/.claude/settings.json',
    denyMissing: ['Read(./.env)', 'Read(./.env.*)', 'Read(~/.local/share/latchkey/**)'],
    dailySweep: false,
    lastSweep: null,
  };
}

const states = new WeakMap<FakeBackend, AgentToolsView>();

function state(rust: FakeBackend): AgentToolsView {
  let view = states.get(rust);
  if (!view) {
    view = fresh();
    states.set(rust, view);
  }
  return view;
}

function server(rust: FakeBackend, r: ServerRequest) {
  const found = state(rust).servers.find((s) => s.tool === r.tool && s.name === r.name && s.config === r.config);
  if (!found) throw ipcError('not_found', 'that server is no longer in its config: refresh the list');
  return found;
}

export function agentToolsCommand(rust: FakeBackend, cmd: string, args: Args): AgentToolsView | ProtectResult | string | number | null {
  rust.unlockedVault();
  const view = state(rust);
  switch (cmd) {
    case 'agent_tools':
      return structuredClone(view);
    case 'protect_server': {
      const r = args.request as ServerRequest;
      rust.env(rust.envName(r.environment ?? 'default'));
      const s = server(rust, r);
      if (!s.protectable) throw ipcError('agent_config', `${s.name} (${s.tool}) has no plaintext secret in its env block: nothing to protect`);
      const moved = s.secrets.filter((x) => x.startsWith('env.')).map((x) => x.slice(4));
      Object.assign(s, { runs: 'latchkey run', secrets: [], protected: true, protectable: false });
      return { profile: s.name, moved, reused: [], left: [] };
    }
    case 'unprotect_server': {
      const s = server(rust, args.request as ServerRequest);
      if (!s.protected) throw ipcError('agent_config', `${s.name} (${s.tool}) does not run through \`latchkey run --profile NAME --\`: nothing to restore`);
      Object.assign(s, { runs: 'npx', secrets: ['env.GITHUB_TOKEN'], protected: false, protectable: true });
      return s.name;
    }
    case 'add_deny_rules': {
      const added = view.denyMissing.length;
      view.denyMissing = [];
      return added;
    }
    case 'set_daily_sweep':
      view.dailySweep = args.on as boolean;
      return null;
    default:
      throw `command ${cmd} not found`;
  }
}
