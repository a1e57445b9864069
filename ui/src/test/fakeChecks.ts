// The fake backend's copy of core's format checks (latchkey_core::validate: key.rs,
// endpoint.rs, checksum.rs) and of import::classify, over a slice of the provider catalog
// (OpenAI, Anthropic, GitHub, Hugging Face, with their real formats and key pages). The
// generic rules (placeholders, entropy, whitespace, the problem order, the messages) are
// ported as they are, so the fake answers as Rust does for these providers; the scenario
// test (fakeBackend.scenarios.test.ts) holds it to Rust's recorded answers. Not ported: the
// other providers, GitHub's fine-grained token checksum, punycode lookalikes.
import type { FormatStatus } from '../lib/bindings/FormatStatus';
import type { Kind } from '../lib/bindings/Kind';
import type { ProblemCode } from '../lib/bindings/ProblemCode';
import type { ProblemInfo } from '../lib/bindings/ProblemInfo';
import type { ValueCheck } from '../lib/bindings/ValueCheck';

export type FakeProvider = {
  id: string;
  name: string;
  /** The conventional variable names of its keys. */
  variables: string[];
  /** The variables that hold its base URL. */
  baseUrlVariables: string[];
  /** Whole-value patterns; `crc32` marks GitHub-style checksummed keys. */
  formats: { pattern: RegExp; crc32?: boolean }[];
  hosts: string[];
  /** Other hosts serve its API (OpenAI-compatible servers): no host_not_allowed. */
  compatible: boolean;
  keysPage: string;
};

/** The slice of crates/core/src/validate/catalog.toml the fake knows. */
export const PROVIDERS: readonly FakeProvider[] = [
  {
    id: 'openai',
    name: 'OpenAI',
    variables: ['OPENAI_API_KEY'],
    baseUrlVariables: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'],
    formats: [
      { pattern: /^sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{58,74}T3BlbkFJ[A-Za-z0-9_-]{58,74}$/ },
      { pattern: /^sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}$/ },
    ],
    hosts: ['api.openai.com'],
    compatible: true,
    keysPage: 'https://platform.openai.com/api-keys',
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    variables: ['ANTHROPIC_API_KEY'],
    baseUrlVariables: ['ANTHROPIC_BASE_URL'],
    formats: [{ pattern: /^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/ }, { pattern: /^sk-ant-admin01-[A-Za-z0-9_-]{93}AA$/ }],
    hosts: ['api.anthropic.com'],
    compatible: true,
    keysPage: 'https://console.anthropic.com/settings/keys',
  },
  {
    id: 'huggingface',
    name: 'Hugging Face',
    variables: ['HF_TOKEN', 'HUGGINGFACE_API_KEY', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACEHUB_API_TOKEN'],
    baseUrlVariables: ['HF_ENDPOINT'],
    formats: [{ pattern: /^hf_[A-Za-z0-9]{34}$/ }, { pattern: /^api_org_[A-Za-z0-9]{34}$/ }],
    hosts: ['huggingface.co'],
    compatible: false,
    keysPage: 'https://huggingface.co/settings/tokens',
  },
  {
    id: 'github',
    name: 'GitHub',
    variables: ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_PAT', 'GH_ENTERPRISE_TOKEN'],
    baseUrlVariables: ['GITHUB_API_URL'],
    formats: [{ pattern: /^(?:ghp|gho|ghu|ghr)_[A-Za-z0-9]{36}$/, crc32: true }, { pattern: /^ghs_[A-Za-z0-9]{36}$/ }],
    hosts: ['api.github.com'],
    compatible: false,
    keysPage: 'https://github.com/settings/tokens',
  },
];

export function providerById(id: string | null): FakeProvider | null {
  return PROVIDERS.find((p) => p.id === id) ?? null;
}

/** Looks up a config value of the environment (its base URLs), by name. */
export type ConfigLookup = (name: string) => string | null;

/** core's order of problems (ProblemCode's declaration order): the most telling first. */
const ORDER: readonly ProblemCode[] = [
  'placeholder',
  'checksum',
  'unconfirmed_checksum',
  'provider_mismatch',
  'format',
  'too_short',
  'whitespace',
  'non_printable',
  'low_entropy',
  'invalid_url',
  'lookalike_host',
  'credentials_in_url',
  'insecure_scheme',
  'host_not_allowed',
];

/** core's ProblemCode::refuses_storing: the value cannot be a working key (for this variable). */
export function refuses(code: ProblemCode): boolean {
  return code === 'placeholder' || code === 'checksum' || code === 'provider_mismatch';
}

