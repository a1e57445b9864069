// The Project screen's words: each state's badge, the summary of what is missing, and the
// name a project is shown by.
import type { Kind } from './bindings/Kind';
import type { ProjectView } from './bindings/ProjectView';
import type { State } from './bindings/State';

/** A missing variable to set from the Project screen: where, and as the project declares it. */
export type SetTarget = { env: string; name: string; kind: Kind; provider: string | null };

export const STATES: Record<State, { label: string; tone: 'good' | 'config' | 'bad' | 'neutral'; title: string }> = {
  set: { label: 'Set', tone: 'good', title: 'The vault holds it' },
  default: { label: 'Default', tone: 'config', title: 'The vault does not hold it: the project file gives its value' },
  missing: { label: 'Missing', tone: 'bad', title: 'Required, and neither the vault nor the project file gives it' },
  unset: { label: 'Unset', tone: 'neutral', title: 'Optional, and not given' },
};

/** How many required variables nothing gives, counted in each environment the project uses. */
export function missingCount(view: ProjectView): number {
  return view.envs.reduce((n, e) => n + e.missing.length, 0);
}

/** The summary line: everything required is there, or how much is not. */
export function contractSummary(view: ProjectView): string {
  const n = missingCount(view);
  if (n === 0) return 'Every required variable is set';
  return `${n} required ${n === 1 ? 'variable' : 'variables'} missing`;
}

/** Where the missing ones are, e.g. "in default: OPENAI_API_KEY; in prod: A, B". */
export function missingWhere(view: ProjectView): string {
  return view.envs
    .filter((e) => e.missing.length > 0)
    .map((e) => `in ${e.env}: ${e.missing.join(', ')}`)
    .join('; ');
}

/** The name the file gives, else the project's folder (its last part). */
export function projectTitle(view: Pick<ProjectView, 'name' | 'root'>): string {
  if (view.name) return view.name;
  const parts = view.root.split('/').filter((p) => p !== '');
  return parts.at(-1) ?? view.root;
}
