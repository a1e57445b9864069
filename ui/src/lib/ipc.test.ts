import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../test/fakeBackend';
import * as ipc from './ipc';

describe('ipc', () => {
  it('passes an IpcError rejection through unchanged', async () => {
    mockIPC(() => {
      throw { code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' };
    });
    await expect(ipc.unlock('nope')).rejects.toEqual({
      code: 'wrong_passphrase',
      message: 'That passphrase does not open this vault.',
    });
  });

  it('wraps a string rejection as an internal IpcError', async () => {
    mockIPC(() => {
      throw 'command list_variables not allowed';
    });
    await expect(ipc.listVariables('default')).rejects.toEqual({
      code: 'internal',
      message: 'command list_variables not allowed',
    });
  });

  it('wraps an Error or a half-shaped object as an internal IpcError', async () => {
    mockIPC(() => {
      throw new Error('boom');
    });
    await expect(ipc.appStatus()).rejects.toEqual({ code: 'internal', message: 'Error: boom' });

    mockIPC(() => {
      throw { code: 42 };
    });
    await expect(ipc.lock()).rejects.toMatchObject({ code: 'internal' });
  });

  it('normalises with toIpcError outside of invoke too', () => {
    expect(ipc.toIpcError({ code: 'x', message: 'y', extra: 1 })).toEqual({ code: 'x', message: 'y' });
    expect(ipc.toIpcError(undefined)).toEqual({ code: 'internal', message: 'undefined' });
    expect(ipc.isIpcError({ code: 'a', message: 'b' })).toBe(true);
    expect(ipc.isIpcError('a')).toBe(false);
  });

  it('sends each command its arguments in camelCase, as Rust expects', async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return null;
    });
    const request = {
      env: 'prod',
      name: 'OPENAI_API_KEY',
      kind: 'secret' as const,
      store: 'vault' as const,
      value: null,
      provider: 'openai',
      notes: null,
      force: false,
      created: null,
    };
    const typed = { env: 'prod', name: 'OPENAI_API_KEY', kind: 'secret' as const, value: 'sk-typed' };
    await ipc.appStatus();
    await ipc.createVault({ passphrase: null });
    await ipc.unlock(null);
    await ipc.lock();
    await ipc.setAutoLock(20);
    await ipc.activity();
    await ipc.listEnvironments();
    await ipc.listVariables('prod');
    await ipc.checkName('A_B');
    await ipc.setVariable(request);
    await ipc.deleteVariable('prod', 'OLD');
    await ipc.revealValue('prod', 'OPENAI_API_KEY');
    await ipc.copyValue('prod', 'OPENAI_API_KEY');
    await ipc.checkValue(typed);
    await ipc.verifyVariables('prod', 'OPENAI_API_KEY');
    await ipc.verifyVariables('prod', null);
    const importRequest = { env: 'prod', path: '/tmp/app/.env', allSecret: true, overwrite: false, force: false };
    const exportRequest = { env: 'prod', format: 'json' as const, only: ['A_B'], path: '/tmp/prod.json', allowTracked: false };
    await ipc.addEnvironment('staging', 'prod');
    await ipc.addEnvironment('scratch', null);
    await ipc.renameEnvironment('staging', 'stage');
    await ipc.deleteEnvironment('stage');
    await ipc.compareEnvironments('default', 'prod');
    await ipc.chooseImportFile();
    await ipc.chooseExportPath('prod.env');
    await ipc.previewImport(importRequest);
    await ipc.importFile(importRequest);
    await ipc.exportFile(exportRequest);
    await ipc.listExports();
    const profile = {
      name: 'coder',
      env: 'prod',
      vars: ['A_B'],
      command: 'python agent.py',
      cwd: null,
      broker: { egress: 'strict' as const, allowHosts: ['*.example.com'], only: true },
      sandbox: { mode: 'best-effort' as const, writable: ['/srv/out'], readable: [] },
      inherit: ['GOOGLE_APPLICATION_CREDENTIALS'],
      replace: false,
    };
    await ipc.listProfiles();
    await ipc.saveProfile(profile);
    await ipc.deleteProfile('coder');
    await ipc.launchAgent('coder');
    await ipc.stopAgent(3);
    await ipc.listActivity();
    const rotate = { env: 'prod', name: 'OPENAI_API_KEY', value: 'sk-new', force: false };
    const policy = { env: 'prod', name: 'OPENAI_API_KEY', everyDays: 30, expires: '2030-01-31' };
    await ipc.rotationStatus('prod', 'strict');
    await ipc.rotateSecret(rotate);
    await ipc.rollbackSecret('prod', 'OPENAI_API_KEY');
    await ipc.snoozeSecret('prod', 'OPENAI_API_KEY', 7);
    await ipc.setRotationPolicy(policy);
    await ipc.chooseProjectFolder();
    await ipc.openProject('/home/ada/app');
    await ipc.recentProjects();
    await ipc.forgetProject('/home/ada/app/latchkey.toml');
    const args = (a: unknown) => (a === undefined ? {} : a);
    expect(seen.map(([c, a]) => [c, args(a)])).toEqual([
      ['app_status', {}],
      ['create_vault', { request: { passphrase: null } }],
      ['unlock', { passphrase: null }],
      ['lock', {}],
      ['set_auto_lock', { minutes: 20 }],
      ['activity', {}],
      ['list_environments', {}],
      ['list_variables', { env: 'prod' }],
      ['check_name', { name: 'A_B' }],
      ['set_variable', { request }],
      ['delete_variable', { env: 'prod', name: 'OLD' }],
      ['reveal_value', { env: 'prod', name: 'OPENAI_API_KEY' }],
      ['copy_value', { env: 'prod', name: 'OPENAI_API_KEY' }],
      ['check_value', { request: typed }],
      ['verify_variables', { env: 'prod', name: 'OPENAI_API_KEY' }],
      ['verify_variables', { env: 'prod', name: null }],
      ['add_environment', { name: 'staging', extends: 'prod' }],
      ['add_environment', { name: 'scratch', extends: null }],
      ['rename_environment', { old: 'staging', new: 'stage' }],
      ['delete_environment', { name: 'stage' }],
      ['compare_environments', { first: 'default', second: 'prod' }],
      ['choose_import_file', {}],
      ['choose_export_path', { suggested: 'prod.env' }],
      ['preview_import', { request: importRequest }],
      ['import_file', { request: importRequest }],
      ['export_file', { request: exportRequest }],
      ['list_exports', {}],
      ['list_profiles', {}],
      ['save_profile', { request: profile }],
      ['delete_profile', { name: 'coder' }],
      ['launch_agent', { profile: 'coder' }],
      ['stop_agent', { id: 3 }],
      ['list_activity', {}],
      ['rotation_status', { env: 'prod', preset: 'strict' }],
      ['rotate_secret', { request: rotate }],
      ['rollback_secret', { env: 'prod', name: 'OPENAI_API_KEY' }],
      ['snooze_secret', { env: 'prod', name: 'OPENAI_API_KEY', days: 7 }],
      ['set_rotation_policy', { request: policy }],
      ['choose_project_folder', {}],
      ['open_project', { path: '/home/ada/app' }],
      ['recent_projects', {}],
      ['forget_project', { path: '/home/ada/app/latchkey.toml' }],
    ]);
  });

  it('calls back on "vault-locked" until unlistened', async () => {
    const rust = new FakeBackend().install();
    const cb = vi.fn();
    const unlisten = await ipc.onVaultLocked(cb);
    expect(rust.listening('vault-locked')).toBe(true);
    rust.emit('vault-locked');
    expect(cb).toHaveBeenCalledTimes(1);
    await unlisten();
    rust.emit('vault-locked');
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it('calls back on "open-rotation" until unlistened', async () => {
    const rust = new FakeBackend().install();
    const cb = vi.fn();
    const unlisten = await ipc.onOpenRotation(cb);
    expect(rust.listening('open-rotation')).toBe(true);
    rust.emit('open-rotation');
    expect(cb).toHaveBeenCalledTimes(1);
    await unlisten();
    rust.emit('open-rotation');
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it('calls back with the payloads of "agent-output" and "agent-exit" until unlistened', async () => {
    const rust = new FakeBackend().install();
    const output = vi.fn();
    const exit = vi.fn();
    const offOutput = await ipc.onAgentOutput(output);
    const offExit = await ipc.onAgentExit(exit);
    expect(rust.listening('agent-output')).toBe(true);
    expect(rust.listening('agent-exit')).toBe(true);
    rust.agentOutput(2, '\u001b[31mred\n', 'stderr');
    rust.agentExit(2, 143, 900);
    expect(output).toHaveBeenCalledWith({ id: 2, stream: 'stderr', text: '\u001b[31mred\n' });
    expect(exit).toHaveBeenCalledWith({ id: 2, code: 143, durationMs: 900, auditWarning: null });
    offOutput();
    offExit();
    await new Promise((resolve) => setTimeout(resolve, 0));
    rust.agentOutput(2, 'more');
    expect(output).toHaveBeenCalledTimes(1);
    expect(rust.listening('agent-exit')).toBe(false);
  });

  it('calls back with the payload of "agent-request" until unlistened', async () => {
    const rust = new FakeBackend().install();
    const cb = vi.fn();
    const off = await ipc.onAgentRequest(cb);
    expect(rust.listening('agent-request')).toBe(true);
    const sent = rust.agentRequest(4, { method: 'CONNECT', host: 'other.test', path: '', status: 403, problem: 'latchkey: refused' });
    expect(cb).toHaveBeenCalledWith(sent);
    expect(sent).toMatchObject({ id: 4, names: [], sent: 0, received: 0 });
    off();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rust.listening('agent-request')).toBe(false);
  });

  it('calls back when the window gains focus, not when it loses it', async () => {
    const rust = new FakeBackend().install();
    const cb = vi.fn();
    const unlisten = await ipc.onWindowFocus(cb);
    rust.emit('tauri://blur');
    expect(cb).not.toHaveBeenCalled();
    rust.emit('tauri://focus');
    expect(cb).toHaveBeenCalledTimes(1);
    unlisten();
  });
});
