import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX, formatPaths, parsePaths, SANDBOX_MODES, sandboxRequest, sandboxSummary } from './sandbox';

describe('sandbox settings in the profile dialog', () => {
  it('reads the paths one a line or comma-separated, trimmed, without empty entries', () => {
    expect(parsePaths('')).toEqual([]);
    expect(parsePaths(' \n\n ,, \r\n')).toEqual([]);
    expect(parsePaths(' /home/ada/project ,\n\n/home/ada/.cache,, \r\n /srv/data dir\n')).toEqual([
      '/home/ada/project',
      '/home/ada/.cache',
      '/srv/data dir',
    ]);
    expect(parsePaths(formatPaths(['/a', '/b c']))).toEqual(['/a', '/b c']);
    expect(formatPaths([])).toBe('');
  });

  it('saves null when the sandbox is off, the settings when it is on', () => {
    expect(sandboxRequest(false, 'best-effort', '/a', '/b')).toBeNull();
    expect(sandboxRequest(true, 'strict', '', '')).toEqual(DEFAULT_SANDBOX);
    expect(sandboxRequest(true, 'best-effort', '/home/ada/.cache, /srv/out', '/home/ada/.config/gh\n')).toEqual({
      mode: 'best-effort',
      writable: ['/home/ada/.cache', '/srv/out'],
      readable: ['/home/ada/.config/gh'],
    });
  });

  it('offers both modes, strict first (the default)', () => {
    expect(SANDBOX_MODES.map((m) => m.value)).toEqual(['strict', 'best-effort']);
    expect(DEFAULT_SANDBOX.mode).toBe('strict');
  });

  it('sums the settings up for the Sandboxed badge', () => {
    expect(sandboxSummary(DEFAULT_SANDBOX)).toBe(
      'Sandboxed, the agent reaches nothing but the broker (strict: refuses to start without every part)',
    );
    expect(sandboxSummary({ mode: 'best-effort', writable: ['/a', '/b'], readable: ['/c'] })).toBe(
      'Sandboxed, the agent reaches nothing but the broker (best effort: runs without what the kernel lacks; writable: /a, /b; readable: /c)',
    );
  });
});
