import { describe, expect, it, vi } from 'vitest';
import type { VariableRow } from './bindings/VariableRow';
import { filterRows } from './filter';
import { isShortcut } from './shortcuts';
import { throttle } from './throttle';
import { relativeTime, seconds } from './time';

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
