// Guards the front end's shape: only src/lib/ipc.ts talks to Tauri, and the bindings are
// ts-rs style, one exported type per file named after it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const sources = files(src)
  .filter((f) => /\.(ts|js|svelte)$/.test(f))
  .map((f) => ({ path: relative(src, f).split('\\').join('/'), text: readFileSync(f, 'utf8') }));

describe('architecture', () => {
  it('finds the sources it scans', () => {
    const paths = sources.map((s) => s.path);
    expect(paths).toContain('lib/ipc.ts');
    expect(paths).toContain('App.svelte');
    expect(paths.length).toBeGreaterThan(20);
  });

  it('lets no file but lib/ipc.ts import invoke/listen or call invoke(', () => {
    const tauri = /from\s+['"]@tauri-apps\/api\/(core|event|window)['"]|import\(\s*['"]@tauri-apps\/api\/(core|event|window)['"]/;
    const bare = /from\s+['"]@tauri-apps\/api['"]/;
    const invokeCall = /(^|[^\w.$])invoke\s*\(/m;
    const internals = /__TAURI_INTERNALS__\s*\.\s*invoke\b/;
    const offenders = sources
      .filter((s) => s.path !== 'lib/ipc.ts' && s.path !== 'architecture.test.ts')
      .filter((s) => tauri.test(s.text) || bare.test(s.text) || invokeCall.test(s.text) || internals.test(s.text))
      .map((s) => s.path);
    expect(offenders).toEqual([]);
    const ipc = sources.find((s) => s.path === 'lib/ipc.ts')!.text;
    expect(ipc).toMatch(tauri);
  });

  it('keeps revealed values out of storage and the console', () => {
    const app = sources.filter((s) => !s.path.endsWith('.test.ts') && !s.path.startsWith('test/'));
    const banned = /localStorage|sessionStorage|indexedDB|console\.(log|debug|info)|document\.cookie|\beval\s*\(|new Function\s*\(/;
    expect(app.filter((s) => banned.test(s.text)).map((s) => s.path)).toEqual([]);
  });

  it('keeps every component and module under 400 lines (tests and generated bindings aside)', () => {
    const long = sources
      .filter((s) => !s.path.endsWith('.test.ts') && !s.path.startsWith('test/') && !s.path.startsWith('lib/bindings/'))
      .filter((s) => s.text.split('\n').length > 400)
      .map((s) => s.path);
    expect(long).toEqual([]);
  });

  it('uses no inline style attributes (the CSP has no unsafe-inline)', () => {
    const svelte = sources.filter((s) => s.path.endsWith('.svelte'));
    const inline = /\sstyle(=|:[\w-]+=)/;
    expect(svelte.filter((s) => inline.test(s.text.replace(/<style[\s\S]*?<\/style>/g, ''))).map((s) => s.path)).toEqual([]);
  });

  it('has ts-rs style bindings: the header, then one exported type named after its file', () => {
    const bindings = sources.filter((s) => s.path.startsWith('lib/bindings/') && s.path !== 'lib/bindings/events.ts');
    expect(bindings.map((b) => b.path.replace('lib/bindings/', '')).sort()).toEqual(
      [
        'Access.ts',
        'ActivityEntry.ts',
        'AgentExit.ts',
        'AgentOutput.ts',
        'AgentRequest.ts',
        'AgentRun.ts',
        'AgentStream.ts',
        'AppStatus.ts',
        'BrokerSettings.ts',
        'CheckInfo.ts',
        'CheckValueRequest.ts',
        'Comparison.ts',
        'Copied.ts',
        'CreateVaultRequest.ts',
        'DeclaredInfo.ts',
        'Egress.ts',
        'EnvironmentInfo.ts',
        'ErrorCode.ts',
        'ExportFileRequest.ts',
        'ExportFormatName.ts',
        'ExportInfo.ts',
        'ExportStateName.ts',
        'FindingForm.ts',
        'FindingStatus.ts',
        'FormatStatus.ts',
        'IdentityKind.ts',
        'ImportAction.ts',
        'ImportRequest.ts',
        'ImportRow.ts',
        'IpcError.ts',
        'MoveIdentityRequest.ts',
        'MovedIdentityInfo.ts',
        'LeakGroup.ts',
        'LeakInfo.ts',
        'LeakPlace.ts',
        'Kind.ts',
        'NameCheck.ts',
        'OnlineStatus.ts',
        'ProblemCode.ts',
        'ProblemInfo.ts',
        'ProfileInfo.ts',
        'ProjectEnv.ts',
        'ProjectView.ts',
        'RecentProject.ts',
        'RedactRequest.ts',
        'RedactResult.ts',
        'Revealed.ts',
        'RotateRequest.ts',
        'RotateResult.ts',
        'RotationPolicyRequest.ts',
        'RotationRow.ts',
        'SandboxMode.ts',
        'SandboxSettings.ts',
        'SaveProfileRequest.ts',
        'SecretClass.ts',
        'SetVariableRequest.ts',
        'State.ts',
        'Status.ts',
        'Store.ts',
        'SweepProgress.ts',
        'SweepRequest.ts',
        'SweepView.ts',
        'AgentToolsView.ts',
        'ProtectResult.ts',
        'ServerInfo.ts',
        'ServerRequest.ts',
        'ToolInfo.ts',
        'ValueCheck.ts',
        'VariableRow.ts',
        'VerifyResult.ts',
      ].sort(),
    );
    for (const b of bindings) {
      const name = b.path.replace('lib/bindings/', '').replace('.ts', '');
      expect(b.text.startsWith('// This file was generated by [ts-rs](https://github.com/Aleph-Alpha/ts-rs). Do not edit this file manually.\n')).toBe(true);
      expect(b.text).toMatch(new RegExp(`^export type ${name} = `, 'm'));
      for (const line of b.text.split('\n').filter((l) => l.startsWith('import'))) {
        expect(line).toMatch(/^import type \{ \w+ \} from "\.\/\w+";$/);
      }
    }
  });

  it('takes the event names from the generated events.ts, and codes from the generated unions', () => {
    const events = sources.find((s) => s.path === 'lib/bindings/events.ts')!.text;
    expect(events.startsWith('// Generated from src-tauri: the names of the events the app emits. Do not edit.\n')).toBe(true);
    const declared = [...events.matchAll(/^export const (\w+_EVENT) = "[\w-]+";$/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual(['AGENT_EXIT_EVENT', 'AGENT_OUTPUT_EVENT', 'AGENT_REQUEST_EVENT', 'OPEN_ROTATION_EVENT', 'SWEEP_PROGRESS_EVENT', 'VAULT_LOCKED_EVENT']);
    const app = sources.filter((s) => !s.path.startsWith('lib/bindings/') && !s.path.endsWith('.test.ts') && !s.path.startsWith('test/'));
    // No hand-copied event name: the app's code names each only through events.ts.
    for (const name of ['agent-output', 'agent-exit', 'agent-request', 'vault-locked', 'open-rotation']) {
      expect(app.filter((s) => s.text.includes(`'${name}'`) || s.text.includes(`"${name}"`)).map((s) => s.path), name).toEqual([]);
    }
    // No branching on a message's text.
    const onText = /\.message\.(includes|startsWith|endsWith|match|search|indexOf)\(|(?<!typeof [^\n]*)\.message\s*[!=]==/;
    expect(app.filter((s) => onText.test(s.text)).map((s) => s.path)).toEqual([]);
  });
});
