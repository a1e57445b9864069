// Small rules of core the fake backend answers by: names (latchkey_core::name), values
// (value::check_text), a profile's command (shell words, as the app splits and joins it),
// rotation classes and schedules (rotation.rs). Each says what it copies; the scenario
// test holds the fake to Rust's recorded answers.
import type { ErrorCode } from '../lib/bindings/ErrorCode';
import type { IpcError } from '../lib/bindings/IpcError';
import type { SecretClass } from '../lib/bindings/SecretClass';
import type { Status } from '../lib/bindings/Status';

export function ipcError(code: ErrorCode, message: string): IpcError {
  return { code, message };
}

const MAX_NAME_LEN = 128;

/** core's VariableName::new, as an error message (never repeating the name), or null. */
export function variableNameError(name: string): string | null {
  if (name === '') return 'the variable name is empty';
  if (!/^[A-Za-z_]/.test(name)) {
    return 'that is not a valid variable name: start with a letter or `_`, then use only letters, digits and `_` (like OPENAI_API_KEY)';
  }
  if (name.length > MAX_NAME_LEN) return `the variable name is too long: use at most ${MAX_NAME_LEN} characters`;
  if (!/^[A-Za-z0-9_]*$/.test(name)) return 'that is not a valid variable name: use only letters, digits and `_` (like OPENAI_API_KEY)';
  return null;
}

/** core's slug rule for environment and profile names, as an error message, or null. */
export function slugError(name: string, what: 'environment' | 'profile'): string | null {
  const rule = `use lowercase letters, digits, \`-\` and \`_\`, starting with a letter or digit (like ${what === 'environment' ? 'prod' : 'coder'})`;
  if (name === '') return `the ${what} name is empty`;
  if (!/^[a-z0-9]/.test(name)) return `that is not a valid ${what} name: ${rule}`;
  if (name.length > MAX_NAME_LEN) return `the ${what} name is too long: use at most ${MAX_NAME_LEN} characters`;
  if (!/^[a-z0-9_-]*$/.test(name)) return `that is not a valid ${what} name: ${rule}`;
  return null;
}

/** core's value::check_text: why no variable can hold `value`, or null. */
export function valueError(value: string): string | null {
  if (value === '') return 'the value is empty: give a non-empty value';
  if (new TextEncoder().encode(value).length > 64 * 1024) return 'the value is larger than 64 KiB: store a path or a reference instead';
  if (value.includes('\u0000')) return 'the value contains a NUL byte, which an environment variable cannot carry';
  return null;
}

/** shell_words::split: the words of a command, or null when its quotes do not match. */
export function splitCommand(command: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && ['"', '\\', '$', '`'].includes(command[i + 1])) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < command.length) {
      word = (word ?? '') + command[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== null) return null;
  if (word !== null) words.push(word);
  return words;
}

/** A command's words as latchkey shows them: plain words bare, others in single quotes. */
export function joinCommand(words: string[]): string {
  return words
    .map((w) => (w !== '' && /^[A-Za-z0-9\-_./=:,+@%]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

/** core's SecretClass::of: what kind of secret a variable name suggests. */
export function secretClass(name: string): SecretClass {
  const upper = name.toUpperCase();
  if (upper.includes('WEBHOOK')) return 'webhook_secret';
  if (upper.includes('PASSWORD') || upper.includes('PASSWD') || upper.endsWith('_PASS') || upper.includes('DB_')) {
    return 'database_password';
  }
  if (upper.endsWith('_TOKEN') || upper.endsWith('_PAT')) return 'token';
  return 'api_key';
}

/** core's Presets::days: each preset's interval by class of secret. */
export const PRESETS: Record<'standard' | 'strict', Record<SecretClass, number>> = {
  standard: { api_key: 90, token: 90, database_password: 180, webhook_secret: 365 },
  strict: { api_key: 7, token: 7, database_password: 30, webhook_secret: 90 },
};

export const DAY_MS = 24 * 60 * 60_000;

/**
 * core's rotation::schedule: the interval (0 in a policy is never), the due time, and the
 * status at `now`. "Due soon" is within the shorter of 14 days and 20% of the interval.
 */
export function schedule(
  rotated: number,
  everyDays: number | null,
  presetDays: number,
  expires: string | null,
  now: number,
): { intervalDays: number | null; due: number | null; status: Status } {
  const intervalDays = everyDays === 0 ? null : (everyDays ?? presetDays);
  const due = intervalDays === null ? null : rotated + intervalDays * DAY_MS;
  const today = new Date(now).toISOString().slice(0, 10);
  const in14Days = new Date(now + 14 * DAY_MS).toISOString().slice(0, 10);
  let status: Status;
  if (expires !== null && today >= expires) status = 'expired';
  else if (due !== null && now >= due) status = 'overdue';
  else if (due !== null && intervalDays !== null && now >= due - Math.min((intervalDays * DAY_MS) / 5, 14 * DAY_MS)) status = 'due_soon';
  else if (due !== null) status = 'ok';
  else if (expires !== null && in14Days >= expires) status = 'due_soon';
  else if (expires !== null) status = 'ok';
  else status = 'no_policy';
  return { intervalDays, due, status };
}

/** Rust's string order (bytes), which Rust's listings are sorted by. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Rust's `char::is_whitespace` (Unicode White_Space), which `str::trim` trims: not JS's trim (which also trims U+FEFF). */
export function rustTrim(text: string): string {
  return text.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
}

/** core's text::printable: control and reordering characters escaped as Rust's `char::escape_default` does. */
export function printable(text: string): string {
  const special: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return [...text]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
      const reordering = (code >= 0x200b && code <= 0x200f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
      if (!control && !reordering) return c;
      return special[c] ?? `\\u{${code.toString(16)}}`;
    })
    .join('');
}

/**
 * Whether `bare` parses as a URL's host (url::Host::parse, the WHATWG host parser that
 * JS's URL runs too): an IPv6 address in brackets, or a domain, which may not hold `:`,
 * `[` or `]`, and which is an IPv4 address when it ends in a number.
 */
function parsesAsHost(bare: string): boolean {
  if (bare.startsWith('[') ? !bare.endsWith(']') : /[:[\]]/.test(bare)) return false;
  try {
    new URL(`http://${bare}/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * core's broker::allowed_host: a host name or address, optionally `*.` and a domain, in
 * letters, digits, `-`, `.`, `:`, `[` and `]`, at most 253 bytes: the host lower-cased,
 * or HostError's message.
 */
export function allowedHost(host: string): { host: string } | { error: string } {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  const fine = bare !== '' && new TextEncoder().encode(bare).length <= 253 && /^[A-Za-z0-9\-.:[\]]+$/.test(bare) && parsesAsHost(bare);
  if (fine) return { host: host.toLowerCase() };
  return { error: `\`${printable(host)}\` is not a host name: give one like api.example.com, or *.example.com for every host under it` };
}
