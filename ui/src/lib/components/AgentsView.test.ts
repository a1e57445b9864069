import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../test/fakeBackend';
import { el, renderUnlocked, seeded } from '../../test/render';

const E = '\u001b';

function withProfiles(): FakeBackend {
  return seeded()
    .profile({
      name: 'coder',
      env: 'default',
      vars: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
      command: "python agent.py --task 'fix tests'",
      cwd: '/home/ada/app',
    })
    .profile({ name: 'reviewer', env: 'prod', vars: ['ANTHROPIC_API_KEY'], command: null });
}

async function openAgents(): Promise<HTMLElement> {
  await fireEvent.click(el('#nav-agents'));
  return screen.findByRole('table');
}

const profileRow = (name: string) => el(`#profiles tr[data-profile="${name}"]`);
const action = (root: HTMLElement, name: string) => {
  const b = root.querySelector<HTMLButtonElement>(`[data-action="${name}"]`);
  if (!b) throw new Error(`no [data-action="${name}"]`);
  return b;
};
const checked = () =>
  [...document.querySelectorAll<HTMLInputElement>('#profile-dialog input[type="checkbox"]')].filter((c) => c.checked).map((c) => c.value);

describe('navigation', () => {
  it('switches between Variables, Agents and Activity from the header', async () => {
    withProfiles();
    await renderUnlocked();
    expect(el('#nav-variables')).toHaveAttribute('aria-current', 'page');
    expect(el('#env-switcher')).toBeInTheDocument();

    const table = await openAgents();
    expect(table.id).toBe('profiles');
    expect(el('#nav-agents')).toHaveAttribute('aria-current', 'page');
    expect(el('#nav-variables')).not.toHaveAttribute('aria-current');
    expect(document.querySelector('#variables')).toBeNull();
    expect(document.querySelector('#env-switcher')).toBeNull();

    await fireEvent.click(el('#nav-activity'));
    expect(await screen.findByText('No activity yet.')).toBeInTheDocument();
    expect(el('#nav-activity')).toHaveAttribute('aria-current', 'page');

    await fireEvent.keyDown(document.body, { key: '1', ctrlKey: true });
    expect((await screen.findByRole('table')).id).toBe('variables');
    await fireEvent.keyDown(document.body, { key: '2', ctrlKey: true });
    expect((await screen.findByRole('table')).id).toBe('profiles');

    // Ctrl+N is New profile here; a screen shortcut leaves an open dialog alone.
    await fireEvent.keyDown(document.body, { key: 'n', ctrlKey: true });
    expect(await screen.findByRole('dialog')).toHaveAttribute('id', 'profile-dialog');
    await fireEvent.keyDown(document.activeElement!, { key: '1', ctrlKey: true });
    expect(el('#nav-agents')).toHaveAttribute('aria-current', 'page');
    expect(el('#profile-dialog')).toBeInTheDocument();
  });
});

