import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { anthropicKey, openaiKey } from '../../test/keys';
import { SECRET, el, pageHolds, renderUnlocked, row, seeded } from '../../test/render';

const FILE = '/home/ada/app/.env';
const NEW_KEY = anthropicKey('importedValue123456789');
const CHANGED = openaiKey('aChangedValue0123456789');

/** A vault with default's variables, and a .env file with one new, one changed, one unchanged. */
function withFile() {
  return seeded().file(FILE, [
    { name: 'ANTHROPIC_API_KEY', value: NEW_KEY },
    { name: 'OPENAI_API_KEY', value: CHANGED },
    { name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' },
  ]);
}

const previewed = () =>
  [...document.querySelectorAll('#import-preview tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
  );

async function openImport() {
  await fireEvent.click(el('[data-action="import"]'));
  return screen.findByRole('dialog');
}

describe('importing a .env file', () => {
  it('does nothing when the file dialog is cancelled', async () => {
    const rust = withFile();
    rust.importChoice = null;
    await renderUnlocked();
    await fireEvent.click(el('[data-action="import"]'));
    await waitFor(() => expect(rust.callsOf('choose_import_file')).toEqual([{}]));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(rust.callsOf('preview_import')).toEqual([]);
  });

  it('previews the chosen file, then imports it on confirm and refreshes the table', async () => {
    const rust = withFile();
    rust.importChoice = FILE;
    await renderUnlocked();
    const dialog = await openImport();
    expect(dialog.id).toBe('import-dialog');
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Import into default');
    await waitFor(() =>
      expect(previewed()).toEqual([
        ['ANTHROPIC_API_KEY', 'Secret', 'New', 'anthropic', '—'],
        ['OPENAI_API_KEY', 'Secret', 'Overwrite', 'openai', '—'],
        ['OPENAI_BASE_URL', 'Config', 'Unchanged', 'openai', '—'],
      ]),
    );
    expect(rust.callsOf('preview_import')).toEqual([{ request: { env: 'default', path: FILE, allSecret: false, overwrite: false, force: false } }]);
    expect(dialog).toHaveTextContent('.env');
    expect(dialog).toHaveTextContent('1 variable exists in default with another value: tick Overwrite existing to replace it.');
    // Nothing written yet, and no value on the page.
    expect(rust.callsOf('import_file')).toEqual([]);
    expect(pageHolds(NEW_KEY)).toBe(false);

    // "All as secrets" previews again.
    await fireEvent.click(el('#import-all-secret'));
    await waitFor(() => expect(previewed()[2]).toEqual(['OPENAI_BASE_URL', 'Secret', 'Overwrite', 'openai', '—']));
    expect(rust.callsOf('preview_import').at(-1)).toEqual({ request: { env: 'default', path: FILE, allSecret: true, overwrite: false, force: false } });
    await fireEvent.click(el('#import-all-secret'));
    await waitFor(() => expect(previewed()[2][2]).toBe('Unchanged'));

    await fireEvent.click(el('#import-overwrite'));
    const confirm = el<HTMLButtonElement>('#import-confirm');
    expect(confirm).toHaveTextContent('Import 2 variables');
    await fireEvent.click(confirm);

    await waitFor(() => expect(document.querySelector('#import-dialog')).toBeNull());
    expect(rust.callsOf('import_file')).toEqual([{ request: { env: 'default', path: FILE, allSecret: false, overwrite: true, force: false } }]);
    expect(await screen.findByText('Imported 2 variables into default')).toBeInTheDocument();
    await waitFor(() => expect(document.querySelector('tr[data-name="ANTHROPIC_API_KEY"]')).toBeInTheDocument());
    expect(within(row('ANTHROPIC_API_KEY')).getByText('anthropic')).toBeInTheDocument();
    expect(el('#env-switcher')).toHaveTextContent('default (4)');
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).toBe(CHANGED);
    expect(pageHolds(NEW_KEY)).toBe(false);
  });

  it('shows Rust\'s refusal when names exist with other values, then imports with Overwrite', async () => {
    const rust = withFile();
    rust.importChoice = FILE;
    await renderUnlocked();
    await openImport();
    await waitFor(() => expect(previewed()).toHaveLength(3));

    await fireEvent.click(el('#import-confirm'));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('import-error');
    expect(error).toHaveTextContent(
      '`default` already has `OPENAI_API_KEY` with other values: nothing was imported; pass --overwrite to replace them',
    );
    expect(rust.envs.get('default')!.has('ANTHROPIC_API_KEY')).toBe(false);
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).toBe(SECRET);
    expect(document.querySelector('#import-dialog')).toBeInTheDocument();

    await fireEvent.click(el('#import-overwrite'));
    expect(document.querySelector('#import-error')).toBeNull();
    await fireEvent.click(el('#import-confirm'));
    await waitFor(() => expect(document.querySelector('#import-dialog')).toBeNull());
    expect(rust.callsOf('import_file').map((a) => (a.request as { overwrite: boolean }).overwrite)).toEqual([false, true]);
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).toBe(CHANGED);
  });

  it('names a value that cannot be a key, refuses it as Set does, and stores it with Store anyway', async () => {
    const rust = seeded().file(FILE, [
      { name: 'ANTHROPIC_API_KEY', value: NEW_KEY },
      { name: 'STRIPE_SECRET_KEY', value: 'your-stripe-key-here' },
    ]);
    rust.importChoice = FILE;
    await renderUnlocked();
    await openImport();
    await waitFor(() => expect(previewed()).toHaveLength(2));
    expect(el('#import-refused')).toHaveTextContent('1 value cannot be a working key');
    expect(el('#import-confirm')).not.toBeDisabled();

    await fireEvent.click(el('#import-confirm'));
    expect(await screen.findByRole('alert')).toHaveTextContent('`STRIPE_SECRET_KEY` (placeholder) cannot be a working key');
    expect(rust.envs.get('default')!.has('ANTHROPIC_API_KEY')).toBe(false);

    await fireEvent.click(el('#import-force'));
    expect(document.querySelector('#import-refused')).toBeNull();
    await fireEvent.click(el('#import-confirm'));
    await waitFor(() => expect(document.querySelector('#import-dialog')).toBeNull());
    expect(rust.callsOf('import_file').map((a) => (a.request as { force: boolean }).force)).toEqual([false, true]);
    expect(rust.envs.get('default')!.has('STRIPE_SECRET_KEY')).toBe(true);
  });

  it('shows why a file cannot be read, and has nothing to import', async () => {
    const rust = seeded();
    rust.importChoice = '/nowhere/.env';
    await renderUnlocked();
    await openImport();
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot read /nowhere/.env');
    expect(el('#import-confirm')).toBeDisabled();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.querySelector('#import-dialog')).toBeNull();
  });
});
