import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, MAX_LOG_LINES, Run, agentRuns, runNotes, runStatus, type LogLine } from './agents.svelte';
import type { AgentExit } from './bindings/AgentExit';
import type { AgentRun } from './bindings/AgentRun';
import { notices } from './notices.svelte';

const E = '\u001b';
const info: AgentRun = { id: 7, profile: 'coder', pid: 4242, command: 'python agent.py', notices: [], withheld: [], auditWarning: null, brokered: null, sandboxed: false };
const ended = (id: number, code: number, durationMs: number, auditWarning: string | null = null): AgentExit => ({ id, code, durationMs, auditWarning });
const text = (lines: LogLine[]) => lines.map((l) => l.spans.map((s) => s.text).join(''));

describe('a run\'s log', () => {
  it('cuts the output into lines, whatever the chunks, and shows the line being written', () => {
    const run = new Run(info);
    run.write('stdout', 'one\ntw');
    expect(text(run.lines)).toEqual(['one']);
    expect(text(run.open)).toEqual(['tw']);
    run.write('stdout', 'o\n\nthree\n');
    expect(text(run.lines)).toEqual(['one', 'two', '', 'three']);
    expect(run.open).toEqual([]);
    expect(run.lines.map((l) => l.n)).toEqual([0, 1, 2, 3]);
  });

  it('keeps stdout and stderr apart, and Windows line ends out', () => {
    const run = new Run(info);
    run.write('stdout', 'partial ');
    run.write('stderr', 'warning: x\r\n');
    run.write('stdout', 'line\r\n');
    expect(run.lines.map((l) => [l.stream, text([l])[0]])).toEqual([
      ['stderr', 'warning: x'],
      ['stdout', 'partial line'],
    ]);
  });

  it('carries colours across lines and an escape sequence across chunks', () => {
    const run = new Run(info);
    run.write('stdout', `${E}[32mgreen\nstill green${E}[0m\n${E}[3`);
    run.write('stdout', '1mred\n');
    expect(run.lines.map((l) => l.spans)).toEqual([
      [{ text: 'green', cls: 'ansi-fg-2' }],
      [{ text: 'still green', cls: 'ansi-fg-2' }],
      [{ text: 'red', cls: 'ansi-fg-1' }],
    ]);
  });

  it(`keeps the last ${MAX_LOG_LINES} lines and counts the others`, () => {
    const run = new Run(info);
    run.write('stdout', Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => `line ${i}\n`).join(''));
    expect(run.lines).toHaveLength(MAX_LOG_LINES);
    expect(run.dropped).toBe(5);
    expect(text(run.lines)[0]).toBe('line 5');
    run.write('stdout', 'one more\n');
    expect(run.lines).toHaveLength(MAX_LOG_LINES);
    expect(run.dropped).toBe(6);
  });

  it('cuts a very long line without a newline', () => {
    const run = new Run(info);
    run.write('stdout', 'x'.repeat(MAX_LINE_CHARS * 2 + 3));
    expect(text(run.lines).map((t) => t.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS]);
    expect(text(run.open)).toEqual(['xxx']);
  });

  it('turns what is left open into lines when the run ends', () => {
    const run = new Run(info);
    run.write('stdout', 'Continue? ');
    run.write('stderr', 'bye');
    run.finish(ended(7, 0, 10));
    expect(text(run.lines)).toEqual(['Continue? ', 'bye']);
    expect(run.open).toEqual([]);
    expect(run.running).toBe(false);
    expect(run.status).toEqual({ phase: 'exited', label: 'Exited 0' });
  });
});

describe('runStatus', () => {
  it('says running, stopping, how it exited, and which signal ended it', () => {
    const exit = (code: number) => ended(1, code, 1);
    expect(runStatus(null, false)).toEqual({ phase: 'running', label: 'Running' });
    expect(runStatus(null, true)).toEqual({ phase: 'stopping', label: 'Stopping…' });
    expect(runStatus(exit(0), false).label).toBe('Exited 0');
    expect(runStatus(exit(2), true).label).toBe('Exited 2');
    expect(runStatus(exit(143), true)).toEqual({ phase: 'stopped', label: 'Stopped (SIGTERM)' });
    expect(runStatus(exit(137), true)).toEqual({ phase: 'killed', label: 'Killed (SIGKILL)' });
  });
});

describe('agentRuns', () => {
  it('keeps output and the exit that arrive before launch_agent answers', () => {
    agentRuns.output({ id: 3, stream: 'stdout', text: 'early\n' });
    agentRuns.exit(ended(3, 1, 5));
    const run = agentRuns.start({ ...info, id: 3 });
    expect(text(run.lines)).toEqual(['early']);
    expect(run.status.label).toBe('Exited 1');
    expect(agentRuns.selected).toBe(3);
  });

  it('selects the newest run, and closes only runs that are over', () => {
    const a = agentRuns.start({ ...info, id: 1 });
    agentRuns.start({ ...info, id: 2 });
    expect(agentRuns.selected).toBe(2);
    expect(agentRuns.running).toBe(2);
    agentRuns.dismiss(2);
    expect(agentRuns.runs).toHaveLength(2);
    agentRuns.exit(ended(2, 0, 1));
    expect(agentRuns.running).toBe(1);
    agentRuns.dismiss(2);
    expect(agentRuns.runs).toEqual([a]);
    expect(agentRuns.selected).toBe(1);
    // Output after the end, or for a run closed, changes nothing.
    agentRuns.output({ id: 2, stream: 'stdout', text: 'late\n' });
    expect(agentRuns.runs).toEqual([a]);
  });
});

describe('what latchkey says about a run', () => {
  it('comes first in its log: the notices, what was withheld, a grant not recorded', () => {
    const told: AgentRun = {
      ...info,
      notices: ['not masked in the output, shorter than 6 characters: PIN'],
      withheld: ['AWS_SECRET_ACCESS_KEY', 'GH_TOKEN'],
      auditWarning: 'the grant was not recorded in the audit log: disk full',
    };
    expect(runNotes(told)).toEqual([
      'not masked in the output, shorter than 6 characters: PIN',
      'withheld from the command: AWS_SECRET_ACCESS_KEY, GH_TOKEN',
      'the grant was not recorded in the audit log: disk full',
    ]);
    expect(runNotes(info)).toEqual([]);
    const run = new Run(told);
    expect(run.notes).toHaveLength(3);
    run.finish(ended(7, 0, 10, 'its end was not recorded in the audit log: disk full'));
    expect(run.notes.at(-1)).toBe('its end was not recorded in the audit log: disk full');
  });

  it('warns when the grant or the end could not be recorded, even for an exit that came first', () => {
    agentRuns.exit(ended(5, 0, 5, 'its end was not recorded in the audit log: disk full'));
    agentRuns.start({ ...info, id: 5, auditWarning: 'the grant was not recorded in the audit log: disk full' });
    expect(notices.toasts.map((t) => [t.tone, t.text])).toEqual([
      ['warning', 'coder (pid 4242): the grant was not recorded in the audit log: disk full'],
      ['warning', 'coder (pid 4242): its end was not recorded in the audit log: disk full'],
    ]);
    agentRuns.start({ ...info, id: 6 });
    agentRuns.exit(ended(6, 0, 5));
    expect(notices.toasts).toHaveLength(2);
  });
});