type Finding = { provider: string | null; format: FormatStatus; problems: ProblemInfo[] };

function finding(provider: string | null, found: [ProblemCode, string][]): Finding {
  const sorted = [...found].sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  const problems = sorted
    .filter(([code], i) => i === 0 || sorted[i - 1][0] !== code)
    .map(([code, message]) => ({ code, message, refuses: refuses(code) }));
  const format: FormatStatus = problems.length > 0 ? 'invalid' : provider ? 'ok' : 'unknown';
  return { provider, format, problems };
}

const MIN_LEN = 10;
const MAX_PASSWORD_LEN = 64;
const PLACEHOLDER_FRAGMENTS = [
  'example', 'sample', 'dummy', 'changeme', 'placeholder', 'yourkey', 'yourapi', 'yourtoken', 'yoursecret',
  'keyhere', 'tokenhere', 'replaceme', 'insertyour', 'redacted', 'notreal', 'missingapikey',
];
const PLACEHOLDER_WORDS = [
  'your', 'here', 'test', 'testing', 'example', 'sample', 'fake', 'mock', 'demo', 'dummy', 'todo', 'fixme',
  'changeme', 'replaceme', 'placeholder', 'none', 'null', 'undefined', 'insert', 'redacted',
];
const PASSWORD_WORDS = ['password', 'passwd', 'letmein', 'qwerty', 'welcome', 'iloveyou', 'monkey', 'dragon', '123456', 'admin'];

const bytes = (s: string) => new TextEncoder().encode(s);

// What Rust's str::trim removes (Unicode White_Space).
const EDGE_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** core's validate::trimmed: no surrounding whitespace, and one pair of quotes less. */
export function trimmed(value: string): string {
  const inner = value.replace(EDGE_SPACE, '');
  for (const quote of ['"', "'", '`']) {
    if (inner.length >= 2 && inner.startsWith(quote) && inner.endsWith(quote)) return inner.slice(1, -1).replace(EDGE_SPACE, '');
  }
  return inner;
}

/** The provider whose longest conventional name `name` is, or holds between `_` (core's longest_held). */
function longestHeld(name: string, names: (p: FakeProvider) => string[]): FakeProvider | null {
  const table = new Map(PROVIDERS.flatMap((p) => names(p).map((n) => [n, p] as const)));
  if (table.has(name)) return table.get(name)!;
  const parts = name.split('_');
  let best: { len: number; provider: FakeProvider } | null = null;
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j <= parts.length; j++) {
      const held = parts.slice(i, j).join('_');
      const provider = table.get(held);
      if (provider && (!best || held.length > best.len)) best = { len: held.length, provider };
    }
  }
  return best?.provider ?? null;
}

export const providerForName = (name: string) => longestHeld(name, (p) => p.variables);
const providerForUrlVariable = (name: string) => longestHeld(name, (p) => p.baseUrlVariables);

