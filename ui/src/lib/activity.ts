// The activity (audit) log as the Activity screen shows it: a word and a tone for each
// kind of access, who accessed, how a run ended, what a brokered run's request was, and the
// filters by variable and by agent.
import type { Access } from './bindings/Access';
import type { ActivityEntry } from './bindings/ActivityEntry';
import { requestLine } from './broker';

export type Tone = 'accent' | 'secret' | 'config' | 'warn' | 'bad' | 'neutral';

/** Each access kind Rust records, as a badge with an explanation. */
export const ACCESSES: Record<Access, { label: string; tone: Tone; title: string }> = {
  grant: { label: 'Grant', tone: 'accent', title: 'Given to a program: an agent launched here, or `latchkey run`' },
  get: { label: 'Get', tone: 'config', title: 'Printed by `latchkey get`' },
  export: { label: 'Export', tone: 'warn', title: 'Written to a file by an export' },
  inject: { label: 'Inject', tone: 'secret', title: 'Filled into a template by `latchkey inject`' },
  reveal: { label: 'Reveal', tone: 'warn', title: 'Shown in this window (Reveal)' },
  copy: { label: 'Copy', tone: 'neutral', title: 'Copied to the clipboard from this window' },
  identity: { label: 'Identity', tone: 'warn', title: "The vault's identity written to a file by `latchkey identity export`" },
  // Rust folds each run's exit entry into its grant: one shows only from a newer log.
  exit: { label: 'Exit', tone: 'neutral', title: 'A launched program ended' },
  request: {
    label: 'Request',
    tone: 'config',
    title: "A brokered agent's request: the broker put the key into it for the key's own provider",
  },
  refused: { label: 'Refused', tone: 'bad', title: "A brokered agent's request the broker refused: no key went out" },
  rotate: { label: 'Rotate', tone: 'accent', title: 'Rotated to a new value (`latchkey rotate`, or Rotate in this window)' },
  rollback: { label: 'Rollback', tone: 'warn', title: 'Its previous value restored (`latchkey rollback`, or Roll back in this window)' },
};

/**
 * A brokered request's entry as a line, "GET api.openai.com/v1/models → 200"; null for an
 * entry that is no request.
 */
export function activityRequest(e: ActivityEntry): string | null {
  if ((e.access !== 'request' && e.access !== 'refused') || e.method === null || e.host === null) return null;
  return requestLine(e.method, e.host, e.path ?? '', e.status);
}

/** The badge of an access kind, also for a kind this version does not know. */
export function accessBadge(access: string): { label: string; tone: Tone; title: string } {
  return Object.hasOwn(ACCESSES, access)
    ? ACCESSES[access as Access]
    : { label: access.charAt(0).toUpperCase() + access.slice(1), tone: 'neutral', title: access };
}

/**
 * How a run ended, for the Exit column: its exit code, or for a grant without one (a run
 * still going, or one whose latchkey was killed) "no exit recorded"; null for an entry
 * that is not a run.
 */
export function exitLabel(e: ActivityEntry): string | null {
  if (e.exitCode !== null) return String(e.exitCode);
  return e.access === 'grant' ? 'no exit recorded' : null;
}

/**
 * The agent filter's value for an entry: `profile:<name>` for a grant through a profile,
 * `program:<name>` for a program run without one, null for neither.
 */
export function agentKey(e: ActivityEntry): string | null {
  if (e.profile) return `profile:${e.profile}`;
  if (e.program) return `program:${e.program}`;
  return null;
}

/** Every variable name and every agent in the log, sorted, for the filters. */
export function activityFacets(entries: readonly ActivityEntry[]): { names: string[]; profiles: string[]; programs: string[] } {
  const names = new Set<string>();
  const profiles = new Set<string>();
  const programs = new Set<string>();
  for (const e of entries) {
    for (const n of e.names) names.add(n);
    if (e.profile) profiles.add(e.profile);
    else if (e.program) programs.add(e.program);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { names: sorted(names), profiles: sorted(profiles), programs: sorted(programs) };
}

/** The entries naming `variable` (any when '') accessed by `agent` (an agentKey; any when ''). */
export function filterActivity(entries: readonly ActivityEntry[], variable: string, agent: string): ActivityEntry[] {
  return entries.filter((e) => (variable === '' || e.names.includes(variable)) && (agent === '' || agentKey(e) === agent));
}
