import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../test/fakeBackend';
import { el, renderUnlocked, seeded } from '../../test/render';

const NO_BWRAP = 'the sandbox needs bubblewrap (bwrap), which is not installed: install it (apt-get install bubblewrap)';

function withProfiles(): FakeBackend {
  return seeded()
    .profile({
      name: 'coder',
      vars: ['OPENAI_API_KEY', 'GITHUB_TOKEN'],
      command: 'python agent.py',
      cwd: '/home/ada/project',
      sandbox: { mode: 'strict', writable: ['/home/ada/.cache'], readable: ['/home/ada/.config/gh'] },
    })
    .profile({ name: 'plain', vars: ['OPENAI_API_KEY'], command: 'python plain.py' });
}

async function openAgents(): Promise<void> {
  await fireEvent.click(el('#nav-agents'));
  await screen.findByRole('table');
}

const profileRow = (name: string) => el(`#profiles tr[data-profile="${name}"]`);
const inRow = (name: string, act: string) => el<HTMLButtonElement>(`#profiles tr[data-profile="${name}"] [data-action="${act}"]`);
const input = (id: string) => el<HTMLInputElement>(id);
const field = (id: string) => el<HTMLTextAreaElement | HTMLSelectElement>(id).value;
const sandboxSwitch = () => screen.getByRole('switch', { name: 'Sandbox: the agent reaches nothing but the broker' });
const brokerSwitch = () => screen.getByRole('switch', { name: 'Broker: the agent gets placeholders, never keys' });

async function openDialog(open: () => Promise<unknown>): Promise<void> {
  await open();
  await screen.findByRole('dialog');
  await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
}

describe('a sandboxed profile', () => {
  it('is created through the dialog: Sandbox on turns the broker on and holds it, and the save carries exactly what was set', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    await openDialog(() => fireEvent.click(el('#new-profile')));

    // Off by default, its settings hidden; the broker off too.
    expect(sandboxSwitch()).toBe(input('#profile-sandbox'));
    expect(sandboxSwitch()).not.toBeChecked();
    expect(brokerSwitch()).not.toBeChecked();
    expect(document.querySelector('[data-sandbox-settings]')).toBeNull();
    await fireEvent.input(el('#profile-name'), { target: { value: 'research' } });
    await fireEvent.click(el('#profile-var-OPENAI_API_KEY'));
    await fireEvent.input(el('#profile-command'), { target: { value: 'python research.py' } });

    await fireEvent.click(sandboxSwitch());
    expect(sandboxSwitch()).toBeChecked();
    expect(el('#profile-sandbox-hint')).toHaveTextContent('cannot read latchkey\'s vault and identity, ~/.ssh, ~/.aws');
    expect(el('#profile-sandbox-hint')).toHaveTextContent('can connect only to the broker');
    // A sandboxed run is always brokered: the switch is on, and cannot be turned off.
    expect(brokerSwitch()).toBeChecked();
    expect(brokerSwitch()).toBeDisabled();
    expect(el('[data-broker-locked]')).toHaveTextContent('A sandboxed run is always brokered');
    expect(el('#profile-egress')).toBeEnabled();
    // It starts strict, with no paths.
    expect(field('#profile-sandbox-mode')).toBe('strict');
    expect(field('#profile-writable')).toBe('');
    expect(field('#profile-readable')).toBe('');

    await fireEvent.change(el('#profile-sandbox-mode'), { target: { value: 'best-effort' } });
    await fireEvent.input(el('#profile-writable'), { target: { value: ' /home/ada/project ,\n\n' } });
    await fireEvent.click(el('#profile-save'));
    await waitFor(() =>
      expect(rust.callsOf('save_profile').at(-1)).toEqual({
        request: {
          name: 'research',
          env: 'default',
          vars: ['OPENAI_API_KEY'],
          command: 'python research.py',
          cwd: null,
          inherit: [],
          broker: { egress: 'strict', allowHosts: [], only: false },
          sandbox: { mode: 'best-effort', writable: ['/home/ada/project'], readable: [] },
          replace: false,
        },
      }),
    );

    const badge = await waitFor(() => within(profileRow('research')).getByText('Sandboxed'));
    expect(badge).toHaveAttribute('data-sandboxed');
    expect(badge.getAttribute('title')).toBe(
      'Sandboxed, the agent reaches nothing but the broker (best effort: runs without what the kernel lacks; writable: /home/ada/project)',
    );
    expect(within(profileRow('research')).getByText('Brokered')).toBeInTheDocument();
    expect(profileRow('plain').querySelector('[data-sandboxed]')).toBeNull();
  });

  it('shows its settings when edited; turned off, it is saved as null and the broker can go too', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    // Sandboxed without broker settings: Rust brokers it with the defaults, and the list says so.
    expect(profileRow('coder').querySelector('[data-sandboxed]')!.getAttribute('title')).toContain('writable: /home/ada/.cache; readable: /home/ada/.config/gh');
    expect(profileRow('coder').querySelector('[data-brokered]')!.getAttribute('title')).toContain('strict egress');

    await openDialog(() => fireEvent.click(inRow('coder', 'edit-profile')));
    expect(sandboxSwitch()).toBeChecked();
    expect(field('#profile-sandbox-mode')).toBe('strict');
    expect(field('#profile-writable')).toBe('/home/ada/.cache');
    expect(field('#profile-readable')).toBe('/home/ada/.config/gh');
    expect(brokerSwitch()).toBeChecked();
    expect(brokerSwitch()).toBeDisabled();
    expect(field('#profile-egress')).toBe('strict');

    // Off: its settings hide but stay as typed; the broker stays on, and may now be turned off.
    await fireEvent.input(el('#profile-writable'), { target: { value: '/home/ada/.cache\n/srv/out' } });
    await fireEvent.click(sandboxSwitch());
    expect(document.querySelector('[data-sandbox-settings]')).toBeNull();
    expect(document.querySelector('[data-broker-locked]')).toBeNull();
    expect(brokerSwitch()).toBeChecked();
    expect(brokerSwitch()).toBeEnabled();
    await fireEvent.click(sandboxSwitch());
    expect(field('#profile-writable')).toBe('/home/ada/.cache\n/srv/out');
    await fireEvent.click(sandboxSwitch());

    await fireEvent.click(el('#profile-save'));
    await waitFor(() =>
      expect(rust.callsOf('save_profile').at(-1)).toMatchObject({
        request: { name: 'coder', broker: { egress: 'strict', allowHosts: [], only: false }, sandbox: null, replace: true },
      }),
    );
    await waitFor(() => expect(profileRow('coder').querySelector('[data-sandboxed]')).toBeNull());
    expect(profileRow('coder').querySelector('[data-brokered]')).not.toBeNull();
    expect(rust.profiles.get('coder')!.sandbox).toBeNull();

    await openDialog(() => fireEvent.click(inRow('coder', 'edit-profile')));
    expect(sandboxSwitch()).not.toBeChecked();
    await fireEvent.click(brokerSwitch());
    await fireEvent.click(el('#profile-save'));
    await waitFor(() => expect(rust.callsOf('save_profile').at(-1)).toMatchObject({ request: { name: 'coder', broker: null, sandbox: null } }));
    await waitFor(() => expect(profileRow('coder').querySelector('[data-brokered]')).toBeNull());
  });
});

