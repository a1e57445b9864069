// The agents launched from this window: each run's log (ANSI colours as spans, at most
// MAX_LOG_LINES lines) and whether it is running, stopping or over. The runs outlive the
// Agents screen and a lock (the processes keep running in Rust, and Stop must stay
// reachable), so they live here, fed by the `agent-output`, `agent-request` (a brokered
// run's requests) and `agent-exit` events that App listens to for as long as the window
// is open. Output is masked by Rust before it
// gets here. What latchkey says about a run (its notices, the variables withheld, an
// audit record that failed) comes first in its log, and a failed audit record is also a
// warning toast: it is never silent.
import { PLAIN, parseAnsi, type AnsiSpan, type AnsiStyle } from './ansi';
import type { AgentExit } from './bindings/AgentExit';
import type { AgentOutput } from './bindings/AgentOutput';
import type { AgentRequest } from './bindings/AgentRequest';
import type { AgentRun } from './bindings/AgentRun';
import type { AgentStream } from './bindings/AgentStream';
import { onAgentExit, onAgentOutput, onAgentRequest, type UnlistenFn } from './ipc';
import { notices } from './notices.svelte';
import { MAX_REQUESTS, RequestLog } from './requests.svelte';

/** The lines a run's log keeps; older ones are dropped (and counted). */
export const MAX_LOG_LINES = 2000;
/** Text without a newline longer than this is cut into a line of its own. */
export const MAX_LINE_CHARS = 8_192;
/** Output kept for a run id the window does not know yet (launch_agent not answered). */
const EARLY_CHUNKS = 500;
const EARLY_RUNS = 16;

export type Stream = AgentStream;

/** One line of a log; `n` numbers the lines of a run (the open ones are negative). */
export type LogLine = { n: number; stream: Stream; spans: AnsiSpan[] };

export type RunPhase = 'running' | 'stopping' | 'exited' | 'stopped' | 'killed';

const SIGKILL = 9;
const SIGTERM = 15;

/** How a run is doing, as a word for its badge and a `data-state`. */
export function runStatus(exit: AgentExit | null, stopping: boolean): { phase: RunPhase; label: string } {
  if (exit === null) return stopping ? { phase: 'stopping', label: 'Stopping…' } : { phase: 'running', label: 'Running' };
  if (exit.code === 128 + SIGTERM) return { phase: 'stopped', label: 'Stopped (SIGTERM)' };
  if (exit.code === 128 + SIGKILL) return { phase: 'killed', label: 'Killed (SIGKILL)' };
  return { phase: 'exited', label: `Exited ${exit.code}` };
}

type StreamState = { carry: string; style: AnsiStyle };

/**
 * What latchkey says about a run before its output, as the CLI prints it on stderr: its
 * notices, the variables withheld from the command, and why its grant was not recorded.
 */
export function runNotes(run: AgentRun): string[] {
  const notes = [...run.notices];
  if (run.withheld.length > 0) notes.push(`withheld from the command: ${run.withheld.join(', ')}`);
  if (run.auditWarning) notes.push(run.auditWarning);
  return notes;
}

export class Run {
  readonly id: number;
  readonly profile: string;
  readonly pid: number;
  readonly command: string;
  /** For a brokered run, the secrets the agent holds placeholders for; null when not brokered. */
  readonly brokered: string[] | null;
  /** Whether the run is sandboxed: the broker is its only way out. */
  readonly sandboxed: boolean;
  /** A brokered run's requests, as they end. */
  readonly requests = new RequestLog();
  /** latchkey's lines about the run (runNotes), and why its end was not recorded. */
  notes = $state.raw<string[]>([]);
  /** The complete lines, oldest first. */
  lines = $state.raw<LogLine[]>([]);
  /** The lines still being written (no newline yet), at most one per stream. */
  open = $state.raw<LogLine[]>([]);
  /** How many lines were dropped from the top. */
  dropped = $state(0);
  /** Stop was asked for, and the exit event has not come yet. */
  stopping = $state(false);
  exit = $state.raw<AgentExit | null>(null);
  #next = 0;
  readonly #streams: Record<Stream, StreamState> = {
    stdout: { carry: '', style: PLAIN },
    stderr: { carry: '', style: PLAIN },
  };

  constructor(run: AgentRun) {
    this.id = run.id;
    this.profile = run.profile;
    this.pid = run.pid;
    this.command = run.command;
    this.brokered = run.brokered && [...run.brokered];
    this.sandboxed = run.sandboxed;
    this.notes = runNotes(run);
  }

  get running(): boolean {
    return this.exit === null;
  }

  get status(): { phase: RunPhase; label: string } {
    return runStatus(this.exit, this.stopping);
  }

  /** Adds a chunk of output: complete lines go to `lines`, the rest stays open. */
  write(stream: Stream, text: string): void {
    const s = this.#streams[stream];
    const parts = (s.carry + text).split('\n');
    s.carry = parts.pop() ?? '';
    const done = parts.map((part) => this.#line(stream, part));
    while (s.carry.length > MAX_LINE_CHARS) {
      const cut = s.carry.slice(0, MAX_LINE_CHARS);
      const { spans, style, rest } = parseAnsi(cut, s.style);
      done.push({ n: this.#next++, stream, spans });
      s.style = style;
      // An escape sequence cut in two stays whole for the next piece (unless it alone is too long).
      s.carry = (rest.length < MAX_LINE_CHARS ? rest : '') + s.carry.slice(MAX_LINE_CHARS);
    }
    this.#append(done);
    this.#reopen();
  }

  /** The run is over: what was left open becomes complete lines. */
  finish(exit: AgentExit): void {
    const done: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#streams[stream].carry !== '') done.push(this.#line(stream, this.#streams[stream].carry));
      this.#streams[stream].carry = '';
    }
    this.#append(done);
    this.open = [];
    this.exit = exit;
    this.stopping = false;
    if (exit.auditWarning) this.notes = [...this.notes, exit.auditWarning];
  }

  #line(stream: Stream, text: string): LogLine {
    const s = this.#streams[stream];
    const { spans, style } = parseAnsi(text.endsWith('\r') ? text.slice(0, -1) : text, s.style);
    s.style = style;
    return { n: this.#next++, stream, spans };
  }

  #append(done: LogLine[]): void {
    if (done.length === 0) return;
    const all = this.lines.concat(done);
    const over = all.length - MAX_LOG_LINES;
    if (over > 0) {
      this.dropped += over;
      this.lines = all.slice(over);
    } else {
      this.lines = all;
    }
  }

  #reopen(): void {
    const open: LogLine[] = [];
    (['stdout', 'stderr'] as const).forEach((stream, i) => {
      const s = this.#streams[stream];
      if (s.carry === '') return;
      const spans = parseAnsi(s.carry, s.style).spans;
      if (spans.length > 0) open.push({ n: -1 - i, stream, spans });
    });
    if (open.length > 0 || this.open.length > 0) this.open = open;
  }
}

