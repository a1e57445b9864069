import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SECRET, backend, button, el, pageHolds, renderApp, renderUnlocked, row, seeded } from './test/render';

describe('first run', () => {
  it('explains latchkey and creates the vault with the identity in the OS keychain', async () => {
    const rust = backend().with({ initialized: false, unlocked: false, identity: null });
    renderApp();
    const create = await screen.findByRole('button', { name: 'Create vault' });
    expect(create.id).toBe('create-vault');
    expect(screen.getByText(/encrypted vault on this computer/)).toBeInTheDocument();
    expect(document.querySelector('#passphrase')).toBeNull();

    await fireEvent.click(create);
    expect(await screen.findByRole('button', { name: /Add variable/ })).toBeInTheDocument();
    expect(rust.callsOf('create_vault')).toEqual([{ request: { passphrase: null } }]);
  });

  it('offers a passphrase instead, and a mismatch blocks creation', async () => {
    const rust = backend().with({ initialized: false, unlocked: false, identity: null });
    renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: 'Protect with a passphrase instead' }));
    await fireEvent.input(el('#passphrase'), { target: { value: 'one passphrase' } });
    await fireEvent.input(el('#passphrase-confirm'), { target: { value: 'another one' } });
    expect(screen.getByText('The passphrases do not match.')).toBeInTheDocument();
    const create = el<HTMLButtonElement>('#create-vault');
    expect(create).toBeDisabled();
    await fireEvent.click(create);
    await fireEvent.submit(create.form!);
    expect(rust.callsOf('create_vault')).toEqual([]);

    await fireEvent.input(el('#passphrase-confirm'), { target: { value: 'one passphrase' } });
    expect(screen.queryByText('The passphrases do not match.')).toBeNull();
    await fireEvent.click(create);
    await screen.findByText(/No variables in/);
    expect(rust.callsOf('create_vault')).toEqual([{ request: { passphrase: 'one passphrase' } }]);
  });

  it('asks for a passphrase when the OS keychain is not reachable', async () => {
    const rust = backend().with({ initialized: false, unlocked: false, identity: null, keychainAvailable: false });
    renderApp();
    expect(await screen.findByText(/OS keychain was not reachable/)).toBeInTheDocument();
    expect(screen.queryByText('Protect with a passphrase instead')).toBeNull();
    const create = el<HTMLButtonElement>('#create-vault');
    expect(create).toBeDisabled();
    await fireEvent.input(el('#passphrase'), { target: { value: 'pw' } });
    expect(create).toBeDisabled();
    await fireEvent.input(el('#passphrase-confirm'), { target: { value: 'pw' } });
    expect(create).toBeEnabled();
    await fireEvent.click(create);
    await screen.findByText(/No variables in/);
    expect(rust.callsOf('create_vault')).toEqual([{ request: { passphrase: 'pw' } }]);
  });

  it('shows why creating failed', async () => {
    backend()
      .with({ initialized: false, unlocked: false, identity: null })
      .failNext('create_vault', { code: 'keychain', message: 'The OS keychain refused the key: unlock your keyring and try again.' });
    renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: 'Create vault' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The OS keychain refused the key: unlock your keyring and try again.');
  });
});

