import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { el, pageHolds, renderUnlocked, SECRET, seeded } from '../../test/render';

const TRANSCRIPT = '/home/ada/.claude/projects/-home-ada-app/5f1c.jsonl';
const TRACKED = '/home/ada/code/app/ci.yml';

function withLeaks() {
  const rust = seeded();
  rust.files.set(TRANSCRIPT, `{"type":"user"}\n{"type":"tool_result","content":"OPENAI_API_KEY=${SECRET}"}\n`);
  rust.files.set('/home/ada/.bash_history', `ls\nexport OPENAI_API_KEY=${SECRET}\n`);
  rust.files.set(TRACKED, `token: ${SECRET}\n`);
  rust.tracked.add(TRACKED);
  return rust;
}

const tid = (id: string) => el(`[data-testid="${id}"]`);
const groups = () => [...document.querySelectorAll<HTMLElement>('[data-testid="leak-group"]')];

async function openScreen() {
  await renderUnlocked();
  await fireEvent.click(el('#nav-leaks'));
  await waitFor(() => expect(document.querySelector('[data-testid="sweep-start"]')).toBeInTheDocument());
}

describe('the Leaks screen', () => {
  it('sweeps the agent tools and histories, and groups the copies by variable without a value', async () => {
    const rust = withLeaks();
    await openScreen();
    await fireEvent.click(tid('sweep-start'));
    await waitFor(() => expect(groups()).toHaveLength(1));
    const group = groups()[0];
    expect(group).toHaveAttribute('data-variable', 'OPENAI_API_KEY');
    expect(group).toHaveAttribute('data-status', 'current');
    const places = within(group).getAllByTestId('leak-place').map((r) => r.textContent);
    expect(places.some((p) => p?.includes(TRANSCRIPT) && p.includes('2:'))).toBe(true);
    expect(places.some((p) => p?.includes('.bash_history'))).toBe(true);
    // The tracked file is not under an agent or history place: not swept.
    expect(places.some((p) => p?.includes(TRACKED))).toBe(false);
    expect(pageHolds(SECRET)).toBe(false);
    expect(rust.callsOf('sweep')).toEqual([{ request: { agents: true, history: true, paths: [] } }]);
  });

  it('redacts one variable after asking, says which files it refused, and sweeps again', async () => {
    const rust = withLeaks();
    await openScreen();
    await fireEvent.input(tid('sweep-folder'), { target: { value: '/home/ada/code' } });
    await fireEvent.click(tid('sweep-start'));
    await waitFor(() => expect(groups()).toHaveLength(1));
    await fireEvent.click(within(groups()[0]).getByRole('button', { name: 'Redact' }));
    expect(rust.callsOf('redact_leaks')).toEqual([]);
    await fireEvent.click(el('#redact-confirm'));
    await waitFor(() => expect(tid('redact-refused')).toHaveTextContent('tracked by git'));
    expect(rust.files.get(TRANSCRIPT)).toContain('<latchkey:OPENAI_API_KEY>');
    expect(rust.files.get(TRANSCRIPT)).not.toContain(SECRET);
    expect(rust.files.get(TRACKED)).toContain(SECRET);
    await waitFor(() => expect(within(groups()[0]).getAllByTestId('leak-place')).toHaveLength(1));
  });

  it('marks a leaked secret on the Rotation screen until it is rotated, first in the list', async () => {
    const rust = withLeaks();
    await openScreen();
    await fireEvent.click(tid('sweep-start'));
    await waitFor(() => expect(groups()).toHaveLength(1));
    await fireEvent.click(within(groups()[0]).getByRole('button', { name: 'Rotate' }));
    const badge = await screen.findByTestId('leaked-OPENAI_API_KEY');
    expect(badge.getAttribute('title')).toContain(TRANSCRIPT);
    expect(document.querySelector('#rotation tbody tr[data-name]')).toHaveAttribute('data-name', 'OPENAI_API_KEY');
    rust.envs.get('default')!.get('OPENAI_API_KEY')!.meta.rotated = new Date(Date.now() + 1000).toISOString();
    await fireEvent.click(el('#nav-variables'));
    await fireEvent.click(el('#nav-rotation'));
    await waitFor(() => expect(document.querySelector('#rotation')).toBeInTheDocument());
    expect(document.querySelector('[data-testid="leaked-OPENAI_API_KEY"]')).toBeNull();
  });

  it('asks for something to sweep, and says when nothing is found', async () => {
    const rust = seeded();
    await openScreen();
    await fireEvent.click(tid('sweep-agents'));
    await fireEvent.click(tid('sweep-history'));
    expect(tid('sweep-start')).toBeDisabled();
    await fireEvent.click(tid('sweep-agents'));
    await fireEvent.click(tid('sweep-start'));
    expect(await screen.findByTestId('leaks-none')).toHaveTextContent('No copies found');
    expect(rust.callsOf('sweep')).toHaveLength(1);
  });
});