type Early = { output: AgentOutput[]; requests: AgentRequest[]; exit: AgentExit | null };

class AgentRuns {
  /** Oldest first. */
  runs = $state.raw<Run[]>([]);
  /** The run whose log is shown. */
  selected = $state<number | null>(null);
  /** Events for runs not known yet: Rust may emit before launch_agent has answered. */
  readonly #early = new Map<number, Early>();

  get running(): number {
    return this.runs.filter((r) => r.running).length;
  }

  get(id: number | null): Run | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** A run launch_agent answered: shown at once, with anything it already printed. */
  start(info: AgentRun): Run {
    const known = this.get(info.id);
    if (known) return known;
    const run = new Run(info);
    warnAbout(run, info.auditWarning);
    const early = this.#early.get(info.id);
    this.#early.delete(info.id);
    for (const o of early?.output ?? []) run.write(o.stream, o.text);
    for (const r of early?.requests ?? []) run.requests.add(r);
    if (early?.exit) end(run, early.exit);
    this.runs = [...this.runs, run];
    this.selected = run.id;
    return run;
  }

  output(o: AgentOutput): void {
    const run = this.get(o.id);
    if (run) {
      if (run.running) run.write(o.stream, o.text);
      return;
    }
    const early = this.#earlyFor(o.id);
    if (early.output.length < EARLY_CHUNKS) early.output.push(o);
  }

  /** A brokered run's request ended: listed even after the run's end (Rust records them all first). */
  request(r: AgentRequest): void {
    const run = this.get(r.id);
    if (run) {
      run.requests.add(r);
      return;
    }
    const early = this.#earlyFor(r.id);
    if (early.requests.length < MAX_REQUESTS) early.requests.push(r);
  }

  exit(e: AgentExit): void {
    const run = this.get(e.id);
    if (run) {
      if (run.running) end(run, e);
      return;
    }
    this.#earlyFor(e.id).exit = e;
  }

  /** Shows "Stopping…" until the exit event (or `stopping(id, false)` when Stop failed). */
  stopping(id: number, on = true): void {
    const run = this.get(id);
    if (run?.running) run.stopping = on;
  }

  select(id: number): void {
    if (this.get(id)) this.selected = id;
  }

  /** Closes a run that is over, and its log. */
  dismiss(id: number): void {
    const at = this.runs.findIndex((r) => r.id === id);
    if (at < 0 || this.runs[at].running) return;
    const runs = this.runs.filter((r) => r.id !== id);
    this.runs = runs;
    if (this.selected === id) this.selected = (runs[at] ?? runs[at - 1])?.id ?? null;
  }

  /** Forgets every run: between tests. */
  reset(): void {
    this.runs = [];
    this.selected = null;
    this.#early.clear();
  }

  /** Follows the agents' events until the returned function is called. */
  async listen(): Promise<UnlistenFn> {
    const offs: UnlistenFn[] = [];
    const off = () => offs.forEach((f) => f());
    try {
      offs.push(await onAgentOutput((o) => this.output(o)));
      offs.push(await onAgentRequest((r) => this.request(r)));
      offs.push(await onAgentExit((e) => this.exit(e)));
    } catch (e) {
      off();
      throw e;
    }
    return off;
  }

  #earlyFor(id: number): Early {
    let early = this.#early.get(id);
    if (!early) {
      // Keep the newest: an id from before a reload will never be claimed.
      const oldest = this.#early.keys().next();
      if (this.#early.size >= EARLY_RUNS && !oldest.done) this.#early.delete(oldest.value);
      early = { output: [], requests: [], exit: null };
      this.#early.set(id, early);
    }
    return early;
  }
}

/** A failed audit record, as a warning toast naming the run. */
function warnAbout(run: Run, warning: string | null): void {
  if (warning) notices.warn(`${run.profile} (pid ${run.pid}): ${warning}`);
}

function end(run: Run, exit: AgentExit): void {
  run.finish(exit);
  warnAbout(run, exit.auditWarning);
}

export const agentRuns = new AgentRuns();
