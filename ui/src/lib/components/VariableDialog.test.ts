import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { el, pageHolds, renderUnlocked, row, seeded } from '../../test/render';

const NEW_SECRET = 'sk-ant-brandNewValue987654321';

async function openAdd() {
  await fireEvent.click(el('#add-variable'));
  return screen.findByRole('dialog');
}

describe('the add / edit dialog', () => {
  it('checks the name as it is typed, shows check_name\'s message and disables Save', async () => {
    const rust = seeded();
    await renderUnlocked();
    await openAdd();
    const save = el<HTMLButtonElement>('#var-save');
    await fireEvent.input(el('#var-value'), { target: { value: NEW_SECRET } });

    await fireEvent.input(el('#var-name'), { target: { value: '9LIVES' } });
    await waitFor(() =>
      expect(el('#var-name-error')).toHaveTextContent('9LIVES is not a valid name: use letters, digits and _, not starting with a digit.'),
    );
    expect(el('#var-name')).toHaveAttribute('aria-invalid', 'true');
    expect(save).toBeDisabled();

    await fireEvent.input(el('#var-name'), { target: { value: 'ANTHROPIC_API_KEY' } });
    // Debounced: one check per pause in typing, not one per keystroke.
    await waitFor(() => expect(rust.callsOf('check_name').map((a) => a.name)).toEqual(['9LIVES', 'ANTHROPIC_API_KEY']));
    await waitFor(() => expect(el('#var-name-error')).toHaveTextContent(''));
    expect(el('#var-name')).toHaveAttribute('aria-invalid', 'false');
    expect(save).toBeEnabled();
  });

  it('adds a variable with set_variable, lists it, and keeps the value out of the page', async () => {
    const rust = seeded();
    await renderUnlocked();
    const dialog = await openAdd();
    expect(dialog.id).toBe('variable-dialog');
    expect(el('#var-name')).not.toBeDisabled();
    expect(el('#var-value')).toHaveAttribute('placeholder', 'Paste the value');

    await fireEvent.input(el('#var-name'), { target: { value: 'ANTHROPIC_API_KEY' } });
    await fireEvent.input(el('#var-value'), { target: { value: NEW_SECRET } });
    await fireEvent.change(el('#var-kind'), { target: { value: 'secret' } });
    await fireEvent.change(el('#var-store'), { target: { value: 'keychain' } });
    await fireEvent.input(el('#var-provider'), { target: { value: ' anthropic ' } });
    await fireEvent.input(el('#var-notes'), { target: { value: 'the eval agents' } });
    await fireEvent.click(el('#var-save'));

    await waitFor(() => expect(document.querySelector('tr[data-name="ANTHROPIC_API_KEY"]')).toBeInTheDocument());
    expect(document.querySelector('#variable-dialog')).toBeNull();
    expect(rust.callsOf('set_variable')).toEqual([
      {
        request: {
          env: 'default',
          name: 'ANTHROPIC_API_KEY',
          kind: 'secret',
          store: 'keychain',
          value: NEW_SECRET,
          provider: 'anthropic',
          notes: 'the eval agents',
        },
      },
    ]);
    expect(within(row('ANTHROPIC_API_KEY')).getByText('Keychain')).toBeInTheDocument();
    expect(pageHolds(NEW_SECRET)).toBe(false);
    expect(await screen.findByText('Saved ANTHROPIC_API_KEY in default')).toBeInTheDocument();
  });

  it('edits metadata only: the name is fixed and an empty value keeps the current one', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(row('GITHUB_TOKEN').querySelector('button.edit')!);
    await screen.findByRole('dialog');
    const name = el<HTMLInputElement>('#var-name');
    expect(name).toBeDisabled();
    expect(name.value).toBe('GITHUB_TOKEN');
    expect(el('#var-value')).toHaveAttribute('placeholder', 'leave empty to keep the current value');
    expect(el<HTMLInputElement>('#var-provider').value).toBe('github');
    expect(el<HTMLTextAreaElement>('#var-notes').value).toBe('CI bot');

    await fireEvent.input(el('#var-notes'), { target: { value: 'CI bot, rotate in May' } });
    await fireEvent.click(el('#var-save'));
    await waitFor(() => expect(document.querySelector('#variable-dialog')).toBeNull());
    expect(rust.callsOf('set_variable')).toEqual([
      {
        request: {
          env: 'default',
          name: 'GITHUB_TOKEN',
          kind: 'secret',
          store: 'vault',
          value: null,
          provider: 'github',
          notes: 'CI bot, rotate in May',
        },
      },
    ]);
    expect(rust.envs.get('default')!.get('GITHUB_TOKEN')!.value).toBe('ghp_tokenValue123');
    expect(rust.callsOf('check_name')).toEqual([]);
  });

  it('needs the value again to move a variable to another store', async () => {
    seeded();
    await renderUnlocked();
    await fireEvent.click(row('GITHUB_TOKEN').querySelector('button.edit')!);
    await screen.findByRole('dialog');
    await fireEvent.change(el('#var-store'), { target: { value: 'keychain' } });
    expect(el('#var-save')).toBeDisabled();
    expect(screen.getByText('To move GITHUB_TOKEN to another store, enter its value again.')).toBeInTheDocument();
    await fireEvent.input(el('#var-value'), { target: { value: 'ghp_again' } });
    expect(el('#var-save')).toBeEnabled();
  });

  it('keeps the dialog and the typed value when saving fails, and shows why', async () => {
    const message = 'The OS keychain refused to store GITHUB_TOKEN: unlock your keyring and try again.';
    seeded().failNext('set_variable', { code: 'keychain', message });
    await renderUnlocked();
    await openAdd();
    await fireEvent.input(el('#var-name'), { target: { value: 'NEW_ONE' } });
    await fireEvent.input(el('#var-value'), { target: { value: 'v' } });
    await fireEvent.click(el('#var-save'));
    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(el('#error')).toHaveTextContent(message);
    expect(document.querySelector('#variable-dialog')).toBeInTheDocument();
    expect(el<HTMLTextAreaElement>('#var-value').value).toBe('v');
  });

  it('closes on Cancel and on Escape without saving', async () => {
    const rust = seeded();
    await renderUnlocked();
    await openAdd();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.querySelector('#variable-dialog')).toBeNull();
    await openAdd();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(document.querySelector('#variable-dialog')).toBeNull();
    expect(rust.callsOf('set_variable')).toEqual([]);
  });
});