/** Every (provider, format) whose pattern the whole value matches. */
export function matches(value: string): { provider: FakeProvider; crc32: boolean }[] {
  return PROVIDERS.flatMap((provider) => provider.formats.filter((f) => f.pattern.test(value)).map((f) => ({ provider, crc32: !!f.crc32 })));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let c = 0xffffffff;
  for (const b of bytes(text)) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `prefix_` + 30 characters + the base62 CRC32 of those 30, 6 digits (core's checksum.rs). */
export function crc32Base62Holds(key: string): boolean {
  const body = key.slice(key.indexOf('_') + 1);
  if (!key.includes('_') || body.length !== 36) return false;
  let n = crc32(body.slice(0, 30));
  let digits = '';
  for (let i = 0; i < 6; i++) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  return digits === body.slice(30);
}

/** A GitHub classic token with a correct checksum, from 30 characters of `seed`. */
export function githubToken(seed: string): string {
  const data = (seed + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6').slice(0, 30);
  let n = crc32(data);
  let digits = '';
  for (let i = 0; i < 6; i++) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  return `ghp_${data}${digits}`;
}

const article = (word: string) => (/^[AEIOUaeiou]/.test(word) ? 'an' : 'a');

function isNonPrintable(c: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/.test(c);
}

function longestRun(value: string): number {
  let [best, run, last] = [0, 0, ''];
  for (const c of value) {
    run = c === last ? run + 1 : 1;
    last = c;
    best = Math.max(best, run);
  }
  return best;
}

function isPlaceholder(value: string, knownFormat: boolean): boolean {
  const template =
    (value.startsWith('<') && value.endsWith('>')) ||
    (value.includes('${') && value.includes('}')) ||
    (value.includes('{{') && value.includes('}}')) ||
    (value.length > 2 && value.startsWith('%') && value.endsWith('%')) ||
    (value.startsWith('$') && /^[A-Za-z0-9_]*$/.test(value.slice(1)));
  if (template || longestRun(value) >= 8 || /[xX]{6}/.test(value)) return true;
  const squashed = value.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  if (squashed.length >= 2 && [...squashed].every((c) => c === squashed[0])) return true;
  if (PLACEHOLDER_FRAGMENTS.some((f) => squashed.includes(f))) return true;
  return !knownFormat && value.split(/[^\p{L}\p{N}]/u).some((word) => PLACEHOLDER_WORDS.includes(word.toLowerCase()));
}

function shannonBitsPerChar(value: string): number {
  const counts = new Map<number, number>();
  const all = bytes(value);
  for (const b of all) counts.set(b, (counts.get(b) ?? 0) + 1);
  return [...counts.values()].map((n) => n / all.length).reduce((sum, p) => sum - p * Math.log2(p), 0);
}

function looksLikePassword(value: string): boolean {
  const lower = value.toLowerCase();
  if (PASSWORD_WORDS.some((w) => lower.includes(w))) return true;
  const b = bytes(value);
  const CHUNK = 6;
  for (let i = 0; i + 2 * CHUNK <= b.length; i++) {
    const chunk = b.slice(i, i + CHUNK).join(',');
    for (let j = i + CHUNK; j + CHUNK <= b.length; j++) if (b.slice(j, j + CHUNK).join(',') === chunk) return true;
  }
  return shannonBitsPerChar(value) < 2.5;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url.trim()).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** The format `value` has, preferring the provider the name suggests. */
function bestMatch(value: string, suggested: FakeProvider | null) {
  const found = matches(value);
  return found.find((m) => m.provider.id === suggested?.id) ?? found[0] ?? null;
}

/** core's key checks (validate/key.rs). */
function checkKey(name: string, raw: string, config: ConfigLookup): Finding {
  const problems: [ProblemCode, string][] = [];
  const value = trimmed(raw);
  if (value.length !== raw.length) {
    problems.push(['whitespace', 'the value has surrounding whitespace, quotes or a newline: store it trimmed']);
  }
  if ([...value].length < MIN_LEN) {
    problems.push(['too_short', `the value is shorter than ${MIN_LEN} characters: paste the whole key`]);
  }
  if (!value.startsWith('-----BEGIN') && [...value].some(isNonPrintable)) {
    problems.push(['non_printable', 'the value contains control or invisible characters: copy the key again from its source']);
  }
  const suggested = providerForName(name);
  const matched = bestMatch(value, suggested);
  if (matched) {
    const found = matched.provider;
    const served = (expected: FakeProvider) =>
      expected.baseUrlVariables.some((v) => {
        const host = hostOf(config(v) ?? '');
        return host !== null && found.hosts.includes(host);
      });
    if (suggested && suggested.id !== found.id && !served(suggested)) {
      problems.push([
        'provider_mismatch',
        `this looks like ${article(found.name)} ${found.name} key, but ${name} is where ${suggested.name} keys go: check that it was pasted into the right variable`,
      ]);
    }
    if (matched.crc32 && !crc32Base62Holds(value)) {
      problems.push([
        'checksum',
        `the checksum of this ${found.name} key is wrong: it was mistyped, truncated or copied from an example; copy it again`,
      ]);
    }
  } else if (suggested && suggested.formats.length > 0) {
    problems.push([
      'format',
      `this does not have the shape of ${article(suggested.name)} ${suggested.name} key: check it is complete and for ${suggested.name}`,
    ]);
  }
  if (isPlaceholder(value, matched !== null)) {
    problems.push(['placeholder', 'this is a placeholder or an example, not a real key: paste the key itself']);
  } else if (!matched && bytes(value).length >= MIN_LEN && bytes(value).length <= MAX_PASSWORD_LEN && looksLikePassword(value)) {
    problems.push(['low_entropy', 'this looks like a password or a word, not a generated key: use the key the provider issued']);
  }
  return finding((matched?.provider ?? suggested)?.id ?? null, problems);
}

const ENDPOINT_SUFFIXES = ['_BASE_URL', '_ENDPOINT', '_API_BASE', '_API_URL'];

export function isEndpointName(name: string): boolean {
  return ENDPOINT_SUFFIXES.some((s) => name.endsWith(s)) || ['BASE_URL', 'API_BASE', 'ENDPOINT'].includes(name);
}

function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** core's endpoint checks (validate/endpoint.rs), without punycode lookalikes. */
function checkEndpoint(name: string, raw: string): Finding {
  const problems: [ProblemCode, string][] = [];
  const value = trimmed(raw);
  if (value.length !== raw.length) problems.push(['whitespace', 'the URL has surrounding whitespace or quotes: store it trimmed']);
  const provider = providerForUrlVariable(name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(['invalid_url', 'this is not a valid URL (relative URL without a base): give a URL like https://host/path']);
    return finding(provider?.id ?? null, problems);
  }
  const scheme = url.protocol.slice(0, -1);
  if (!['http', 'https'].includes(scheme) || url.hostname === '') {
    problems.push(['invalid_url', `\`${scheme}:\` is not an http(s) URL with a host: give a URL like https://host/path`]);
    return finding(provider?.id ?? null, problems);
  }
  const host = url.hostname.toLowerCase();
  if (url.username !== '' || url.password !== '') {
    problems.push(['credentials_in_url', 'the URL carries a user name or password: keep credentials in their own secret variable']);
  }
  const loopback = host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
  if (scheme === 'http' && !loopback) {
    problems.push(['insecure_scheme', `http sends keys in the clear to ${host}: use https (plain http is fine only on localhost)`]);
  }
  const known = PROVIDERS.flatMap((p) => p.hosts);
  const lookalike = known.includes(host)
    ? null
    : (known.find((real) => host.startsWith(`${real}.`) || levenshtein(real, host) <= (real.length >= 10 ? 2 : 1)) ?? null);
  if (lookalike) problems.push(['lookalike_host', `${host} imitates ${lookalike}: check the URL against the provider's documentation`]);
  if (provider && !loopback && !lookalike && !provider.compatible && !provider.hosts.includes(host)) {
    problems.push(['host_not_allowed', `${host} is not a ${provider.name} host (${provider.hosts.join(', ')}): check the URL`]);
  }
  const owner = provider ?? PROVIDERS.find((p) => p.hosts.includes(host)) ?? null;
  return finding(owner?.id ?? null, problems);
}

/** core's validate::check, as check_value answers it (ValueCheck). */
export function fakeCheck(name: string, kind: Kind, value: string, config: ConfigLookup = () => null): ValueCheck {
  const f =
    isEndpointName(name) || providerForUrlVariable(name)
      ? checkEndpoint(name, value)
      : kind === 'secret'
        ? checkKey(name, value, config)
        : finding(null, []);
  return {
    provider: f.provider,
    providerName: providerById(f.provider)?.name ?? null,
    format: f.format,
    problems: f.problems,
    refused: f.problems.some((p) => p.refuses),
  };
}

const SECRET_WORDS = [
  'KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASS', 'PWD', 'CREDENTIAL', 'CREDENTIALS', 'AUTH', 'PRIVATE',
  'SIGNATURE', 'SALT', 'DSN', 'COOKIE', 'SESSION',
];
const CONFIG_WORDS = [
  'URL', 'URI', 'ENDPOINT', 'BASE', 'HOST', 'PORT', 'MODEL', 'LEVEL', 'REGION', 'VERSION', 'ENV', 'MODE', 'DIR',
  'PATH', 'TIMEOUT', 'DEBUG', 'NAME', 'ORG', 'ORGANIZATION', 'PROJECT', 'DEPLOYMENT', 'LANG', 'LOCALE', 'TZ', 'ID',
];
/** What Rust's `str::parse::<f64>` accepts. */
const NUMBER = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * core's import::classify: a known provider's key, a URL with a password, or a name with a
 * secret word is a secret; a setting's name, a number or a boolean is config; anything
 * else is a secret, the safe side.
 */
export function classify(name: string, value: string): Kind {
  const words = name.split('_').map((w) => w.toUpperCase());
  const has = (list: string[]) => words.some((w) => list.includes(w));
  if (matches(trimmed(value)).length > 0) return 'secret';
  try {
    if (new URL(value).password !== '') return 'secret';
  } catch {
    // not a URL
  }
  if (has(SECRET_WORDS)) return 'secret';
  const plain = NUMBER.test(value) || ['true', 'false', 'yes', 'no', 'on', 'off'].includes(value.toLowerCase());
  return has(CONFIG_WORDS) || plain || isEndpointName(name) ? 'config' : 'secret';
}