describe('agent profiles', () => {
  it('lists each profile with its environment, variables, command and directory', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    expect(rust.callsOf('list_profiles')).toHaveLength(1);
    expect([...document.querySelectorAll('#profiles tbody tr')].map((tr) => tr.getAttribute('data-profile'))).toEqual(['coder', 'reviewer']);

    const coder = within(profileRow('coder'));
    expect(coder.getByText('default')).toBeInTheDocument();
    expect([...profileRow('coder').querySelectorAll('.chip')].map((c) => c.textContent)).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL']);
    expect(coder.getByText("python agent.py --task 'fix tests'")).toBeInTheDocument();
    expect(coder.getByText('/home/ada/app')).toBeInTheDocument();
    expect(action(profileRow('coder'), 'launch')).toBeEnabled();

    expect(within(profileRow('reviewer')).getByText('no command')).toBeInTheDocument();
    expect(action(profileRow('reviewer'), 'launch')).toBeDisabled();
  });

  it('says what a profile is when there is none', async () => {
    seeded();
    await renderUnlocked();
    await fireEvent.click(el('#nav-agents'));
    expect(await screen.findByText('No agent profiles yet.')).toBeInTheDocument();
    expect(screen.getByText(/latchkey profile add coder/)).toBeInTheDocument();
  });

  it('creates a profile from the variables its environment sees', async () => {
    const rust = withProfiles().extending('staging', 'prod');
    rust.seed('staging', [{ name: 'STAGING_ONLY', value: 'x', kind: 'config' }]);
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(el('#new-profile'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.id).toBe('profile-dialog');
    expect(document.activeElement?.id).toBe('profile-name');
    expect(el<HTMLSelectElement>('#profile-env').value).toBe('default');
    expect([...el<HTMLSelectElement>('#profile-env').options].map((o) => o.value)).toEqual(['default', 'prod', 'staging']);
    await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
    expect(el<HTMLButtonElement>('#profile-save')).toBeDisabled();

    // The name follows Rust's rule, and may not be taken.
    await fireEvent.input(el('#profile-name'), { target: { value: 'Research Bot' } });
    expect(el('#profile-name-error')).toHaveTextContent('Use lowercase letters, digits, - and _');
    await fireEvent.input(el('#profile-name'), { target: { value: 'coder' } });
    expect(el('#profile-name-error')).toHaveTextContent('There is already a profile named coder.');
    await fireEvent.input(el('#profile-name'), { target: { value: 'research' } });
    expect(el('#profile-name-error')).toHaveTextContent('');

    // Another environment: what staging sees, its own and those it inherits from prod.
    await fireEvent.click(el('#profile-var-GITHUB_TOKEN'));
    await fireEvent.change(el('#profile-env'), { target: { value: 'staging' } });
    await waitFor(() => expect(el('#profile-var-STAGING_ONLY')).toBeInTheDocument());
    expect(document.querySelector('#profile-var-GITHUB_TOKEN')).toBeNull();
    expect(within(dialog).getByText('from prod')).toBeInTheDocument();
    expect(rust.callsOf('list_variables').slice(-2)).toEqual([{ env: 'default' }, { env: 'staging' }]);
    expect(checked()).toEqual([]);

    await fireEvent.click(el('#profile-var-ANTHROPIC_API_KEY'));
    await fireEvent.click(el('#profile-var-STAGING_ONLY'));
    await fireEvent.input(el('#profile-command'), { target: { value: '  claude --print  ' } });
    await fireEvent.input(el('#profile-cwd'), { target: { value: '/srv/research' } });
    await fireEvent.input(el('#profile-inherit'), { target: { value: ' GOOGLE_APPLICATION_CREDENTIALS,  AWS_PROFILE ' } });
    await fireEvent.click(el('#profile-save'));

    await waitFor(() =>
      expect(rust.callsOf('save_profile')).toEqual([
        {
          request: {
            name: 'research',
            env: 'staging',
            vars: ['ANTHROPIC_API_KEY', 'STAGING_ONLY'],
            command: 'claude --print',
            cwd: '/srv/research',
            broker: null,
            sandbox: null,
            inherit: ['GOOGLE_APPLICATION_CREDENTIALS', 'AWS_PROFILE'],
            replace: false,
          },
        },
      ]),
    );
    expect(await screen.findByText('Created the research profile')).toBeInTheDocument();
    expect(document.querySelector('#profile-dialog')).toBeNull();
    expect([...profileRow('research').querySelectorAll('.chip')].map((c) => c.textContent)).toEqual(['ANTHROPIC_API_KEY', 'STAGING_ONLY']);
  });

  it('shows Rust\'s refusal in the dialog', async () => {
    const message = 'The command\'s quotes do not match: check them';
    withProfiles();
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(el('#new-profile'));
    await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
    await fireEvent.input(el('#profile-name'), { target: { value: 'quoted' } });
    await fireEvent.input(el('#profile-command'), { target: { value: "python 'agent.py" } });
    await fireEvent.click(el('#profile-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(el('#profile-dialog')).toBeInTheDocument();
    expect(document.querySelector('#error')).toBeNull();
  });

  it('shows under the name that the profile exists, when it was created meanwhile', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(el('#new-profile'));
    await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
    await fireEvent.input(el('#profile-name'), { target: { value: 'research' } });
    rust.profile({ name: 'research' }); // from the CLI, after the dialog listed the profiles
    await fireEvent.click(el('#profile-save'));
    await waitFor(() =>
      expect(el('#profile-name-error')).toHaveTextContent('Profile `research` already exists: change it with `latchkey profile edit research`'),
    );
    expect(document.querySelector('#profile-dialog [role="alert"]')).toBeNull();
    expect(el('#profile-name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('edits a profile under its fixed name, and flags a variable its environment lost', async () => {
    const rust = withProfiles();
    rust.envs.get('default')!.delete('OPENAI_BASE_URL');
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(action(profileRow('coder'), 'edit-profile'));
    await screen.findByRole('dialog');
    expect(el('#profile-dialog-title')).toHaveTextContent('Edit coder');
    const name = el<HTMLInputElement>('#profile-name');
    expect(name).toBeDisabled();
    expect(name.value).toBe('coder');
    expect(el<HTMLInputElement>('#profile-command').value).toBe("python agent.py --task 'fix tests'");
    expect(el<HTMLInputElement>('#profile-cwd').value).toBe('/home/ada/app');
    await waitFor(() => expect(el('#profile-var-GITHUB_TOKEN')).toBeInTheDocument());
    expect(checked().sort()).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL']);
    expect(el('#profile-var-OPENAI_BASE_URL').closest('li')).toHaveTextContent('not in default');

    // Saving with the missing variable: Rust says which.
    await fireEvent.click(el('#profile-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('`default` has no `OPENAI_BASE_URL`');

    await fireEvent.click(el('#profile-var-OPENAI_BASE_URL'));
    await fireEvent.click(el('#profile-var-GITHUB_TOKEN'));
    await fireEvent.input(el('#profile-command'), { target: { value: '' } });
    await fireEvent.input(el('#profile-cwd'), { target: { value: '' } });
    await fireEvent.click(el('#profile-save'));
    await waitFor(() =>
      expect(rust.callsOf('save_profile').at(-1)).toEqual({
        request: { name: 'coder', env: 'default', vars: ['GITHUB_TOKEN', 'OPENAI_API_KEY'], command: null, cwd: null, broker: null, sandbox: null, inherit: [], replace: true },
      }),
    );
    expect(await screen.findByText('Saved coder')).toBeInTheDocument();
    await waitFor(() => expect(action(profileRow('coder'), 'launch')).toBeDisabled());
    expect(within(profileRow('coder')).getByText('no command')).toBeInTheDocument();
  });

  it('asks before deleting a profile', async () => {
    const rust = withProfiles();
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(action(profileRow('reviewer'), 'delete-profile'));
    expect(el('#confirm-dialog')).toHaveTextContent('Delete the reviewer agent profile?');
    expect(el('#confirm-dialog')).toHaveTextContent('Its variables stay in prod');
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(rust.callsOf('delete_profile')).toEqual([]);

    await fireEvent.click(action(profileRow('reviewer'), 'delete-profile'));
    await fireEvent.click(el('#confirm-delete-profile'));
    await waitFor(() => expect(rust.callsOf('delete_profile')).toEqual([{ name: 'reviewer' }]));
    expect(await screen.findByText('Deleted the reviewer profile')).toBeInTheDocument();
    expect(document.querySelector('#profiles tr[data-profile="reviewer"]')).toBeNull();
    expect(rust.profiles.has('reviewer')).toBe(false);
  });
});

describe('launching an agent', () => {
  async function launchCoder(rust: FakeBackend): Promise<HTMLElement> {
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(action(profileRow('coder'), 'launch'));
    await waitFor(() => expect(rust.callsOf('launch_agent')).toEqual([{ profile: 'coder' }]));
    return waitFor(() => el('.agent-log[data-run-id="1"]'));
  }

  it('opens a log pane that streams the output, ANSI colours as styled spans', async () => {
    const rust = withProfiles();
    const log = await launchCoder(rust);
    expect(log).toHaveTextContent('coder');
    expect(log).toHaveTextContent('pid 4242');
    expect(log.querySelector('[data-state]')).toHaveTextContent('Running');
    expect(log).toHaveTextContent('Waiting for output…');
    expect(rust.listening('agent-output')).toBe(true);

    rust.agentOutput(1, `${E}[1;32mready${E}[0m using <latchkey:OPENAI_API_KEY>\n${E}[31mfail`);
    rust.agentOutput(1, `ed${E}[0m\n`);
    rust.agentOutput(1, `${E}[33mwarning: <script>alert(1)</script>\n`, 'stderr');
    rust.agentOutput(2, 'another run\n');
    await waitFor(() => expect(log.querySelectorAll('.line')).toHaveLength(3));

    const [ready, failed, warning] = [...log.querySelectorAll<HTMLElement>('.line')];
    expect(ready.textContent).toBe('ready using <latchkey:OPENAI_API_KEY>');
    const green = within(ready).getByText('ready');
    expect(green.tagName).toBe('SPAN');
    expect(green).toHaveClass('ansi-fg-2', 'ansi-bold');
    const plain = ready.querySelectorAll('span')[1];
    expect(plain.textContent).toBe(' using <latchkey:OPENAI_API_KEY>');
    expect(plain.className).not.toMatch(/ansi-/);
    expect(within(failed).getByText('failed')).toHaveClass('ansi-fg-1');
    expect(warning).toHaveClass('err');
    expect(warning.getAttribute('data-stream')).toBe('stderr');
    // Text stays text: no element made of the output, no escape characters shown.
    expect(log.querySelector('script')).toBeNull();
    expect(warning.textContent).toBe('warning: <script>alert(1)</script>');
    expect(log.textContent).not.toContain(E);
    expect(log).not.toHaveTextContent('another run');
  });

  it('keeps what the agent printed before launch_agent answered', async () => {
    const rust = withProfiles();
    let answer!: () => void;
    rust.hold('launch_agent', new Promise<void>((resolve) => (answer = resolve)));
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(action(profileRow('coder'), 'launch'));
    await waitFor(() => expect(rust.callsOf('launch_agent')).toHaveLength(1));
    expect(action(profileRow('coder'), 'launch')).toBeDisabled();
    rust.agentOutput(1, 'first words\n');
    answer();
    const log = await waitFor(() => el('.agent-log[data-run-id="1"]'));
    expect(log).toHaveTextContent('first words');
    expect(action(profileRow('coder'), 'launch')).toBeEnabled();
  });

  it('stops: Stopping… until the exit event, then Stopped (SIGTERM)', async () => {
    const rust = withProfiles();
    const log = await launchCoder(rust);
    expect(within(profileRow('coder')).getByText('1 running')).toBeInTheDocument();
    expect(el('#nav-agents')).toHaveTextContent('1 running');

    const stop = action(log, 'stop');
    expect(stop).toHaveTextContent('Stop');
    await fireEvent.click(stop);
    await waitFor(() => expect(rust.callsOf('stop_agent')).toEqual([{ id: 1 }]));
    expect(stop).toHaveTextContent('Stopping…');
    expect(stop).toBeDisabled();
    expect(log.querySelector('[data-state]')).toHaveTextContent('Stopping…');

    rust.agentExit(1, 143, 2_300);
    await waitFor(() => expect(log.querySelector('[data-state]')).toHaveTextContent('Stopped (SIGTERM)'));
    expect(log).toHaveAttribute('data-state', 'stopped');
    expect(log.querySelector('[data-action="stop"]')).toBeNull();
    expect(log).toHaveTextContent('2.3 s');
    expect(el('.run-card[data-run-id="1"]')).toHaveTextContent('Stopped (SIGTERM)');
    expect(within(profileRow('coder')).queryByText('1 running')).toBeNull();
    expect(el('#nav-agents')).not.toHaveTextContent('running');
  });

  it('says Killed (SIGKILL) and Exited N, and closes a finished run', async () => {
    const rust = withProfiles();
    const log = await launchCoder(rust);
    rust.agentExit(1, 137);
    await waitFor(() => expect(log.querySelector('[data-state]')).toHaveTextContent('Killed (SIGKILL)'));

    await fireEvent.click(action(profileRow('coder'), 'launch'));
    const second = await waitFor(() => el('.agent-log[data-run-id="2"]'));
    expect(document.querySelectorAll('.run-card')).toHaveLength(2);
    rust.agentOutput(2, 'done');
    rust.agentExit(2, 3);
    await waitFor(() => expect(second.querySelector('[data-state]')).toHaveTextContent('Exited 3'));
    expect(second).toHaveTextContent('done');

    // Back to the first run's output, then close it.
    const first = el('.run-card[data-run-id="1"] .run-select');
    expect(first).toHaveAttribute('aria-pressed', 'false');
    await fireEvent.click(first);
    expect(first).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(el('.agent-log').getAttribute('data-run-id')).toBe('1'));
    await fireEvent.click(action(el('.run-card[data-run-id="1"]'), 'close-run'));
    expect(document.querySelector('.run-card[data-run-id="1"]')).toBeNull();
    expect(el('.agent-log').getAttribute('data-run-id')).toBe('2');
  });

  it('keeps the runs when going to another screen and back', async () => {
    const rust = withProfiles();
    await launchCoder(rust);
    rust.agentOutput(1, 'before\n');
    await fireEvent.click(el('#nav-variables'));
    await screen.findByRole('table');
    rust.agentOutput(1, 'while away\n');
    await openAgents();
    const log = await waitFor(() => el('.agent-log[data-run-id="1"]'));
    expect([...log.querySelectorAll('.line')].map((l) => l.textContent)).toEqual(['before', 'while away']);
  });

  it('shows why a launch failed', async () => {
    const rust = withProfiles();
    rust.missingPrograms.add('python');
    await renderUnlocked();
    await openAgents();
    await fireEvent.click(action(profileRow('coder'), 'launch'));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('error');
    expect(error).toHaveTextContent('cannot find `python`: check its name, or that it is on PATH');
    expect(document.querySelector('.agent-log')).toBeNull();
  });

  it('shows first what latchkey says about the run: its notices and the variables withheld', async () => {
    const rust = withProfiles();
    rust.launchNotes = {
      notices: ['not masked in the output, shorter than 6 characters: PIN'],
      withheld: ['AWS_SECRET_ACCESS_KEY', 'GH_TOKEN'],
    };
    const log = await launchCoder(rust);
    expect([...log.querySelectorAll('[data-note]')].map((n) => n.textContent)).toEqual([
      'latchkey: not masked in the output, shorter than 6 characters: PIN',
      'latchkey: withheld from the command: AWS_SECRET_ACCESS_KEY, GH_TOKEN',
    ]);
    rust.agentOutput(1, 'hello\n');
    await waitFor(() => expect(log.querySelectorAll('.line')).toHaveLength(1));
    expect(log.querySelector('.output')!.firstElementChild).toHaveAttribute('data-note');
    expect(document.querySelector('.toast-warning')).toBeNull();
  });

  it('warns when the grant or the end of a run could not be recorded in the audit log', async () => {
    const rust = withProfiles();
    rust.auditFailure = 'No space left on device (os error 28)';
    const log = await launchCoder(rust);
    const warning = await waitFor(() => el('.toast-warning'));
    expect(warning).toHaveTextContent('coder (pid 4242): the grant was not recorded in the audit log: No space left on device (os error 28)');
    expect(log.querySelector('[data-note]')).toHaveTextContent('the grant was not recorded in the audit log');
    rust.agentExit(1, 0);
    await waitFor(() => expect(document.querySelectorAll('.toast-warning')).toHaveLength(2));
    expect(document.querySelectorAll('.toast-warning')[1]).toHaveTextContent('its end was not recorded in the audit log');
    expect(rust.activityLog).toEqual([]);
  });

  it('says nothing when Stop comes after the run ended on its own', async () => {
    const rust = withProfiles();
    const log = await launchCoder(rust);
    rust.running.delete(1); // ended, its exit event not arrived yet
    await fireEvent.click(action(log, 'stop'));
    await waitFor(() => expect(rust.callsOf('stop_agent')).toEqual([{ id: 1 }]));
    expect(log.querySelector('[data-state]')).toHaveTextContent('Stopping…');
    rust.agentExit(1, 0);
    await waitFor(() => expect(log.querySelector('[data-state]')).toHaveTextContent('Exited 0'));
    expect(document.querySelector('#error')).toBeNull();
  });
});
