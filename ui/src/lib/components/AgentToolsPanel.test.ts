import { fireEvent, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { el, renderUnlocked, seeded } from '../../test/render';

const tid = (id: string) => el(`[data-testid="${id}"]`);
const row = (name: string) => el(`[data-testid="agent-server"][data-server="${name}"]`);

async function openScreen() {
  await renderUnlocked();
  await fireEvent.click(el('#nav-leaks'));
  await waitFor(() => expect(document.querySelector('[data-testid="agent-server"]')).toBeInTheDocument());
}

describe('the agent tools on the Leaks screen', () => {
  it('protects a local server into the chosen environment after asking, and can restore it', async () => {
    const rust = seeded();
    await openScreen();
    expect(row('github')).toHaveTextContent('env.GITHUB_TOKEN');
    // A remote server's header cannot go through latchkey run: no Protect button.
    expect(within(row('docs')).queryByRole('button')).toBeNull();
    await fireEvent.click(within(row('github')).getByRole('button', { name: 'Protect' }));
    expect(rust.callsOf('protect_server')).toEqual([]);
    await fireEvent.change(tid('protect-env'), { target: { value: 'prod' } });
    await fireEvent.click(el('#protect-confirm'));
    await waitFor(() => expect(row('github')).toHaveAttribute('data-protected', 'true'));
    expect(rust.callsOf('protect_server')).toEqual([
      { request: { tool: 'claude-code', name: 'github', config: '/home/ada/.claude.json', environment: 'prod' } },
    ]);
    expect(row('github')).toHaveTextContent('latchkey run');
    await fireEvent.click(within(row('github')).getByRole('button', { name: 'Unprotect' }));
    await fireEvent.click(el('#unprotect-confirm'));
    await waitFor(() => expect(row('github')).toHaveAttribute('data-protected', 'false'));
  });

  it('adds the missing deny rules, and turns the daily sweep on', async () => {
    const rust = seeded();
    await openScreen();
    expect(tid('deny-missing')).toHaveTextContent('3 deny rules are missing');
    await fireEvent.click(tid('deny-add'));
    await waitFor(() => expect(document.querySelector('[data-testid="deny-missing"]')).toBeNull());
    expect(tid('daily-sweep')).not.toBeChecked();
    await fireEvent.click(tid('daily-sweep'));
    await waitFor(() => expect(rust.callsOf('set_daily_sweep')).toEqual([{ on: true }]));
    await waitFor(() => expect(tid('daily-sweep')).toBeChecked());
  });
});
