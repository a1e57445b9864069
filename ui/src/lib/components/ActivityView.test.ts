import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../test/fakeBackend';
import { el, renderUnlocked, seeded } from '../../test/render';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function withActivity(): FakeBackend {
  return seeded()
    .logged({ access: 'reveal', at: ago(60 * 3), env: 'default', names: ['OPENAI_API_KEY'] })
    .logged({ access: 'get', at: ago(90), env: 'prod', names: ['ANTHROPIC_API_KEY'] })
    .logged({
      access: 'grant',
      at: ago(30),
      profile: 'coder',
      program: 'python',
      env: 'default',
      names: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
      exitCode: 0,
      durationMs: 65_000,
    })
    .logged({ access: 'export', at: ago(20), env: 'default', names: ['GITHUB_TOKEN'], path: '/home/ada/app/.env' })
    .logged({ access: 'grant', at: ago(5), program: 'node', env: 'prod', names: ['ANTHROPIC_API_KEY'], exitCode: 1, durationMs: 850 })
    .logged({ access: 'grant', at: ago(1), profile: 'coder', program: 'python', env: 'default', names: ['OPENAI_API_KEY'], exitCode: 143, durationMs: 4_200 });
}

async function openActivity(): Promise<HTMLTableElement> {
  await fireEvent.click(el('#nav-activity'));
  return (await waitFor(() => el('#activity'))) as HTMLTableElement;
}

const seqs = () => [...document.querySelectorAll('#activity tbody tr')].map((tr) => Number(tr.getAttribute('data-seq')));
const entry = (seq: number) => el(`#activity tr[data-seq="${seq}"]`);
const options = (id: string) => [...el<HTMLSelectElement>(id).options].map((o) => [o.value, o.textContent]);

