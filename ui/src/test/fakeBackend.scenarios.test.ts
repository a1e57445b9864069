// The fake backend answers as the Rust commands do (issue 13): every scenario in
// ./scenarios runs here against a fresh fake, and in src-tauri/tests/scenarios.rs against
// the real commands, which recorded their answers in `<name>.expected.json`. Both sides
// normalise the same way: `files` go to a directory that `${dir}` names in arguments and
// answers, and every key listed in `ignore` is dropped from answers at any depth.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from './fakeBackend';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Scenario = { about: string; files: Record<string, string>; ignore: string[]; steps: { cmd: string; args?: Json }[] };
type Answer = { ok: Json } | { err: Json };

const here = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');
/** Where the fake keeps a scenario's files: fixed, as the Rust side's temporary directory is not. */
const DIR = '/scenario/files';

/**
 * Answers in an expected file that Rust gives but should not (reported on the issue, not
 * copied into the fake): the step, what Rust answers today, and what the fake answers. The
 * test fails as soon as Rust's recorded answer changes, so each entry goes when Rust is fixed.
 */
const KNOWN_RUST_BUGS: { scenario: string; step: number; why: string; rust: Answer; fake: Answer }[] = [];

function withDir(value: Json, dir: string): Json {
  if (typeof value === 'string') return value.replaceAll('${dir}', dir);
  if (Array.isArray(value)) return value.map((v) => withDir(v, dir));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDir(v, dir)]));
  return value;
}

function normalized(value: Json, ignore: string[], dir: string): Json {
  if (typeof value === 'string') return value.replaceAll(dir, '${dir}');
  if (Array.isArray(value)) return value.map((v) => normalized(v, ignore, dir));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !ignore.includes(k))
        .map(([k, v]) => [k, normalized(v, ignore, dir)]),
    );
  }
  return value;
}

/** Runs a scenario's steps through a fresh fake's command handler, normalised as Rust's are. */
async function answers(scenario: Scenario): Promise<Answer[]> {
  const rust = FakeBackend.fresh();
  for (const [name, text] of Object.entries(scenario.files)) rust.file(`${DIR}/${name}`, text);
  const out: Answer[] = [];
  for (const step of scenario.steps) {
    // A JSON round trip, as the answer crosses IPC: `undefined` fields go.
    const args = JSON.parse(JSON.stringify(withDir(step.args ?? {}, DIR))) as Record<string, unknown>;
    try {
      const value = (await rust.command(step.cmd, args)) ?? null;
      out.push({ ok: normalized(JSON.parse(JSON.stringify(value)) as Json, scenario.ignore, DIR) });
    } catch (e) {
      out.push({ err: normalized(JSON.parse(JSON.stringify(e)) as Json, scenario.ignore, DIR) });
    }
  }
  return out;
}

const names = readdirSync(here)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

const read = <T>(file: string): T => JSON.parse(readFileSync(join(here, file), 'utf8')) as T;

describe('the fake backend answers the scenarios as the Rust commands do', () => {
  it('finds the scenarios, each with its recorded answers', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const scenario = read<Scenario>(`${name}.json`);
      expect(read<Answer[]>(`${name}.expected.json`), name).toHaveLength(scenario.steps.length);
    }
  });

  it.each(names)('%s', async (name) => {
    const scenario = read<Scenario>(`${name}.json`);
    const expected = read<Answer[]>(`${name}.expected.json`);
    const got = await answers(scenario);
    expect(got).toHaveLength(expected.length);
    scenario.steps.forEach((step, i) => {
      const known = KNOWN_RUST_BUGS.find((b) => b.scenario === name && b.step === i);
      if (known) {
        expect(expected[i], `${name} step ${i}: Rust's answer changed; remove it from KNOWN_RUST_BUGS (${known.why})`).toStrictEqual(known.rust);
        expect(got[i], `${name} step ${i} (${step.cmd})`).toStrictEqual(known.fake);
      } else {
        expect(got[i], `${name} step ${i} (${step.cmd})`).toStrictEqual(expected[i]);
      }
    });
  });

  it('lists only known Rust bugs that are in a scenario', () => {
    for (const bug of KNOWN_RUST_BUGS) expect(names).toContain(bug.scenario);
  });
});
