import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SECRET, el, pageHolds, renderUnlocked, seeded } from '../../test/render';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const listed = () => [...document.querySelectorAll('#exports-list li')].map((li) => li.getAttribute('data-path'));
const entry = (path: string) => el(`#exports-list li[data-path="${path}"]`);

async function openExport() {
  await fireEvent.click(el('[data-action="export"]'));
  return screen.findByRole('dialog');
}

describe('exporting to a file', () => {
  it('writes the chosen format where the save dialog says, and lists the file', async () => {
    const rust = seeded();
    rust.exportChoice = '/home/ada/app/default.json';
    await renderUnlocked();
    const dialog = await openExport();
    expect(dialog.id).toBe('export-dialog');
    expect(within(dialog).getAllByRole('heading')[0]).toHaveTextContent('Export default');
    expect([...el<HTMLSelectElement>('#export-format').options].map((o) => o.value)).toEqual([
      'dotenv',
      'json',
      'yaml',
      'toml',
      'shell',
      'docker',
      'github',
    ]);
    expect(await within(dialog).findByText(/Nothing exported yet/)).toBeInTheDocument();

    await fireEvent.change(el('#export-format'), { target: { value: 'json' } });
    await fireEvent.click(el('#export-choose'));

    await waitFor(() => expect(rust.callsOf('export_file')).toHaveLength(1));
    expect(rust.callsOf('choose_export_path')).toEqual([{ suggested: 'default.json' }]);
    expect(rust.callsOf('export_file')).toEqual([
      { request: { env: 'default', format: 'json', only: null, path: '/home/ada/app/default.json', allowTracked: false } },
    ]);
    expect(await screen.findByText('Exported default to /home/ada/app/default.json — current')).toBeInTheDocument();
    await waitFor(() => expect(listed()).toEqual(['/home/ada/app/default.json']));
    const written = entry('/home/ada/app/default.json');
    expect(written).toHaveTextContent('default.json');
    expect(written).toHaveTextContent('default · json · just now');
    expect(written.querySelector('[data-state]')).toHaveTextContent('Current');
    expect(pageHolds(SECRET)).toBe(false);
  });

  it('exports only the names picked, and nothing when the save dialog is cancelled', async () => {
    const rust = seeded();
    await renderUnlocked();
    await openExport();
    await fireEvent.click(el('#export-only'));
    expect(el('#export-choose')).toBeDisabled();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'OPENAI_BASE_URL' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'GITHUB_TOKEN' }));

    rust.exportChoice = null;
    await fireEvent.click(el('#export-choose'));
    await waitFor(() => expect(rust.callsOf('choose_export_path')).toEqual([{ suggested: 'default.env' }]));
    expect(rust.callsOf('export_file')).toEqual([]);

    rust.exportChoice = '/tmp/two.env';
    await fireEvent.click(el('#export-choose'));
    await waitFor(() => expect(rust.callsOf('export_file')).toHaveLength(1));
    // In the table's order, whatever the order of the clicks.
    expect((rust.callsOf('export_file')[0].request as { only: string[] }).only).toEqual(['GITHUB_TOKEN', 'OPENAI_BASE_URL']);
  });

  it('asks before writing into a git work tree, then retries with allowTracked', async () => {
    const rust = seeded();
    rust.exportChoice = '/home/ada/app/.env';
    rust.tracked.add('/home/ada/app/.env');
    await renderUnlocked();
    await openExport();
    await fireEvent.click(el('#export-choose'));

    const confirm = await waitFor(() => el('#confirm-dialog'));
    expect(confirm).toHaveTextContent('Export into a git work tree?');
    expect(confirm).toHaveTextContent('/home/ada/app/.env is inside a git work tree and not ignored by git');
    expect(rust.callsOf('export_file')).toHaveLength(1);

    // Cancel writes nothing.
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(document.querySelector('#confirm-dialog')).toBeNull();
    expect(document.querySelector('#export-dialog')).toBeInTheDocument();
    expect(rust.exports).toEqual([]);

    await fireEvent.click(el('#export-choose'));
    await waitFor(() => expect(document.querySelector('#export-anyway')).toBeInTheDocument());
    await fireEvent.click(el('#export-anyway'));
    await waitFor(() => expect(rust.callsOf('export_file')).toHaveLength(3));
    expect(rust.callsOf('export_file').map((a) => (a.request as { allowTracked: boolean }).allowTracked)).toEqual([false, false, true]);
    await waitFor(() => expect(document.querySelector('#confirm-dialog')).toBeNull());
    expect(await screen.findByText('Exported default to /home/ada/app/.env — current')).toBeInTheDocument();
    await waitFor(() => expect(listed()).toEqual(['/home/ada/app/.env']));
  });

  it('shows why a value cannot be exported in the chosen format', async () => {
    const message = 'github cannot carry the value of CERT: it holds a newline; export it in another format, or leave it out with --only';
    const rust = seeded().failNext('export_file', { code: 'unrepresentable', message });
    rust.exportChoice = '/tmp/gh.env';
    await renderUnlocked();
    await openExport();
    await fireEvent.change(el('#export-format'), { target: { value: 'github' } });
    await fireEvent.click(el('#export-choose'));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('export-error');
    expect(error).toHaveTextContent('Github cannot carry the value of CERT: it holds a newline');
    expect(rust.callsOf('choose_export_path')).toEqual([{ suggested: 'default.github.env' }]);
    expect(document.querySelector('#confirm-dialog')).toBeNull();
  });
});