describe('a sandboxed run', () => {
  async function launch(rust: FakeBackend, profile: string, id: number): Promise<HTMLElement> {
    await fireEvent.click(inRow(profile, 'launch'));
    await waitFor(() => expect(rust.callsOf('launch_agent').at(-1)).toEqual({ profile }));
    return waitFor(() => el(`.run-card[data-run-id="${id}"]`));
  }

  it('has a Sandboxed badge on its card, and its grant in the activity log shows the sandbox rules', async () => {
    const rust = withProfiles();
    rust.sandboxHidden = 31;
    await renderUnlocked();
    await openAgents();
    const card = await launch(rust, 'coder', 1);
    const badge = card.querySelector('[data-sandboxed]')!;
    expect(badge).toHaveTextContent('Sandboxed');
    expect(badge.getAttribute('title')).toContain('nothing but the broker');
    expect(card).toHaveTextContent('Broker');
    const plain = await launch(rust, 'plain', 2);
    expect(plain.querySelector('[data-sandboxed]')).toBeNull();

    await fireEvent.click(el('#nav-activity'));
    await waitFor(() => expect(document.querySelectorAll('#activity tr[data-access="grant"]')).toHaveLength(2));
    const rules = 'strict; writable: /home/ada/project, /home/ada/.cache; hidden: 31';
    const sandboxed = el('#activity tr[data-agent="profile:coder"] [data-sandbox]');
    expect(sandboxed).toHaveTextContent(`Sandboxed ${rules}`);
    expect(sandboxed).toHaveAttribute('title', `Sandboxed: ${rules}`);
    expect(document.querySelector('#activity tr[data-agent="profile:plain"] [data-sandbox]')).toBeNull();
  });

  it("shows why a sandbox could not start, and records no grant", async () => {
    const rust = withProfiles();
    rust.sandboxFailure = NO_BWRAP;
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(inRow('coder', 'launch'));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('error');
    expect(error).toHaveTextContent(NO_BWRAP);
    expect(document.querySelector('.run-card')).toBeNull();
    expect(rust.activityLog).toEqual([]);
    await waitFor(() => expect(inRow('coder', 'launch')).toBeEnabled());
  });
});
