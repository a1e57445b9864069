// Words for the key checks: the table's status badge, the add dialog's findings and the
// toasts after a verification. Everything here works on codes and Rust's messages, never
// on a value (except trimValue, which the dialog calls on its own input).
import type { CheckInfo } from './bindings/CheckInfo';
import type { OnlineStatus } from './bindings/OnlineStatus';
import type { ProblemCode } from './bindings/ProblemCode';
import type { VerifyResult } from './bindings/VerifyResult';
import { relativeTime } from './time';

/** How a badge looks: good (verified), ok (format fine), warn, bad, neutral. */
export type Tone = 'good' | 'ok' | 'warn' | 'bad' | 'neutral';

export type Badge = {
  /** The code shown: an online status, a problem code, `ok` or `unknown`. */
  code: string;
  label: string;
  tone: Tone;
  /** The tooltip: every problem, and when the value was checked / verified. */
  title: string;
};

/**
 * Each problem code in a few words, and the tone of a stored value's badge when it is the
 * first problem. Whether a value cannot work (red) is never decided here: a ProblemInfo's
 * `refuses` and a CheckInfo's `refused` are computed in core.
 */
const PROBLEMS: Record<ProblemCode, { label: string; tone: Tone }> = {
  placeholder: { label: 'Placeholder', tone: 'warn' },
  checksum: { label: 'Bad checksum', tone: 'warn' },
  unconfirmed_checksum: { label: 'Checksum?', tone: 'warn' },
  provider_mismatch: { label: 'Wrong provider?', tone: 'warn' },
  format: { label: 'Unexpected format', tone: 'warn' },
  too_short: { label: 'Too short', tone: 'warn' },
  whitespace: { label: 'Whitespace', tone: 'warn' },
  non_printable: { label: 'Hidden characters', tone: 'warn' },
  low_entropy: { label: 'Looks like a password', tone: 'warn' },
  invalid_url: { label: 'Invalid URL', tone: 'warn' },
  lookalike_host: { label: 'Lookalike host', tone: 'warn' },
  credentials_in_url: { label: 'Credentials in URL', tone: 'warn' },
  insecure_scheme: { label: 'Insecure http', tone: 'warn' },
  host_not_allowed: { label: 'Unknown host', tone: 'warn' },
};

function known(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}

/** A problem code in a few words ("Bad checksum"); a code this version does not know as itself. */
export function problemLabel(code: string): string {
  return known(code) ? PROBLEMS[code].label : code.replaceAll('_', ' ');
}

const ONLINE: Record<OnlineStatus, { label: string; tone: Tone; meaning: string }> = {
  valid: { label: 'Valid', tone: 'good', meaning: 'The provider accepted the key' },
  invalid: { label: 'Rejected', tone: 'bad', meaning: 'The provider rejected the key' },
  indeterminate: { label: 'Unverified', tone: 'warn', meaning: 'The online check was inconclusive' },
  no_safe_check: { label: 'No safe check', tone: 'neutral', meaning: 'There is no safe way to check this key online' },
};

/** The status badge of a row's latest check: the online result first, else the format. */
export function statusBadge(check: CheckInfo, now: number = Date.now()): Badge {
  const lines: string[] = [];
  let badge: Omit<Badge, 'title'>;
  if (check.online) {
    const online = ONLINE[check.online];
    badge = { code: check.online, label: online.label, tone: online.tone };
    lines.push(check.onlineStatus === null ? online.meaning : `${online.meaning} (HTTP ${check.onlineStatus})`);
    if (check.onlineAt) lines.push(`Verified ${relativeTime(check.onlineAt, now)}`);
  } else if (check.format === 'invalid' && check.problems.length > 0) {
    const first = check.problems[0];
    badge = { code: first, label: problemLabel(first), tone: check.refused ? 'bad' : known(first) ? PROBLEMS[first].tone : 'warn' };
  } else if (check.format === 'unknown') {
    badge = { code: 'unknown', label: 'Unrecognised', tone: 'neutral' };
    lines.push('No known key format');
  } else {
    badge = { code: 'ok', label: 'Format OK', tone: 'ok' };
  }
  if (check.provider) lines.push(`Provider: ${check.provider}`);
  lines.push(check.problems.length > 0 ? `Problems: ${check.problems.map(problemLabel).join(', ')}` : 'No problems found');
  lines.push(`Checked ${relativeTime(check.checked, now)}`);
  return { ...badge, title: lines.join('\n') };
}

const ONLINE_WORDS: [OnlineStatus | null, string][] = [
  ['valid', 'valid'],
  ['invalid', 'rejected'],
  ['indeterminate', 'unverified'],
  ['no_safe_check', 'no safe check'],
  [null, 'not checked online'],
];

/** The toast after "Verify all": "Verified 3 variables in default: 2 valid, 1 rejected". */
export function verifySummary(env: string, results: VerifyResult[]): string {
  if (results.length === 0) return `Nothing to verify in ${env}`;
  const parts = ONLINE_WORDS.map(([status, word]) => [results.filter((r) => r.online === status).length, word] as const)
    .filter(([count]) => count > 0)
    .map(([count, word]) => `${count} ${word}`);
  const n = results.length;
  return `Verified ${n} ${n === 1 ? 'variable' : 'variables'} in ${env}: ${parts.join(', ')}`;
}

/** The toast after verifying one variable: its status and what the provider said. */
export function verifyMessage(result: VerifyResult): string {
  const why = result.message ?? result.check.problems[0]?.message ?? null;
  const status = result.online ? ONLINE[result.online].label.toLowerCase() : 'not checked online';
  return why ? `${result.name}: ${status} — ${why}` : `${result.name}: ${status}`;
}

// What Rust's str::trim removes (Unicode White_Space): unlike String.prototype.trim, it
// takes U+0085 and leaves U+FEFF (which Rust reports as a hidden character instead).
const EDGE_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function rustTrim(value: string): string {
  return value.replace(EDGE_SPACE, '');
}

/**
 * `value` without surrounding whitespace and one pair of matching quotes (", ', `): what
 * Rust's `trimmed` keeps when it reports a `whitespace` problem.
 */
export function trimValue(value: string): string {
  const inner = rustTrim(value);
  for (const quote of ['"', "'", '`']) {
    if (inner.length >= 2 && inner.startsWith(quote) && inner.endsWith(quote)) return rustTrim(inner.slice(1, -1));
  }
  return inner;
}

/** "Looks like an OpenAI key": the article a provider's name takes. */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** Rust's messages start in lower case ("the value is..."): as a sentence of its own. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
