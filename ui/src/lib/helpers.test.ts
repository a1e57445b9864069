import { describe, expect, it, vi } from 'vitest';
import { accessBadge, activityFacets, agentKey, exitLabel, filterActivity } from './activity';
import type { Access } from './bindings/Access';
import type { ActivityEntry } from './bindings/ActivityEntry';
import type { ProblemCode } from './bindings/ProblemCode';
import type { VariableRow } from './bindings/VariableRow';
import type { VerifyResult } from './bindings/VerifyResult';
import { problemLabel, statusBadge, trimValue, verifyMessage, verifySummary, withArticle } from './checks';
import { compareWith, envNameError, variableCount } from './environments';
import { fileName, suggestedFileName } from './exports';
import { filterRows } from './filter';
import { profileCount, profileNameError } from './profiles';
import { isShortcut } from './shortcuts';
import { throttle } from './throttle';
import { formatDuration, relativeTime, seconds } from './time';

describe('relativeTime', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it.each([
    ['2025-06-01T11:59:40Z', 'just now'],
    ['2025-06-01T11:57:00Z', '3 min ago'],
    ['2025-06-01T09:00:00Z', '3 h ago'],
    ['2025-05-31T10:00:00Z', 'yesterday'],
    ['2025-05-25T12:00:00Z', '7 days ago'],
    ['2025-06-01T12:05:00Z', 'just now'],
  ])('%s is "%s"', (iso, text) => {
    expect(relativeTime(iso, now)).toBe(text);
  });
  it('keeps what it cannot parse', () => {
    expect(relativeTime('soon', now)).toBe('soon');
  });
  it('rounds durations to whole seconds', () => {
    expect(seconds(30_000)).toBe(30);
    expect(seconds(2_600)).toBe(3);
    expect(seconds(0)).toBe(1);
  });
});

