import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { el, pageHolds, renderUnlocked, seeded } from '../../test/render';

async function openDialog() {
  await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  await fireEvent.click(el('#identity-change'));
  return el('#identity-dialog');
}

const radio = (value: string) => el<HTMLInputElement>(`input[name="identity-to"][value="${value}"]`);

async function type(selector: string, text: string) {
  await fireEvent.input(el<HTMLInputElement>(selector), { target: { value: text } });
}

describe('moving the vault key', () => {
  it('puts a keychain key behind a passphrase, which the next unlock asks for', async () => {
    const rust = seeded();
    await renderUnlocked();
    await openDialog();
    expect(radio('keychain').disabled).toBe(true);
    expect(radio('keychain').closest('label')).toHaveTextContent('In the OS keychain (now)');
    expect(radio('passphrase').checked).toBe(true);

    const move = el<HTMLButtonElement>('#identity-move');
    expect(move).toHaveTextContent('Move the key');
    expect(move.disabled).toBe(true);
    await type('#identity-passphrase', 'river stone');
    await type('#identity-passphrase-confirm', 'river stonf');
    expect(screen.getByText('The passphrases do not match.')).toBeInTheDocument();
    expect(move.disabled).toBe(true);
    await type('#identity-passphrase-confirm', 'river stone');
    await fireEvent.click(move);

    await waitFor(() => expect(document.querySelector('#identity-dialog')).toBeNull());
    expect(rust.callsOf('move_identity')).toEqual([{ request: { to: 'passphrase', passphrase: 'river stone', current: null } }]);
    expect(await screen.findByText("The vault's key is now behind the new passphrase")).toBeInTheDocument();
    expect(pageHolds('river stone')).toBe(false);

    await fireEvent.click(el('#lock'));
    await type('#unlock-passphrase', 'wrong');
    await fireEvent.click(el('#unlock'));
    expect(await screen.findByText(/does not open this vault/)).toBeInTheDocument();
    await type('#unlock-passphrase', 'river stone');
    await fireEvent.click(el('#unlock'));
    expect(await screen.findByRole('table')).toBeInTheDocument();
  });

  it('takes a passphrase off only for someone who types it, and says what a plain file costs', async () => {
    const rust = seeded();
    rust.status.identity = 'passphrase';
    await renderUnlocked();
    await openDialog();
    expect(el('#identity-move')).toHaveTextContent('Change passphrase');
    expect(screen.getByText('New passphrase')).toBeInTheDocument();
    expect(screen.getByText(/anyone who can read the file can open the vault/)).toBeInTheDocument();

    await fireEvent.click(radio('file'));
    expect(document.querySelector('#identity-passphrase')).toBeNull();
    expect(el('#identity-move')).toHaveTextContent('Move the key');
    expect(el<HTMLButtonElement>('#identity-move').disabled).toBe(true); // no current passphrase yet

    await type('#identity-current', 'not the one');
    await fireEvent.click(el('#identity-move'));
    expect(await screen.findByText('the current passphrase is wrong: nothing was changed')).toBeInTheDocument();
    expect(rust.status.identity).toBe('passphrase');

    await type('#identity-current', rust.passphrase);
    await fireEvent.click(el('#identity-move'));
    await waitFor(() => expect(rust.status.identity).toBe('file'));
    expect(rust.callsOf('move_identity').at(-1)).toEqual({ request: { to: 'file', passphrase: null, current: rust.passphrase } });
    expect(await screen.findByText("The vault's key is now in a plain file: keep it safe")).toBeInTheDocument();
    expect(pageHolds(rust.passphrase)).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByText('in an identity file')).toBeInTheDocument();
  });

  it('offers no move for a key LATCHKEY_IDENTITY names', async () => {
    const rust = seeded();
    rust.status.identityMovable = false;
    await renderUnlocked();
    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(document.querySelector('#identity-change')).toBeNull();
    expect(screen.getByText('(LATCHKEY_IDENTITY)')).toBeInTheDocument();
  });

  it('keeps the dialog open with Rust’s reason when the move fails, and offers no unreachable keychain', async () => {
    const rust = seeded();
    rust.status.identity = 'file';
    rust.status.keychainAvailable = false;
    await renderUnlocked();
    await openDialog();
    expect(radio('keychain').disabled).toBe(true);
    expect(screen.getByText('The OS keychain is not reachable on this machine.')).toBeInTheDocument();
    expect(radio('file').disabled).toBe(true);

    rust.status.unlocked = false; // locked behind the app's back: Rust refuses.
    await type('#identity-passphrase', 'p');
    await type('#identity-passphrase-confirm', 'p');
    await fireEvent.click(el('#identity-move'));
    expect(await screen.findByText('The vault is locked: unlock it to continue.')).toBeInTheDocument();
    expect(el('#identity-dialog')).toBeInTheDocument();
    expect(rust.status.identity).toBe('file');
  });
});
