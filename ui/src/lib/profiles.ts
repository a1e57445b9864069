// Agent profile names as the user types them, and the profile list's wording.

/** The longest name Rust accepts. */
export const MAX_PROFILE_NAME = 128;

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Why `name` cannot be a new profile's name (Rust's rule, checked while typing), or null
 * when it can, or when nothing is typed yet. Rust checks again on save.
 */
export function profileNameError(name: string, existing: readonly string[]): string | null {
  if (name === '') return null;
  if (name.length > MAX_PROFILE_NAME) return `Use at most ${MAX_PROFILE_NAME} characters.`;
  if (!PROFILE_NAME.test(name)) {
    return 'Use lowercase letters, digits, - and _, starting with a letter or digit (like coder).';
  }
  if (existing.includes(name)) return `There is already a profile named ${name}.`;
  return null;
}

/** "3 profiles", "1 profile", "no profiles". */
export function profileCount(n: number): string {
  if (n === 0) return 'no profiles';
  return `${n} ${n === 1 ? 'profile' : 'profiles'}`;
}
