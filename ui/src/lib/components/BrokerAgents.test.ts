import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { MAX_REQUESTS } from '../requests.svelte';
import type { FakeBackend } from '../../test/fakeBackend';
import { el, pageHolds, renderUnlocked, SECRET, seeded } from '../../test/render';

const HOST_ERROR = '`a b` is not a host name: give one like api.example.com, or *.example.com for every host under it';
const REFUSAL = 'latchkey: other.test is not a host of any brokered key: allow it with --allow-host other.test, or run with --egress open';

function withProfiles(): FakeBackend {
  return seeded()
    .seed('default', [{ name: 'DATABASE_URL', value: 'postgres://ada:pw@db.internal/app' }])
    .profile({
      name: 'coder',
      env: 'default',
      vars: ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'DATABASE_URL'],
      command: 'python agent.py',
      broker: { egress: 'strict', allowHosts: ['registry.npmjs.org'], only: true },
    })
    .profile({ name: 'plain', env: 'default', vars: ['OPENAI_API_KEY'], command: 'python plain.py' });
}

async function openAgents(): Promise<void> {
  await fireEvent.click(el('#nav-agents'));
  await screen.findByRole('table');
}

const profileRow = (name: string) => el(`#profiles tr[data-profile="${name}"]`);
const inRow = (name: string, act: string) => el<HTMLButtonElement>(`#profiles tr[data-profile="${name}"] [data-action="${act}"]`);
const input = (id: string) => el<HTMLInputElement>(id);
const requestRows = (run: number) => [...document.querySelectorAll<HTMLElement>(`.agent-requests[data-run-id="${run}"] tbody tr`)];

async function edit(name: string): Promise<void> {
  await fireEvent.click(inRow(name, 'edit-profile'));
  await screen.findByRole('dialog');
  await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
}

