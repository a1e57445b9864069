// A brokered run's requests, as the agent-request events tell them (names, a method, a
// host and a path: never a value), oldest first and bounded: an agent that makes requests
// for hours keeps only the last MAX_REQUESTS in memory, and the rest are counted.
import type { AgentRequest } from './bindings/AgentRequest';

/** The requests a run keeps; older ones are dropped (and counted). */
export const MAX_REQUESTS = 500;

/** One request of a run; `n` numbers them in the order they arrived. */
export type RunRequest = AgentRequest & { n: number };

export class RequestLog {
  /** The newest MAX_REQUESTS requests, oldest first. */
  items = $state.raw<RunRequest[]>([]);
  /** How many were dropped from the top. */
  dropped = $state(0);
  /** How many were refused by the broker or failed, of all that arrived. */
  problems = $state(0);
  #next = 0;

  get total(): number {
    return this.dropped + this.items.length;
  }

  add(r: AgentRequest): void {
    const all = [...this.items, { ...r, names: [...r.names], n: this.#next++ }];
    const over = all.length - MAX_REQUESTS;
    if (over > 0) this.dropped += over;
    this.items = over > 0 ? all.slice(over) : all;
    if (r.problem !== null) this.problems++;
  }
}