describe('unlock', () => {
  it('unlocks a keychain vault with one click and no passphrase', async () => {
    const rust = seeded().with({ unlocked: false });
    renderApp();
    const unlock = await screen.findByRole('button', { name: 'Unlock' });
    expect(unlock.id).toBe('unlock');
    expect(document.querySelector('#unlock-passphrase')).toBeNull();
    expect(pageHolds('OPENAI_API_KEY')).toBe(false);
    await fireEvent.click(unlock);
    await screen.findByRole('table');
    expect(rust.callsOf('unlock')).toEqual([{ passphrase: null }]);
    expect(row('OPENAI_API_KEY')).toBeInTheDocument();
  });

  it('asks for the passphrase and shows a wrong one inline', async () => {
    const rust = seeded().with({ unlocked: false, identity: 'passphrase' });
    renderApp();
    const field = await screen.findByLabelText('Passphrase');
    expect(field.id).toBe('unlock-passphrase');
    await fireEvent.input(field, { target: { value: 'wrong' } });
    await fireEvent.click(el('#unlock'));
    expect(await screen.findByRole('alert')).toHaveTextContent('That passphrase does not open this vault: check it and try again.');
    expect((field as HTMLInputElement).value).toBe('');

    await fireEvent.input(field, { target: { value: rust.passphrase } });
    await fireEvent.click(el('#unlock'));
    await screen.findByRole('table');
    expect(rust.callsOf('unlock')).toEqual([{ passphrase: 'wrong' }, { passphrase: rust.passphrase }]);
  });
});

describe('locking', () => {
  it('Lock drops the table and every revealed value, and calls lock', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    await screen.findByText(SECRET);

    await fireEvent.click(el('#lock'));
    await screen.findByRole('button', { name: 'Unlock' });
    expect(pageHolds(SECRET)).toBe(false);
    expect(pageHolds('OPENAI_API_KEY')).toBe(false);
    expect(rust.callsOf('lock')).toHaveLength(1);

    // Unlocking again shows the rows, not the value.
    await fireEvent.click(el('#unlock'));
    await screen.findByRole('table');
    expect(pageHolds(SECRET)).toBe(false);
  });

  it('Lock also drops toasts that name a variable', async () => {
    seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'copy'));
    await screen.findByText(/Copied OPENAI_API_KEY/);
    await fireEvent.click(el('#lock'));
    await screen.findByRole('button', { name: 'Unlock' });
    expect(pageHolds('OPENAI_API_KEY')).toBe(false);
  });

  it('drops a value that arrives after the vault was locked', async () => {
    const rust = seeded();
    let release!: () => void;
    rust.hold('reveal_value', new Promise<void>((r) => (release = r)));
    await renderUnlocked();
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    await fireEvent.click(el('#lock'));
    await screen.findByRole('button', { name: 'Unlock' });
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(rust.callsOf('reveal_value')).toHaveLength(1);
    expect(pageHolds(SECRET)).toBe(false);
    await fireEvent.click(el('#unlock'));
    await screen.findByRole('table');
    expect(pageHolds(SECRET)).toBe(false);
  });

  it('goes to the unlock screen when Rust emits vault-locked', async () => {
    const rust = seeded().with({ autoLockMinutes: 5 });
    await renderUnlocked();
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    await screen.findByText(SECRET);

    rust.status.unlocked = false;
    rust.emit('vault-locked');
    expect(await screen.findByRole('button', { name: 'Unlock' })).toBeInTheDocument();
    expect(screen.getByText('latchkey locked itself after 5 min without activity.')).toBeInTheDocument();
    expect(pageHolds(SECRET)).toBe(false);
    expect(document.querySelector('#variables')).toBeNull();
  });

  it('goes to the unlock screen when a command answers "locked"', async () => {
    const rust = seeded();
    await renderUnlocked();
    rust.status.unlocked = false;
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    expect(await screen.findByRole('button', { name: 'Unlock' })).toBeInTheDocument();
    expect(document.querySelector('#error')).toBeNull();
  });
});

describe('start', () => {
  it('says when app_status fails, and retries', async () => {
    const rust = seeded().failNext('app_status', 'the data directory is not readable');
    renderApp();
    expect(await screen.findByText('latchkey could not start')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('the data directory is not readable');
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table');
    await waitFor(() => expect(rust.callsOf('app_status')).toHaveLength(2));
  });
});

describe('outside the desktop app', () => {
  it('says to start the app instead of failing on IPC', async () => {
    renderApp();
    expect(await screen.findByRole('alert')).toHaveTextContent('This is the window of the latchkey desktop app: start the app to open it.');
  });
});