describe('a brokered profile', () => {
  it('is marked Brokered in the list, and its dialog shows its broker settings', async () => {
    withProfiles();
    await renderUnlocked();
    await openAgents();
    const badge = within(profileRow('coder')).getByText('Brokered');
    expect(badge).toHaveAttribute('data-brokered');
    expect(badge.getAttribute('title')).toContain('allowed: registry.npmjs.org');
    expect(profileRow('plain').querySelector('[data-brokered]')).toBeNull();

    await edit('coder');
    const toggle = screen.getByRole('switch', { name: 'Broker: the agent gets placeholders, never keys' });
    expect(toggle).toBe(input('#profile-broker'));
    expect(toggle).toBeChecked();
    expect(screen.getByLabelText('Other hosts')).toHaveValue('strict');
    expect(screen.getByLabelText(/^Allowed hosts/)).toHaveValue('registry.npmjs.org');
    expect(screen.getByLabelText(/^Broker only/)).toBeChecked();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    // A profile that is not brokered: the switch is off, and the settings hidden.
    await edit('plain');
    expect(input('#profile-broker')).not.toBeChecked();
    expect(document.querySelector('[data-broker-settings]')).toBeNull();
    expect(document.querySelector('#profile-allow-hosts')).toBeNull();
  });

  it('round-trips its settings: created brokered, changed, then turned off', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();

    // New profile: the broker is off by default; turned on, it starts strict, nothing allowed.
    await fireEvent.click(el('#new-profile'));
    await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
    expect(input('#profile-broker')).not.toBeChecked();
    await fireEvent.input(el('#profile-name'), { target: { value: 'research' } });
    await fireEvent.click(el('#profile-var-OPENAI_API_KEY'));
    await fireEvent.input(el('#profile-command'), { target: { value: 'python research.py' } });
    await fireEvent.click(el('#profile-broker'));
    expect(el<HTMLSelectElement>('#profile-egress').value).toBe('strict');
    expect(el<HTMLTextAreaElement>('#profile-allow-hosts').value).toBe('');
    expect(input('#profile-broker-only')).not.toBeChecked();
    await fireEvent.click(el('#profile-save'));
    await waitFor(() =>
      expect(rust.callsOf('save_profile').at(-1)).toEqual({
        request: {
          name: 'research',
          env: 'default',
          vars: ['OPENAI_API_KEY'],
          command: 'python research.py',
          cwd: null,
          broker: { egress: 'strict', allowHosts: [], only: false },
          sandbox: null,
          inherit: [],
          replace: false,
        },
      }),
    );
    await waitFor(() => expect(within(profileRow('research')).getByText('Brokered')).toBeInTheDocument());

    // Changed: open egress, hosts comma- and newline-separated (trimmed, empty ones dropped).
    await edit('coder');
    await fireEvent.change(el('#profile-egress'), { target: { value: 'open' } });
    await fireEvent.input(el('#profile-allow-hosts'), { target: { value: ' *.Example.org ,\n\n api.example.com, ' } });
    await fireEvent.click(el('#profile-broker-only'));
    await fireEvent.click(el('#profile-save'));
    await waitFor(() =>
      expect(rust.callsOf('save_profile').at(-1)).toMatchObject({
        request: { name: 'coder', broker: { egress: 'open', allowHosts: ['*.Example.org', 'api.example.com'], only: false }, replace: true },
      }),
    );
    expect(await screen.findByText('Saved coder')).toBeInTheDocument();
    // Rust stores the hosts lower-cased; the dialog opened again shows what it stored.
    expect(rust.profiles.get('coder')!.broker).toEqual({ egress: 'open', allowHosts: ['*.example.org', 'api.example.com'], only: false });
    await edit('coder');
    expect(el<HTMLSelectElement>('#profile-egress').value).toBe('open');
    expect(el<HTMLTextAreaElement>('#profile-allow-hosts').value).toBe('*.example.org\napi.example.com');
    expect(input('#profile-broker-only')).not.toBeChecked();

    // Turned off: saved as not brokered (null), and the badge goes.
    await fireEvent.click(el('#profile-broker'));
    expect(document.querySelector('#profile-egress')).toBeNull();
    await fireEvent.click(el('#profile-save'));
    await waitFor(() => expect(rust.callsOf('save_profile').at(-1)).toMatchObject({ request: { name: 'coder', broker: null } }));
    await waitFor(() => expect(profileRow('coder').querySelector('[data-brokered]')).toBeNull());
    expect(rust.profiles.get('coder')!.broker).toBeNull();
  });

  it('shows a host Rust refuses beside the Allowed hosts field, and saves nothing', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(el('#new-profile'));
    await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
    await fireEvent.input(el('#profile-name'), { target: { value: 'research' } });
    await fireEvent.click(el('#profile-broker'));
    await fireEvent.input(el('#profile-allow-hosts'), { target: { value: 'api.example.com, a b' } });
    await fireEvent.click(el('#profile-save'));

    await waitFor(() => expect(el('#profile-allow-hosts-error')).toHaveTextContent(HOST_ERROR));
    expect(el('#profile-allow-hosts')).toHaveAttribute('aria-invalid', 'true');
    expect(el('#profile-allow-hosts').getAttribute('aria-describedby')).toContain('profile-allow-hosts-error');
    expect(el('#profile-dialog')).toBeInTheDocument();
    expect(document.querySelector('#profile-error')).toBeNull();
    expect(document.querySelector('#error')).toBeNull();
    expect(rust.profiles.has('research')).toBe(false);
    expect(document.querySelector('#profiles tr[data-profile="research"]')).toBeNull();

    // Editing the hosts clears the refusal; fixed, the profile is saved.
    await fireEvent.input(el('#profile-allow-hosts'), { target: { value: 'api.example.com, A.example.com' } });
    expect(el('#profile-allow-hosts-error')).toHaveTextContent('');
    expect(el('#profile-allow-hosts')).toHaveAttribute('aria-invalid', 'false');
    await fireEvent.click(el('#profile-save'));
    await waitFor(() => expect(rust.profiles.get('research')?.broker?.allowHosts).toEqual(['api.example.com', 'a.example.com']));
  });

  it('keeps an existing profile as it was when a host is refused', async () => {
    const rust = withProfiles();
    const before = structuredClone(rust.profiles.get('coder'));
    await renderUnlocked();
    await openAgents();
    await edit('coder');
    await fireEvent.input(el('#profile-allow-hosts'), { target: { value: 'registry.npmjs.org\na b' } });
    await fireEvent.input(el('#profile-command'), { target: { value: 'python other.py' } });
    await fireEvent.click(el('#profile-save'));
    await waitFor(() => expect(el('#profile-allow-hosts-error')).toHaveTextContent(HOST_ERROR));
    expect(rust.profiles.get('coder')).toEqual(before);
    expect(screen.queryByText('Saved coder')).toBeNull();
  });
});