describe('throttle', () => {
  it('lets one call through per interval', () => {
    let t = 0;
    const fn = vi.fn();
    const ping = throttle(fn, 20_000, () => t);
    ping();
    ping();
    t = 19_999;
    ping();
    expect(fn).toHaveBeenCalledTimes(1);
    t = 20_000;
    ping();
    ping();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('filterRows', () => {
  const row = (name: string, kind: 'secret' | 'config', provider: string | null, notes = ''): VariableRow => ({
    name,
    kind,
    store: 'vault',
    provider,
    notes,
    created: '',
    updated: '',
    check: null,
    inheritedFrom: null,
  });
  const rows = [row('OPENAI_API_KEY', 'secret', 'openai'), row('BASE_URL', 'config', null, 'the OpenAI proxy'), row('GH', 'secret', 'github')];
  it('matches names, providers and notes in any case', () => {
    expect(filterRows(rows, 'openai', 'all').map((r) => r.name)).toEqual(['OPENAI_API_KEY', 'BASE_URL']);
    expect(filterRows(rows, 'GITHUB', 'all').map((r) => r.name)).toEqual(['GH']);
    expect(filterRows(rows, '  ', 'all')).toHaveLength(3);
  });
  it('filters by kind', () => {
    expect(filterRows(rows, '', 'config').map((r) => r.name)).toEqual(['BASE_URL']);
    expect(filterRows(rows, 'openai', 'secret').map((r) => r.name)).toEqual(['OPENAI_API_KEY']);
  });
});

describe('isShortcut', () => {
  it('takes Ctrl or Cmd with the key, and nothing else', () => {
    expect(isShortcut(new KeyboardEvent('keydown', { key: 'n', ctrlKey: true }), 'n')).toBe(true);
    expect(isShortcut(new KeyboardEvent('keydown', { key: 'N', metaKey: true }), 'n')).toBe(true);
    expect(isShortcut(new KeyboardEvent('keydown', { key: 'n' }), 'n')).toBe(false);
    expect(isShortcut(new KeyboardEvent('keydown', { key: 'n', ctrlKey: true, shiftKey: true }), 'n')).toBe(false);
  });
});

describe('key check words', () => {
  it.each([
    ['  sk-abc \n', 'sk-abc'],
    ['"sk-abc"', 'sk-abc'],
    [" ' sk-abc ' ", 'sk-abc'],
    ['`sk-abc`', 'sk-abc'],
    ['""sk-abc""', '"sk-abc"'],
    ['"sk-abc\'', '"sk-abc\''],
    ['"', '"'],
    ['sk-abc', 'sk-abc'],
    ['\u00a0sk-abc\u0085', 'sk-abc'],
    ['\ufeffsk-abc', '\ufeffsk-abc'],
  ])('trims %j to %j', (value, trimmed) => {
    expect(trimValue(value)).toBe(trimmed);
  });

  it('names each problem code in a few words', () => {
    expect(problemLabel('checksum')).toBe('Bad checksum');
    expect(problemLabel('non_printable')).toBe('Hidden characters');
    expect(problemLabel('credentials_in_url')).toBe('Credentials in URL');
    expect(problemLabel('something_new')).toBe('something new');
    expect(withArticle('OpenAI')).toBe('an OpenAI');
    expect(withArticle('GitHub')).toBe('a GitHub');
  });

  it('gives the badge of a check, online first', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const check = {
      provider: 'github',
      format: 'invalid' as const,
      problems: ['checksum', 'whitespace'] as ProblemCode[],
      refused: true,
      checked: '2025-06-01T11:57:00Z',
      online: null,
      onlineStatus: null,
      onlineAt: null,
    };
    expect(statusBadge(check, now)).toEqual({
      code: 'checksum',
      label: 'Bad checksum',
      tone: 'bad',
      title: 'Provider: github\nProblems: Bad checksum, Whitespace\nChecked 3 min ago',
    });
    expect(statusBadge({ ...check, online: 'no_safe_check', onlineAt: '2025-06-01T09:00:00Z' }, now)).toMatchObject({
      code: 'no_safe_check',
      label: 'No safe check',
      tone: 'neutral',
    });
    expect(statusBadge({ ...check, online: 'no_safe_check', onlineAt: '2025-06-01T09:00:00Z' }, now).title).toContain('Verified 3 h ago');
  });

  it('sums up a verification', () => {
    const result = (name: string, online: VerifyResult['online'], message: string | null = null): VerifyResult => ({
      name,
      check: { provider: null, providerName: null, format: 'unknown', problems: [], refused: false },
      online,
      status: null,
      message,
    });
    expect(verifySummary('prod', [result('A', 'valid'), result('B', 'valid'), result('C', 'invalid')])).toBe(
      'Verified 3 variables in prod: 2 valid, 1 rejected',
    );
    expect(verifySummary('prod', [result('A', 'indeterminate'), result('B', 'no_safe_check'), result('C', null)])).toBe(
      'Verified 3 variables in prod: 1 unverified, 1 no safe check, 1 not checked online',
    );
    expect(verifySummary('prod', [result('A', 'valid')])).toBe('Verified 1 variable in prod: 1 valid');
    expect(verifySummary('dev', [])).toBe('Nothing to verify in dev');
    expect(verifyMessage(result('A', 'invalid', 'OpenAI rejected the key: create a new one'))).toBe(
      'A: rejected — OpenAI rejected the key: create a new one',
    );
    expect(verifyMessage(result('LOG_LEVEL', null))).toBe('LOG_LEVEL: not checked online');
  });
});

describe('environment names', () => {
  it('accepts what Rust accepts, and says why not otherwise', () => {
    expect(envNameError('', [])).toBeNull();
    expect(envNameError('staging', ['default'])).toBeNull();
    expect(envNameError('eu-west_2', [])).toBeNull();
    expect(envNameError('2fa', [])).toBeNull();
    const rule = 'Use lowercase letters, digits, - and _, starting with a letter or digit (like prod).';
    expect(envNameError('Prod', [])).toBe(rule);
    expect(envNameError('-prod', [])).toBe(rule);
    expect(envNameError('my env', [])).toBe(rule);
    expect(envNameError('x'.repeat(129), [])).toBe('Use at most 128 characters.');
    expect(envNameError('prod', ['default', 'prod'])).toBe('There is already an environment named prod.');
  });

  it('counts variables in words', () => {
    expect([0, 1, 3].map(variableCount)).toEqual(['no variables', '1 variable', '3 variables']);
  });

  it('compares with the base first, then default, then any other', () => {
    const envs = [
      { name: 'default', variables: 1, extends: null },
      { name: 'prod', variables: 1, extends: null },
      { name: 'staging', variables: 0, extends: 'prod' },
    ];
    expect(compareWith('staging', envs)).toBe('prod');
    expect(compareWith('prod', envs)).toBe('default');
    expect(compareWith('default', envs)).toBe('prod');
    expect(compareWith('default', envs.slice(0, 1))).toBeNull();
  });
});

describe('exports', () => {
  it('proposes a file name per format', () => {
    expect(suggestedFileName('prod', 'dotenv')).toBe('prod.env');
    expect(suggestedFileName('prod', 'json')).toBe('prod.json');
    expect(suggestedFileName('dev', 'shell')).toBe('dev.sh');
    expect(fileName('/home/ada/app/prod.env')).toBe('prod.env');
    expect(fileName('C:\\app\\prod.json')).toBe('prod.json');
  });

});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1_000, '1.0 s'],
    [4_260, '4.2 s'],
    [12_900, '12 s'],
    [65_000, '1 min 05 s'],
    [7_620_000, '2 h 07 min'],
    [-1, '—'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('profile names', () => {
  it('follows Rust\'s rule and refuses a name taken', () => {
    expect(profileNameError('', [])).toBeNull();
    expect(profileNameError('research-bot_2', ['coder'])).toBeNull();
    expect(profileNameError('Coder', [])).toMatch(/^Use lowercase letters/);
    expect(profileNameError('-x', [])).toMatch(/^Use lowercase letters/);
    expect(profileNameError('coder', ['coder'])).toBe('There is already a profile named coder.');
    expect(profileNameError('a'.repeat(129), [])).toBe('Use at most 128 characters.');
    expect([0, 1, 2].map(profileCount)).toEqual(['no profiles', '1 profile', '2 profiles']);
  });
});

describe('activity', () => {
  const entry = (seq: number, names: string[], profile: string | null, program: string | null, access: Access = 'grant'): ActivityEntry => ({
    seq,
    at: '',
    access,
    profile,
    program,
    env: 'default',
    names,
    exitCode: null,
    durationMs: null,
    path: null,
    method: null,
    host: null,
    status: null,
    reason: null,
    sandbox: null,
  });
  const log = [
    entry(3, ['B', 'A'], 'coder', 'python'),
    entry(2, ['A'], null, 'node'),
    entry(1, ['C'], null, null, 'reveal'),
  ];

  it('collects the names and agents seen, and filters by them', () => {
    expect(activityFacets(log)).toEqual({ names: ['A', 'B', 'C'], profiles: ['coder'], programs: ['node'] });
    expect(log.map(agentKey)).toEqual(['profile:coder', 'program:node', null]);
    expect(filterActivity(log, 'A', '').map((e) => e.seq)).toEqual([3, 2]);
    expect(filterActivity(log, 'A', 'program:node').map((e) => e.seq)).toEqual([2]);
    expect(filterActivity(log, '', 'profile:coder').map((e) => e.seq)).toEqual([3]);
    expect(filterActivity(log, 'C', 'profile:coder')).toEqual([]);
    expect(filterActivity(log, '', '')).toHaveLength(3);
  });

  it('names every access kind, and one it does not know', () => {
    expect(['grant', 'get', 'export', 'inject', 'reveal', 'copy'].map((a) => accessBadge(a).label)).toEqual([
      'Grant',
      'Get',
      'Export',
      'Inject',
      'Reveal',
      'Copy',
    ]);
    expect(accessBadge('identity').label).toBe('Identity');
    expect(accessBadge('audit')).toMatchObject({ label: 'Audit', tone: 'neutral' });
  });

  it('says how a run ended, and "no exit recorded" for a grant without one', () => {
    expect(exitLabel({ ...entry(1, [], 'coder', 'python'), exitCode: 0, durationMs: 5 })).toBe('0');
    expect(exitLabel(entry(2, [], 'coder', 'python'))).toBe('no exit recorded');
    expect(exitLabel(entry(3, ['A'], null, null, 'reveal'))).toBeNull();
  });
});

describe('Latest', () => {
  it('keeps only the newest request current, and none after cancel', async () => {
    const { Latest } = await import('./latest');
    const latest = new Latest();
    const first = latest.next();
    expect(first()).toBe(true);
    const second = latest.next();
    expect([first(), second()]).toEqual([false, true]);
    latest.cancel();
    expect(second()).toBe(false);
  });
});

describe('listenWhileMounted', () => {
  it('unlistens at once when the component is gone before the subscription arrives', async () => {
    const { listenWhileMounted } = await import('./subscription');
    let unlistened = 0;
    let resolve!: (fn: () => void) => void;
    const stop = listenWhileMounted(() => new Promise((r) => (resolve = r)), () => {});
    stop();
    resolve(() => unlistened++);
    await Promise.resolve();
    await Promise.resolve();
    expect(unlistened).toBe(1);
    const later = listenWhileMounted(async () => () => unlistened++, () => {});
    await Promise.resolve();
    await Promise.resolve();
    expect(unlistened).toBe(1);
    later();
    expect(unlistened).toBe(2);
  });
});