describe('the activity log', () => {
  it('lists the entries newest first: when, access, agent, environment, names, exit and duration', async () => {
    const rust = withActivity();
    await renderUnlocked();
    const table = await openActivity();
    expect(rust.callsOf('list_activity')).toHaveLength(1);
    expect(seqs()).toEqual([6, 5, 4, 3, 2, 1]);
    expect([...table.querySelectorAll('th')].map((th) => th.textContent?.trim())).toEqual([
      'When',
      'Access',
      'Agent',
      'Environment',
      'Variables',
      'Exit',
      'Ran',
    ]);
    expect(el('.count')).toHaveTextContent('6 entries');

    const run = within(entry(3));
    expect(run.getByText('30 min ago')).toHaveAttribute('title', new Date(rust.activityLog[2].at).toLocaleString());
    expect(entry(3).querySelector('[data-access]')).toHaveTextContent('Grant');
    expect(run.getByText('coder')).toBeInTheDocument();
    expect(run.getByText('python')).toBeInTheDocument();
    expect([...entry(3).querySelectorAll('.chip')].map((c) => c.textContent)).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL']);
    expect(entry(3).querySelector('.exit')).toHaveTextContent('0');
    expect(entry(3).querySelector('.duration')).toHaveTextContent('1 min 05 s');

    expect(entry(4).querySelector('[data-access]')).toHaveTextContent('Export');
    expect(within(entry(4)).getByText('/home/ada/app/.env')).toBeInTheDocument();
    expect(entry(4).querySelector('.exit')).toHaveTextContent('—');
    expect(entry(5).querySelector('.exit')).toHaveTextContent('1');
    expect(entry(5).querySelector('.duration')).toHaveTextContent('850 ms');
    expect(entry(1).querySelector('[data-access]')).toHaveTextContent('Reveal');
    expect(within(entry(1)).getByText('3 h ago')).toBeInTheDocument();
  });

  it('filters by variable and by agent', async () => {
    withActivity();
    await renderUnlocked();
    await openActivity();
    expect(options('#activity-variable')).toEqual([
      ['', 'All variables'],
      ['ANTHROPIC_API_KEY', 'ANTHROPIC_API_KEY'],
      ['GITHUB_TOKEN', 'GITHUB_TOKEN'],
      ['OPENAI_API_KEY', 'OPENAI_API_KEY'],
      ['OPENAI_BASE_URL', 'OPENAI_BASE_URL'],
    ]);
    expect(options('#activity-agent')).toEqual([
      ['', 'All agents and programs'],
      ['profile:coder', 'coder'],
      ['program:node', 'node'],
    ]);

    await fireEvent.change(el('#activity-variable'), { target: { value: 'OPENAI_API_KEY' } });
    expect(seqs()).toEqual([6, 3, 1]);
    expect(el('.count')).toHaveTextContent('3 of 6');

    await fireEvent.change(el('#activity-agent'), { target: { value: 'profile:coder' } });
    expect(seqs()).toEqual([6, 3]);

    await fireEvent.change(el('#activity-variable'), { target: { value: '' } });
    expect(seqs()).toEqual([6, 3]);
    await fireEvent.change(el('#activity-agent'), { target: { value: 'program:node' } });
    expect(seqs()).toEqual([5]);

    await fireEvent.change(el('#activity-variable'), { target: { value: 'GITHUB_TOKEN' } });
    expect(document.querySelector('#activity')).toBeNull();
    expect(screen.getByText('No activity matches these filters.')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(seqs()).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('shows an identity export with its file', async () => {
    seeded().logged({ access: 'identity', env: 'default', path: '/home/ada/identity.txt' });
    await renderUnlocked();
    await openActivity();
    expect(entry(1).querySelector('[data-access]')).toHaveTextContent('Identity');
    expect(within(entry(1)).getByText('/home/ada/identity.txt')).toBeInTheDocument();
    expect(entry(1).querySelector('.exit')).toHaveTextContent('—');
  });

  it("shows a brokered run's requests as METHOD host/path → status, and why one was refused", async () => {
    const refusal = 'latchkey: other.test is not a host of any brokered key: allow it with --allow-host other.test, or run with --egress open';
    seeded()
      .logged({ access: 'grant', at: ago(3), profile: 'coder', program: 'curl', env: 'default', names: ['OPENAI_API_KEY'], exitCode: 0, durationMs: 900 })
      .logged({
        access: 'request',
        at: ago(2),
        profile: 'coder',
        env: 'default',
        names: ['OPENAI_API_KEY'],
        method: 'GET',
        host: 'api.openai.com',
        path: '/v1/models',
        status: 200,
      })
      .logged({ access: 'refused', at: ago(1), profile: 'coder', env: 'default', method: 'CONNECT', host: 'other.test', path: '', status: 403, reason: refusal })
      .logged({
        access: 'request',
        at: ago(1),
        profile: 'coder',
        env: 'default',
        names: ['OPENAI_API_KEY'],
        method: 'POST',
        host: 'api.openai.com',
        path: '/v1/files',
        status: 502,
        reason: 'latchkey: cannot reach api.openai.com:443: connection refused',
      });
    await renderUnlocked();
    await openActivity();
    expect(seqs()).toEqual([4, 3, 2, 1]);

    expect(entry(2).querySelector('[data-access]')).toHaveTextContent('Request');
    expect(entry(2).querySelector('.request')).toHaveTextContent('GET api.openai.com/v1/models → 200');
    expect(entry(2).getAttribute('data-agent')).toBe('profile:coder');
    expect([...entry(2).querySelectorAll('.chip')].map((c) => c.textContent)).toEqual(['OPENAI_API_KEY']);
    expect(entry(2).querySelector('[data-reason]')).toBeNull();
    expect(entry(2).querySelector('.exit')).toHaveTextContent('—');

    const refused = entry(3).querySelector('[data-access]')!;
    expect(refused).toHaveTextContent('Refused');
    expect(refused).toHaveClass('tone-bad');
    expect(entry(3).querySelector('.request')).toHaveTextContent('CONNECT other.test → 403');
    expect(entry(3).querySelector('[data-reason]')).toHaveTextContent(refusal);
    expect(entry(3).querySelector('[data-reason]')).toHaveClass('refused');

    // A failed request is a request (the broker forwarded nothing), with its reason.
    expect(entry(4).querySelector('[data-access]')).toHaveTextContent('Request');
    expect(entry(4).querySelector('.request')).toHaveTextContent('POST api.openai.com/v1/files → 502');
    expect(entry(4).querySelector('[data-reason]')).toHaveTextContent('cannot reach api.openai.com:443');
    expect(entry(4).querySelector('[data-reason]')).not.toHaveClass('refused');

    // The filters take them in: by agent, and by the variable they carried.
    await fireEvent.change(el('#activity-agent'), { target: { value: 'profile:coder' } });
    expect(seqs()).toEqual([4, 3, 2, 1]);
    await fireEvent.change(el('#activity-variable'), { target: { value: 'OPENAI_API_KEY' } });
    expect(seqs()).toEqual([4, 2, 1]);
  });

  it('says what creates entries when there is none yet', async () => {
    seeded();
    await renderUnlocked();
    await fireEvent.click(el('#nav-activity'));
    expect(await screen.findByText('No activity yet.')).toBeInTheDocument();
    expect(document.body).toHaveTextContent('latchkey records each time variables leave the vault');
    expect(document.body).toHaveTextContent('latchkey run');
  });

  it('loads again when the window regains focus, and after an agent ran', async () => {
    const rust = withActivity().profile({ name: 'coder', vars: ['GITHUB_TOKEN'], command: 'python agent.py' });
    await renderUnlocked();
    await openActivity();
    expect(seqs()).toHaveLength(6);

    rust.logged({ access: 'copy', names: ['GITHUB_TOKEN'] });
    rust.emit('tauri://focus');
    await waitFor(() => expect(seqs()).toEqual([7, 6, 5, 4, 3, 2, 1]));
    expect(entry(7).querySelector('[data-access]')).toHaveTextContent('Copy');
    expect(within(entry(7)).getByText('just now')).toBeInTheDocument();

    // A run launched on the Agents screen is logged as it starts, with no exit yet...
    await fireEvent.click(el('#nav-agents'));
    await fireEvent.click(await waitFor(() => el('#profiles tr[data-profile="coder"] [data-action="launch"]')));
    await waitFor(() => el('.agent-log[data-run-id="1"]'));
    await openActivity();
    await waitFor(() => expect(seqs()[0]).toBe(8));
    expect(entry(8).querySelector('[data-access]')).toHaveTextContent('Grant');
    expect(entry(8)).toHaveTextContent('coder');
    expect(entry(8).querySelector('.exit')).toHaveTextContent('no exit recorded');
    // ...and its exit is folded into the grant when it ends.
    rust.agentExit(1, 0, 1_200);
    rust.emit('tauri://focus');
    await waitFor(() => expect(entry(8).querySelector('.duration')).toHaveTextContent('1.2 s'));
    expect(seqs()[0]).toBe(8);
    expect(entry(8).querySelector('.exit')).toHaveTextContent('0');
    expect(rust.callsOf('list_activity').length).toBeGreaterThanOrEqual(3);
  });
});