describe('a brokered run', () => {
  async function launch(rust: FakeBackend, profile: string, id: number): Promise<HTMLElement> {
    await fireEvent.click(inRow(profile, 'launch'));
    await waitFor(() => expect(rust.callsOf('launch_agent').at(-1)).toEqual({ profile }));
    return waitFor(() => el(`.agent-log[data-run-id="${id}"]`));
  }

  it('names the brokered secrets in a Broker badge, and lists its requests live, a refusal with its reason', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    const log = await launch(rust, 'coder', 1);
    expect(rust.listening('agent-request')).toBe(true);

    const badge = log.querySelector('[data-broker]')!;
    expect(badge).toHaveTextContent('Broker: OPENAI_API_KEY, GITHUB_TOKEN');
    expect(badge.getAttribute('title')).toContain('placeholders');
    expect(el('.run-card[data-run-id="1"]')).toHaveTextContent('Broker');
    expect([...log.querySelectorAll('[data-note]')].map((n) => n.textContent)).toEqual([
      'latchkey: brokered, the command holds placeholders: OPENAI_API_KEY, GITHUB_TOKEN',
      'latchkey: withheld, the broker cannot carry them (--broker-only): DATABASE_URL (no provider is known for it (add one in providers.toml))',
    ]);
    const panel = el('.agent-requests[data-run-id="1"]');
    expect(panel).toHaveTextContent('No request yet');
    expect(panel).toHaveTextContent('0 requests');

    rust.agentRequest(1, { names: ['OPENAI_API_KEY'], method: 'GET', host: 'api.openai.com', path: '/v1/models', status: 200, received: 1_234 });
    rust.agentRequest(2, { host: 'elsewhere.example.com', path: '/not-this-run' });
    rust.agentRequest(1, { names: [], method: 'CONNECT', host: 'other.test', path: '', status: 403, problem: REFUSAL });
    rust.agentRequest(1, { names: ['GITHUB_TOKEN'], method: 'POST', host: 'api.github.com', path: '/graphql', status: 401, sent: 50, received: 80 });
    await waitFor(() => expect(requestRows(1)).toHaveLength(3));

    const [ok, refused, denied] = requestRows(1);
    expect(ok).toHaveAttribute('data-outcome', 'ok');
    expect(ok.querySelector('.method')).toHaveTextContent('GET');
    expect(ok.querySelector('.where')).toHaveTextContent('api.openai.com/v1/models');
    expect(ok.querySelector('.names')).toHaveTextContent('OPENAI_API_KEY');
    expect(ok.querySelector('.status')).toHaveTextContent('200');
    expect(ok.querySelector('.received')).toHaveTextContent('1.2 KB');
    expect(ok.querySelector('.time')!.textContent).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(ok.querySelector('[data-reason]')).toBeNull();

    // The refusal stands out: its own outcome and tone, the word, and the reason.
    expect(refused).toHaveAttribute('data-outcome', 'refused');
    expect(refused).toHaveClass('outcome-refused');
    expect(refused.querySelector('.method')).toHaveTextContent('CONNECT');
    expect(refused.querySelector('.where')).toHaveTextContent('other.test');
    expect(refused.querySelector('.status')).toHaveTextContent('Refused 403');
    expect(refused.querySelector('[data-reason]')).toHaveTextContent(REFUSAL);

    // A provider's own error status is no refusal: it went through.
    expect(denied).toHaveAttribute('data-outcome', 'ok');
    expect(denied.querySelector('.status')).toHaveTextContent('401');
    expect(panel).toHaveTextContent('3 requests, 1 refused or failed');
    expect(panel).not.toHaveTextContent('elsewhere.example.com');
    expect(pageHolds(SECRET)).toBe(false);

    // The requests outlive the run, and a request that ends after it still shows.
    rust.agentExit(1, 0);
    rust.agentRequest(1, { path: '/v1/late', status: 200 });
    await waitFor(() => expect(requestRows(1)).toHaveLength(4));
    expect(requestRows(1)[3].querySelector('.where')).toHaveTextContent('api.openai.com/v1/late');
  });

  it('shows no Broker badge and no request list for a run that is not brokered', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    const log = await launch(rust, 'plain', 1);
    expect(log.querySelector('[data-broker]')).toBeNull();
    expect(document.querySelector('.agent-requests')).toBeNull();
    expect(el('.run-card[data-run-id="1"]')).not.toHaveTextContent('Broker');
  });

  it('shows the requests of the run selected only', async () => {
    const rust = withProfiles().profile({
      name: 'reviewer',
      vars: ['GITHUB_TOKEN'],
      command: 'python review.py',
      broker: { egress: 'open', allowHosts: [], only: false },
    });
    await renderUnlocked();
    await openAgents();
    await launch(rust, 'coder', 1);
    await launch(rust, 'reviewer', 2);
    rust.agentRequest(1, { path: '/v1/first' });
    rust.agentRequest(2, { host: 'api.github.com', path: '/repos' });
    await waitFor(() => expect(requestRows(2)).toHaveLength(1));
    expect(document.querySelector('.agent-requests[data-run-id="1"]')).toBeNull();
    expect(requestRows(2)[0].querySelector('.where')).toHaveTextContent('api.github.com/repos');

    await fireEvent.click(el('.run-card[data-run-id="1"] .run-select'));
    await waitFor(() => expect(requestRows(1)).toHaveLength(1));
    expect(requestRows(1)[0].querySelector('.where')).toHaveTextContent('api.openai.com/v1/first');
    expect(document.querySelector('.agent-requests[data-run-id="2"]')).toBeNull();
  });

  it(`keeps the last ${MAX_REQUESTS} requests of a run, and says how many went`, async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    await launch(rust, 'coder', 1);
    for (let i = 0; i < MAX_REQUESTS + 12; i++) rust.agentRequest(1, { path: `/v1/items/${i}` });
    await waitFor(() => expect(el('.agent-requests')).toHaveTextContent(`${MAX_REQUESTS + 12} requests`));
    const rows = requestRows(1);
    expect(rows).toHaveLength(MAX_REQUESTS);
    expect(rows[0].querySelector('.where')).toHaveTextContent('api.openai.com/v1/items/12');
    expect(rows.at(-1)!.querySelector('.where')).toHaveTextContent(`api.openai.com/v1/items/${MAX_REQUESTS + 11}`);
    expect(el('.agent-requests .dropped')).toHaveTextContent('… 12 earlier requests not kept');
  });

  it('puts its requests in the activity log: a request, and a refusal with its reason', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    await launch(rust, 'coder', 1);
    rust.agentRequest(1, { names: ['OPENAI_API_KEY'], method: 'GET', host: 'api.openai.com', path: '/v1/models', status: 200 });
    rust.agentRequest(1, { method: 'CONNECT', host: 'other.test', path: '', status: 403, problem: REFUSAL });
    await fireEvent.click(el('#nav-activity'));
    await waitFor(() => expect(document.querySelectorAll('#activity tbody tr')).toHaveLength(3));
    const request = el('#activity tr[data-access="request"]');
    expect(request.querySelector('.request')).toHaveTextContent('GET api.openai.com/v1/models → 200');
    expect(request).toHaveAttribute('data-agent', 'profile:coder');
    const refused = el('#activity tr[data-access="refused"]');
    expect(refused.querySelector('.request')).toHaveTextContent('CONNECT other.test → 403');
    expect(refused.querySelector('[data-reason]')).toHaveTextContent(REFUSAL);
  });
});
