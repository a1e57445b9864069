import { describe, expect, it } from 'vitest';
import { agentRuns } from './agents.svelte';
import type { AgentRequest } from './bindings/AgentRequest';
import type { AgentRun } from './bindings/AgentRun';
import {
  brokerRequest,
  brokerSummary,
  clockTime,
  formatBytes,
  formatHosts,
  parseHosts,
  requestLine,
  requestOutcome,
  requestTarget,
} from './broker';
import { MAX_REQUESTS, RequestLog } from './requests.svelte';
import { allowedHost, printable, rustTrim } from '../test/fakeRules';

const request = (i: number, r: Partial<AgentRequest> = {}): AgentRequest => ({
  id: 1,
  at: '2026-11-30T09:05:07Z',
  names: ['OPENAI_API_KEY'],
  method: 'GET',
  host: 'api.openai.com',
  path: `/v1/items/${i}`,
  status: 200,
  sent: 0,
  received: 10,
  problem: null,
  ...r,
});

describe('broker settings in the profile dialog', () => {
  it('reads the allowed hosts comma- or newline-separated, trimmed, without empty entries', () => {
    expect(parseHosts('')).toEqual([]);
    expect(parseHosts(' api.example.com ,\n\n*.example.org,, \r\n registry.npmjs.org\n')).toEqual([
      'api.example.com',
      '*.example.org',
      'registry.npmjs.org',
    ]);
    expect(parseHosts(formatHosts(['a.example.com', 'b.example.com']))).toEqual(['a.example.com', 'b.example.com']);
  });

  it('saves null when the broker is off, the settings when it is on', () => {
    expect(brokerRequest(false, 'open', 'a.example.com', true)).toBeNull();
    expect(brokerRequest(true, 'open', 'a.example.com, b.example.com', true)).toEqual({
      egress: 'open',
      allowHosts: ['a.example.com', 'b.example.com'],
      only: true,
    });
  });

  it('sums the settings up for the Brokered badge', () => {
    expect(brokerSummary({ egress: 'strict', allowHosts: [], only: false })).toBe(
      'Brokered, the agent gets placeholders, never keys (strict egress: only the hosts of brokered keys)',
    );
    expect(brokerSummary({ egress: 'open', allowHosts: ['a.example.com'], only: true })).toContain(
      'open egress: other hosts tunnelled without inspection; allowed: a.example.com; secrets the broker cannot carry are withheld',
    );
  });
});

describe("a brokered run's requests", () => {
  it('tells a refusal (403, 407) from a failure and from a request that went through', () => {
    expect(requestOutcome({ status: 200, problem: null })).toBe('ok');
    expect(requestOutcome({ status: 401, problem: null })).toBe('ok');
    expect(requestOutcome({ status: 403, problem: 'latchkey: other.test is not a host of any brokered key' })).toBe('refused');
    expect(requestOutcome({ status: 407, problem: 'latchkey: the proxy needs its login' })).toBe('refused');
    expect(requestOutcome({ status: 502, problem: 'latchkey: cannot reach api.openai.com:443' })).toBe('failed');
  });

  it('says where a request went, and how it ended', () => {
    expect(requestTarget('api.openai.com', '/v1/models')).toBe('api.openai.com/v1/models');
    expect(requestTarget('other.test', '')).toBe('other.test');
    expect(requestLine('GET', 'api.openai.com', '/v1/models', 200)).toBe('GET api.openai.com/v1/models → 200');
    expect(requestLine('CONNECT', 'other.test', '', 403)).toBe('CONNECT other.test → 403');
    expect(requestLine('POST', 'api.openai.com', '/v1/files', null)).toBe('POST api.openai.com/v1/files');
    expect([0, 812, 4_200, 1_500_000, 3_000_000_000].map(formatBytes)).toEqual(['0 B', '812 B', '4.2 KB', '1.5 MB', '3.0 GB']);
    expect(clockTime('not a time')).toBe('not a time');
    expect(clockTime(new Date(2026, 10, 30, 9, 5, 7).toISOString())).toBe('09:05:07');
  });

  it(`keeps the last ${MAX_REQUESTS} requests, and counts the others and the problems`, () => {
    const log = new RequestLog();
    for (let i = 0; i < MAX_REQUESTS + 20; i++) log.add(request(i, i % 100 === 0 ? { status: 403, problem: 'refused' } : {}));
    expect(log.items).toHaveLength(MAX_REQUESTS);
    expect(log.dropped).toBe(20);
    expect(log.total).toBe(MAX_REQUESTS + 20);
    expect(log.problems).toBe(6);
    expect(log.items[0].path).toBe('/v1/items/20');
    expect(log.items.at(-1)!.path).toBe(`/v1/items/${MAX_REQUESTS + 19}`);
    expect(log.items.map((r) => r.n)).toEqual(Array.from({ length: MAX_REQUESTS }, (_, i) => i + 20));
  });

  it('keeps the requests that arrive before launch_agent answers, and after the run ended', () => {
    const info: AgentRun = {
      id: 4,
      profile: 'coder',
      pid: 1,
      command: 'curl',
      notices: [],
      withheld: [],
      auditWarning: null,
      brokered: ['OPENAI_API_KEY'],
      sandboxed: false,
    };
    agentRuns.request(request(0, { id: 4 }));
    agentRuns.request(request(1, { id: 5 }));
    const run = agentRuns.start(info);
    expect(run.brokered).toEqual(['OPENAI_API_KEY']);
    expect(run.requests.items.map((r) => r.path)).toEqual(['/v1/items/0']);
    agentRuns.exit({ id: 4, code: 0, durationMs: 5, auditWarning: null });
    agentRuns.request(request(2, { id: 4 }));
    expect(run.requests.items.map((r) => r.path)).toEqual(['/v1/items/0', '/v1/items/2']);
    expect(agentRuns.start({ ...info, id: 6, brokered: null }).brokered).toBeNull();
  });
});

describe("the fake backend's host rule (core's broker::allowed_host)", () => {
  const error = (host: string) =>
    `\`${host}\` is not a host name: give one like api.example.com, or *.example.com for every host under it`;

  it('takes host names, addresses and *.domains, lower-cased', () => {
    expect(allowedHost('API.Example.com')).toEqual({ host: 'api.example.com' });
    expect(allowedHost('*.Example.ORG')).toEqual({ host: '*.example.org' });
    expect(allowedHost('127.0.0.1')).toEqual({ host: '127.0.0.1' });
    expect(allowedHost('[::1]')).toEqual({ host: '[::1]' });
    expect(allowedHost('localhost')).toEqual({ host: 'localhost' });
    expect(allowedHost(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`)).toHaveProperty('host');
  });

  it('refuses anything else, naming it as it was typed', () => {
    for (const bad of ['a b', '*.', '*', '*.*.example.com', 'example.com:443', '::1', 'https://x.example.com', 'a_b.example.com', '1.2.3.999', '[::1', 'bücher.example']) {
      expect(allowedHost(bad), bad).toEqual({ error: error(bad) });
    }
    expect(allowedHost('a'.repeat(254))).toEqual({ error: error('a'.repeat(254)) });
    expect(allowedHost('a\tb')).toEqual({ error: error('a\\tb') });
    expect(printable('x\u001b\u202ey')).toBe('x\\u{1b}\\u{202e}y');
    expect(rustTrim(' \u00a0x y\u3000\n')).toBe('x y');
    expect(rustTrim('\ufeffx')).toBe('\ufeffx');
  });
});
