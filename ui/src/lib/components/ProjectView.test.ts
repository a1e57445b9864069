import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../test/fakeBackend';
import { openaiKey } from '../../test/keys';
import { el, pageHolds, renderUnlocked, seeded } from '../../test/render';

const ROOT = '/home/ada/app';
const FILE = `${ROOT}/latchkey.toml`;
const KEY = openaiKey('projectScreen');

/**
 * The seeded vault (default: OPENAI_API_KEY, GITHUB_TOKEN, OPENAI_BASE_URL; prod:
 * ANTHROPIC_API_KEY) and a project using default and prod: OPENAI_API_KEY is missing in
 * prod, and nothing else required is.
 */
function withProject(): FakeBackend {
  const rust = seeded().project(ROOT, {
    name: 'agent-lab',
    envs: ['prod'],
    vars: [
      { name: 'OPENAI_API_KEY', provider: 'openai', description: "the agent's model access" },
      { name: 'LOG_LEVEL', kind: 'config', default: 'info', description: 'how much it logs' },
      { name: 'GITHUB_TOKEN', provider: 'github', required: false },
    ],
  });
  rust.folders.add(`${ROOT}/src`);
  return rust;
}

const tid = <T extends HTMLElement = HTMLElement>(id: string) => el<T>(`[data-testid="${id}"]`);
const stateOf = (name: string, env: string) => tid(`state-${name}-${env}`).getAttribute('data-state');
const setButtons = () => [...document.querySelectorAll('[data-testid^="set-"]')].map((b) => b.getAttribute('data-testid'));

async function openScreen() {
  await renderUnlocked();
  await fireEvent.click(el('#nav-project'));
  await waitFor(() => expect(document.querySelector('[data-testid="project-path"]')).toBeInTheDocument());
}

async function openTyped(path: string) {
  await fireEvent.input(tid('project-path'), { target: { value: path } });
  await fireEvent.click(tid('project-open'));
}

