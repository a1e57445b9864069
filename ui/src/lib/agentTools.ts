// The agent tools on the Leaks screen, as Rust answers (src-tauri/src/commands/agent_tools.rs):
// the tools and MCP servers on this machine with the names of their plaintext secrets
// (never a value), Protect and Unprotect, Claude Code's deny rules, and the daily sweep.
import type { AgentToolsView } from './bindings/AgentToolsView';
import type { ProtectResult } from './bindings/ProtectResult';
import type { ServerRequest } from './bindings/ServerRequest';
import { call } from './ipc';

/** The agent tools, their servers, the deny rules Claude Code lacks, and the daily sweep's setting. */
export function agentTools(): Promise<AgentToolsView> {
  return call('agent_tools');
}

/** Moves a server's plaintext env keys into the vault and runs it through `latchkey run --profile NAME`. */
export function protectServer(request: ServerRequest): Promise<ProtectResult> {
  return call('protect_server', { request });
}

/** Restores a protected server: its command, and its keys back in its config. Resolves to its profile. */
export function unprotectServer(request: ServerRequest): Promise<string> {
  return call('unprotect_server', { request });
}

/** Adds the deny rules Claude Code's settings lack; resolves to how many. */
export function addDenyRules(): Promise<number> {
  return call('add_deny_rules');
}

/** Turns the daily sweep of the agent tools and histories on or off. */
export function setDailySweep(on: boolean): Promise<void> {
  return call('set_daily_sweep', { on });
}
