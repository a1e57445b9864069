// The credential broker as the window shows it: a profile's broker settings as the dialog
// edits them, and a brokered run's requests as its request list shows them (names, a
// method, a host and a path: never a header, a body, a query or a value). Rust checks the
// allowed hosts (`invalid_host`); nothing here copies that rule.
import type { AgentRequest } from './bindings/AgentRequest';
import type { BrokerSettings } from './bindings/BrokerSettings';
import type { Egress } from './bindings/Egress';

/** What a profile turned brokered starts with: Rust's defaults. */
export const DEFAULT_BROKER: BrokerSettings = { egress: 'strict', allowHosts: [], only: false };

/** The egress choices, as the dialog offers them. */
export const EGRESS: { value: Egress; label: string }[] = [
  { value: 'strict', label: 'Strict: only the hosts of brokered keys (and the allowed hosts)' },
  { value: 'open', label: 'Open: other hosts tunnelled without inspection' },
];

/** The hosts typed in the Allowed hosts field: comma- or newline-separated, trimmed, empty ones dropped. */
export function parseHosts(text: string): string[] {
  return text
    .split(/[,\n\r]/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

/** A profile's allowed hosts, for the field: one a line. */
export function formatHosts(hosts: readonly string[]): string {
  return hosts.join('\n');
}

/** The settings the dialog saves: null when the broker is off. */
export function brokerRequest(on: boolean, egress: Egress, hosts: string, only: boolean): BrokerSettings | null {
  return on ? { egress, allowHosts: parseHosts(hosts), only } : null;
}

/** A profile's broker settings in a line, for the Brokered badge's title. */
export function brokerSummary(b: BrokerSettings): string {
  const parts = [b.egress === 'open' ? 'open egress: other hosts tunnelled without inspection' : 'strict egress: only the hosts of brokered keys'];
  if (b.allowHosts.length > 0) parts.push(`allowed: ${b.allowHosts.join(', ')}`);
  if (b.only) parts.push('secrets the broker cannot carry are withheld');
  return `Brokered, the agent gets placeholders, never keys (${parts.join('; ')})`;
}

/**
 * How a request ended, for its row: `refused` by the broker (403 or 407, with a reason),
 * `failed` (the broker could not reach the provider: a reason too), else `ok` (whatever
 * status the provider answered).
 */
export type RequestOutcome = 'ok' | 'refused' | 'failed';

export function requestOutcome(r: Pick<AgentRequest, 'status' | 'problem'>): RequestOutcome {
  if (r.problem === null) return 'ok';
  return r.status === 403 || r.status === 407 ? 'refused' : 'failed';
}

/** "api.openai.com/v1/models": the host and the path (no query: Rust never sends one). */
export function requestTarget(host: string, path: string): string {
  return path === '' || path.startsWith('/') ? `${host}${path}` : `${host}/${path}`;
}

/** "GET api.openai.com/v1/models → 200", for the Activity screen. */
export function requestLine(method: string, host: string, path: string, status: number | null): string {
  const line = `${method} ${requestTarget(host, path)}`;
  return status === null ? line : `${line} → ${status}`;
}

/** A byte count, short: "0 B", "812 B", "4.2 KB", "1.5 MB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} KB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(1)} GB`;
}

/** The local time of day of an RFC 3339 instant, to the second ("14:03:27"). */
export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