describe('the Project screen', () => {
  it('says what a project is before any is opened, and opens nothing without a path', async () => {
    const rust = withProject();
    await openScreen();
    expect(el('#nav-project')).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByText('No project open.')).toBeInTheDocument();
    expect(screen.getByText('latchkey project init')).toBeInTheDocument();
    expect(tid('project-open')).toBeDisabled();
    await fireEvent.input(tid('project-path'), { target: { value: '   ' } });
    expect(tid('project-open')).toBeDisabled();
    expect(rust.callsOf('open_project')).toEqual([]);
  });

  it('opens a project by a typed path and shows each variable in each environment', async () => {
    const rust = withProject();
    await openScreen();
    // A folder inside the project: its latchkey.toml is found upward.
    await openTyped(`${ROOT}/src`);
    const table = await screen.findByTestId('project-contract');
    expect(rust.callsOf('open_project')).toEqual([{ path: `${ROOT}/src` }]);

    expect(tid('project-name')).toHaveTextContent('agent-lab');
    expect(screen.getByText(FILE)).toBeInTheDocument();
    expect(screen.getByText(/default environment/)).toHaveTextContent('default environment default');
    expect(tid<HTMLInputElement>('project-path').value).toBe(ROOT);

    // The file's order, a column per environment (the default first).
    expect([...table.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-name'))).toEqual(['OPENAI_API_KEY', 'LOG_LEVEL', 'GITHUB_TOKEN']);
    expect([...table.querySelectorAll('th[data-env]')].map((th) => th.getAttribute('data-env'))).toEqual(['default', 'prod']);
    const openai = within(tid('contract-row-OPENAI_API_KEY'));
    expect(openai.getByText('Secret')).toBeInTheDocument();
    expect(openai.getByText('openai')).toBeInTheDocument();
    expect(openai.getByText('Required')).toBeInTheDocument();
    expect(openai.getByText("the agent's model access")).toBeInTheDocument();
    expect(within(tid('contract-row-GITHUB_TOKEN')).getByText('Optional')).toBeInTheDocument();

    expect(stateOf('OPENAI_API_KEY', 'default')).toBe('set');
    expect(stateOf('OPENAI_API_KEY', 'prod')).toBe('missing');
    expect(stateOf('LOG_LEVEL', 'default')).toBe('default');
    expect(stateOf('LOG_LEVEL', 'prod')).toBe('default');
    expect(stateOf('GITHUB_TOKEN', 'default')).toBe('set');
    expect(stateOf('GITHUB_TOKEN', 'prod')).toBe('unset');
    expect(tid('state-OPENAI_API_KEY-prod')).toHaveTextContent('Missing');
    // Set is offered for the missing one only.
    expect(setButtons()).toEqual(['set-OPENAI_API_KEY-prod']);
    expect(tid('project-summary')).toHaveTextContent('1 required variable missing: in prod: OPENAI_API_KEY');
    // What an environment holds that the project does not declare.
    expect(screen.getByText('ANTHROPIC_API_KEY')).toBeInTheDocument();
    // Opened, it is first in the recent list.
    expect(rust.recent).toEqual([FILE]);
  });

  it('sets a missing variable with the add dialog, preset as declared, then shows it set', async () => {
    const rust = withProject();
    await openScreen();
    await openTyped(FILE);
    await fireEvent.click(await screen.findByTestId('set-OPENAI_API_KEY-prod'));

    const dialog = await screen.findByRole('dialog');
    expect(dialog.id).toBe('variable-dialog');
    expect(within(dialog).getByText('Set OPENAI_API_KEY in prod')).toBeInTheDocument();
    expect(el<HTMLInputElement>('#var-name').value).toBe('OPENAI_API_KEY');
    expect(el('#var-name')).toBeDisabled();
    expect(el<HTMLSelectElement>('#var-kind').value).toBe('secret');
    expect(el<HTMLInputElement>('#var-provider').value).toBe('openai');
    expect(document.activeElement?.id).toBe('var-value');

    await fireEvent.input(el('#var-value'), { target: { value: KEY } });
    await waitFor(() => expect(el('#var-save')).toBeEnabled());
    await fireEvent.click(el('#var-save'));

    await waitFor(() => expect(stateOf('OPENAI_API_KEY', 'prod')).toBe('set'));
    expect(document.querySelector('#variable-dialog')).toBeNull();
    expect(rust.callsOf('set_variable')).toEqual([
      {
        request: { env: 'prod', name: 'OPENAI_API_KEY', kind: 'secret', store: 'vault', value: KEY, provider: 'openai', notes: null, force: false, created: null },
      },
    ]);
    expect(rust.callsOf('open_project')).toHaveLength(2);
    expect(tid('project-summary')).toHaveTextContent('Every required variable is set');
    expect(setButtons()).toEqual([]);
    expect(await screen.findByText('Saved OPENAI_API_KEY in prod')).toBeInTheDocument();
    expect(pageHolds(KEY)).toBe(false);
  });

  it('presets a config variable as config', async () => {
    seeded().project(ROOT, { vars: [{ name: 'REGION', kind: 'config', description: 'where it runs' }] });
    await openScreen();
    await openTyped(ROOT);
    await fireEvent.click(await screen.findByTestId('set-REGION-default'));
    await screen.findByRole('dialog');
    expect(el<HTMLSelectElement>('#var-kind').value).toBe('config');
    // No name given, the project is shown by its folder.
    expect(tid('project-name')).toHaveTextContent('app');
  });

  it('says so for an environment the vault does not have, and offers no Set there', async () => {
    seeded().project(ROOT, { envs: ['staging'], vars: [{ name: 'OPENAI_API_KEY' }, { name: 'LOG_LEVEL', kind: 'config', default: 'info' }] });
    await openScreen();
    await openTyped(ROOT);
    const staging = (await screen.findByTestId('project-contract')).querySelector('th[data-env="staging"]')!;
    expect(staging).toHaveTextContent('not in the vault');
    expect(stateOf('OPENAI_API_KEY', 'staging')).toBe('missing');
    expect(stateOf('LOG_LEVEL', 'staging')).toBe('default');
    expect(setButtons()).toEqual([]);
    expect(tid('project-summary')).toHaveTextContent('1 required variable missing: in staging: OPENAI_API_KEY');
  });

  it("shows the file's problems", async () => {
    seeded().project(ROOT, {
      vars: [{ name: 'OPENAI_API_KEY', provider: 'opneai' }],
      problems: [`${FILE}:2: OPENAI_API_KEY names provider \`opneai\`, which the catalog does not have (did you mean \`openai\`?)`],
    });
    await openScreen();
    await openTyped(ROOT);
    expect(await screen.findByTestId('project-problems')).toHaveTextContent('which the catalog does not have (did you mean `openai`?)');
  });

  it('shows why a folder without a project cannot be opened, under the path field', async () => {
    const rust = withProject();
    rust.folders.add('/home/ada/notes');
    await openScreen();
    await openTyped('/home/ada/notes');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'There is no latchkey.toml in /home/ada/notes or above: `latchkey project init` there writes one',
    );
    expect(tid('project-path')).toHaveAttribute('aria-invalid', 'true');
    expect(document.querySelector('[data-testid="project-contract"]')).toBeNull();
    expect(document.querySelector('#error')).toBeNull();
    expect(rust.recent).toEqual([]);

    // A file core refuses says what to do the same way; a good path clears it.
    rust.project('/home/ada/shared', { refused: `the project file /home/ada/shared/latchkey.toml is writable by every user: latchkey does not trust it.` });
    await openTyped('/home/ada/shared');
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('is writable by every user: latchkey does not trust it.'));
    await openTyped(ROOT);
    await screen.findByTestId('project-contract');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows any other error in the banner, and goes to the lock screen when the vault is locked', async () => {
    const rust = withProject();
    await openScreen();
    rust.failNext('open_project', { code: 'vault', message: 'The vault could not be read: check its file.' });
    await openTyped(ROOT);
    expect(await screen.findByRole('alert')).toHaveTextContent('The vault could not be read: check its file.');
    expect(el('#error')).toBeInTheDocument();

    rust.status.unlocked = false;
    await fireEvent.click(tid('project-open'));
    expect(await screen.findByRole('button', { name: 'Unlock' })).toBeInTheDocument();
  });

  it('opens a recent project with a click, marks a gone one, and Forget takes one off the list', async () => {
    const rust = withProject().opened('/home/ada/old/latchkey.toml', FILE);
    await openScreen();
    const list = await screen.findByTestId('recent-projects');
    const items = () => [...list.querySelectorAll('li')].map((li) => li.getAttribute('data-path'));
    expect(items()).toEqual(['/home/ada/old/latchkey.toml', FILE]);
    const old = list.querySelector<HTMLElement>('li[data-path="/home/ada/old/latchkey.toml"]')!;
    expect(within(old).getByText('missing')).toBeInTheDocument();
    expect(old.querySelector('[data-action="open"]')).toBeDisabled();

    await fireEvent.click(within(old).getByRole('button', { name: 'Forget /home/ada/old' }));
    await waitFor(() => expect(items()).toEqual([FILE]));
    expect(rust.callsOf('forget_project')).toEqual([{ path: '/home/ada/old/latchkey.toml' }]);
    expect(rust.recent).toEqual([FILE]);

    await fireEvent.click(within(list).getByRole('button', { name: ROOT }));
    await screen.findByTestId('project-contract');
    expect(rust.callsOf('open_project')).toEqual([{ path: FILE }]);
    expect(tid('project-name')).toHaveTextContent('agent-lab');

    // Close goes back to the list.
    await fireEvent.click(tid('project-close'));
    expect(await screen.findByTestId('recent-projects')).toBeInTheDocument();
    expect(document.querySelector('[data-testid="project-contract"]')).toBeNull();
  });

  it('opens the folder picked in the native dialog; Cancel opens nothing', async () => {
    const rust = withProject();
    await openScreen();
    await fireEvent.click(tid('project-choose'));
    await waitFor(() => expect(rust.callsOf('choose_project_folder')).toHaveLength(1));
    expect(rust.callsOf('open_project')).toEqual([]);

    rust.projectChoice = ROOT;
    await fireEvent.click(tid('project-choose'));
    await screen.findByTestId('project-contract');
    expect(rust.callsOf('open_project')).toEqual([{ path: ROOT }]);
  });

  it('keeps the open project while another screen shows, and opens it again for what changed', async () => {
    const rust = withProject();
    await openScreen();
    await openTyped(ROOT);
    await screen.findByTestId('project-contract');
    expect(stateOf('OPENAI_API_KEY', 'prod')).toBe('missing');

    await fireEvent.keyDown(document.body, { key: '1', ctrlKey: true });
    expect((await screen.findByRole('table')).id).toBe('variables');
    // The CLI stores it meanwhile.
    rust.seed('prod', [{ name: 'OPENAI_API_KEY', value: KEY, provider: 'openai' }]);
    await fireEvent.keyDown(document.body, { key: '5', ctrlKey: true });
    expect(el('#nav-project')).toHaveAttribute('aria-current', 'page');
    await waitFor(() => expect(stateOf('OPENAI_API_KEY', 'prod')).toBe('set'));
    expect(tid<HTMLInputElement>('project-path').value).toBe(ROOT);
    expect(rust.callsOf('open_project')).toEqual([{ path: ROOT }, { path: FILE }]);

    // Reload opens it again too.
    await fireEvent.click(el('#refresh'));
    await waitFor(() => expect(rust.callsOf('open_project')).toHaveLength(3));
  });

  it('closes a project whose file went away, saying why', async () => {
    const rust = withProject();
    await openScreen();
    await openTyped(ROOT);
    await screen.findByTestId('project-contract');
    rust.projects.delete(FILE);
    await fireEvent.click(el('#refresh'));
    expect(await screen.findByRole('alert')).toHaveTextContent(`Cannot read the project file ${FILE}: No such file or directory (os error 2)`);
    expect(document.querySelector('[data-testid="project-contract"]')).toBeNull();
    const gone = (await screen.findByTestId('recent-projects')).querySelector(`li[data-path="${FILE}"]`)!;
    expect(within(gone as HTMLElement).getByText('missing')).toBeInTheDocument();
  });
});
