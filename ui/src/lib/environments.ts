// Environment names as the user types them, and which environment to compare with.
import type { EnvironmentInfo } from './bindings/EnvironmentInfo';

/** The longest name Rust accepts. */
export const MAX_ENV_NAME = 128;

const ENV_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Why `name` cannot be a new environment's name (Rust's rule, checked while typing), or
 * null when it can, or when nothing is typed yet. Rust checks again on save.
 */
export function envNameError(name: string, existing: readonly string[]): string | null {
  if (name === '') return null;
  if (name.length > MAX_ENV_NAME) return `Use at most ${MAX_ENV_NAME} characters.`;
  if (!ENV_NAME.test(name)) {
    return 'Use lowercase letters, digits, - and _, starting with a letter or digit (like prod).';
  }
  if (existing.includes(name)) return `There is already an environment named ${name}.`;
  return null;
}

/** "3 variables", "1 variable", "no variables". */
export function variableCount(n: number): string {
  if (n === 0) return 'no variables';
  return `${n} ${n === 1 ? 'variable' : 'variables'}`;
}

/**
 * What to compare `env` with by default: the environment it extends, else `default`,
 * else the first other one; null when there is no other.
 */
export function compareWith(env: string, envs: readonly EnvironmentInfo[]): string | null {
  const others = envs.filter((e) => e.name !== env);
  const base = envs.find((e) => e.name === env)?.extends ?? null;
  if (base !== null && others.some((e) => e.name === base)) return base;
  return others.find((e) => e.name === 'default')?.name ?? others[0]?.name ?? null;
}