describe('the Exports list', () => {
  function withExports() {
    return seeded()
      .exported({ path: '/home/ada/app/.env', env: 'default', format: 'dotenv', names: ['GITHUB_TOKEN', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'], at: ago(3), state: 'current' })
      .exported({ path: '/home/ada/api/prod.json', env: 'prod', format: 'json', names: ['ANTHROPIC_API_KEY'], at: ago(60 * 5), state: 'stale' })
      .exported({ path: '/home/ada/ci/vars.sh', env: 'default', format: 'shell', only: ['GITHUB_TOKEN'], names: ['GITHUB_TOKEN'], at: ago(60 * 24 * 3), state: 'edited' })
      .exported({ path: '/tmp/old.env', env: 'default', format: 'docker', names: ['GITHUB_TOKEN'], at: ago(60 * 24 * 10), state: 'missing' });
  }

  it('shows each file, newest first, with its environment, format, time and state', async () => {
    withExports();
    await renderUnlocked();
    await openExport();
    await waitFor(() => expect(listed()).toEqual(['/home/ada/app/.env', '/home/ada/api/prod.json', '/home/ada/ci/vars.sh', '/tmp/old.env']));
    const badge = (path: string) => entry(path).querySelector<HTMLElement>('.badge[data-state]')!;
    expect([badge('/home/ada/app/.env'), badge('/home/ada/api/prod.json'), badge('/home/ada/ci/vars.sh'), badge('/tmp/old.env')].map((b) => [
      b.dataset.state,
      b.textContent,
      b.className.match(/tone-\w+/)?.[0],
    ])).toEqual([
      ['current', 'Current', 'tone-good'],
      ['stale', 'Stale — export again', 'tone-warn'],
      ['edited', 'Edited', 'tone-warn'],
      ['missing', 'Missing', 'tone-neutral'],
    ]);
    expect(entry('/home/ada/api/prod.json')).toHaveTextContent('prod · json · 5 h ago');
    expect(entry('/home/ada/ci/vars.sh')).toHaveTextContent('default · shell · 3 days ago');
    expect(entry('/home/ada/api/prod.json').querySelector('.full-path')).toHaveAttribute('title', '/home/ada/api/prod.json');
  });

  it('exports a file again with the same environment, format and path', async () => {
    const rust = withExports();
    await renderUnlocked();
    await openExport();
    await waitFor(() => expect(listed()).toHaveLength(4));

    await fireEvent.click(within(entry('/home/ada/api/prod.json')).getByRole('button', { name: 'Export /home/ada/api/prod.json again' }));
    await waitFor(() => expect(rust.callsOf('export_file')).toHaveLength(1));
    expect(rust.callsOf('export_file')).toEqual([
      { request: { env: 'prod', format: 'json', only: null, path: '/home/ada/api/prod.json', allowTracked: false } },
    ]);
    expect(rust.callsOf('choose_export_path')).toEqual([]);
    expect(await screen.findByText('Exported prod to /home/ada/api/prod.json — current')).toBeInTheDocument();
    await waitFor(() => expect(entry('/home/ada/api/prod.json').querySelector('.badge[data-state]')).toHaveTextContent('Current'));

    // A file written with --only is written with the same names again.
    await fireEvent.click(within(entry('/home/ada/ci/vars.sh')).getByRole('button', { name: 'Export /home/ada/ci/vars.sh again' }));
    await waitFor(() => expect(rust.callsOf('export_file')).toHaveLength(2));
    expect(rust.callsOf('export_file')[1]).toEqual({
      request: { env: 'default', format: 'shell', only: ['GITHUB_TOKEN'], path: '/home/ada/ci/vars.sh', allowTracked: false },
    });
  });
});
