import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { SECRET, backend, button, el, pageHolds, renderApp, renderUnlocked, row, seeded } from '../../test/render';

const names = () => [...document.querySelectorAll('#variables tbody tr')].map((tr) => tr.getAttribute('data-name'));

describe('the variables table', () => {
  it('lists the rows from list_variables, with metadata and never a value', async () => {
    const rust = seeded();
    const table = await renderUnlocked();
    expect(table.id).toBe('variables');
    expect(names()).toEqual(['GITHUB_TOKEN', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']);
    expect(rust.callsOf('list_variables')).toEqual([{ env: 'default' }]);
    expect([...table.querySelectorAll('th')].map((th) => th.textContent?.trim())).toEqual([
      'Name',
      'Kind',
      'Store',
      'Provider',
      'Updated',
      'Status',
      'Actions',
    ]);

    const openai = within(row('OPENAI_API_KEY'));
    expect(openai.getByText('Secret')).toBeInTheDocument();
    expect(openai.getByText('Vault')).toBeInTheDocument();
    expect(openai.getByText('openai')).toBeInTheDocument();
    expect(openai.getByText('3 min ago')).toHaveAttribute('title', rust.envs.get('default')!.get('OPENAI_API_KEY')!.row.updated);
    expect(openai.getByText('—')).toBeInTheDocument(); // no status
    expect(row('GITHUB_TOKEN').querySelector('[data-status]')).toHaveTextContent('Valid');
    expect(within(row('OPENAI_BASE_URL')).getByText('Config')).toBeInTheDocument();

    expect(pageHolds(SECRET)).toBe(false);
    expect(document.querySelector('.revealed-value')).toBeNull();
    expect(rust.callsOf('reveal_value')).toEqual([]);
  });

  it('lists the environments with their counts and switches between them', async () => {
    const rust = seeded();
    await renderUnlocked();
    const switcher = el<HTMLSelectElement>('#env-switcher');
    expect([...switcher.options].map((o) => o.textContent)).toEqual(['default (3)', 'prod (1)']);
    expect(switcher.value).toBe('default');

    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    await screen.findByText(SECRET);

    await fireEvent.change(switcher, { target: { value: 'prod' } });
    await waitFor(() => expect(names()).toEqual(['ANTHROPIC_API_KEY']));
    expect(pageHolds(SECRET)).toBe(false);
    expect(rust.callsOf('list_variables').at(-1)).toEqual({ env: 'prod' });

    // Back again: the value stays hidden.
    await fireEvent.change(switcher, { target: { value: 'default' } });
    await waitFor(() => expect(names()).toHaveLength(3));
    expect(document.querySelector('.revealed-value')).toBeNull();
  });

  it('says what to do next in an empty environment', async () => {
    backend().seed('prod', []);
    renderApp();
    const empty = await screen.findByText(/No variables in/);
    expect(empty).toHaveTextContent('No variables in default yet.');
    await fireEvent.change(el('#env-switcher'), { target: { value: 'prod' } });
    await screen.findByText((_, node) => node?.textContent === 'No variables in prod yet.');
    expect(document.body).toHaveTextContent('Add your first API key with Add variable, or from a terminal:');
    expect(screen.getByText('latchkey set OPENAI_API_KEY --env prod')).toBeInTheDocument();

    await fireEvent.click(el('.state .link-btn'));
    expect(document.querySelector('#variable-dialog')).toBeInTheDocument();
  });

  it('filters by name, provider and notes, and says when nothing matches', async () => {
    seeded();
    await renderUnlocked();
    const search = el<HTMLInputElement>('#search');
    await fireEvent.input(search, { target: { value: 'github' } });
    expect(names()).toEqual(['GITHUB_TOKEN']);
    await fireEvent.input(search, { target: { value: 'LAB' } });
    expect(names()).toEqual(['OPENAI_API_KEY']);
    await fireEvent.input(search, { target: { value: 'openai' } });
    expect(names()).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL']);

    await fireEvent.change(el('#kind-filter'), { target: { value: 'config' } });
    expect(names()).toEqual(['OPENAI_BASE_URL']);

    await fireEvent.input(search, { target: { value: 'stripe' } });
    expect(document.querySelector('#variables')).toBeNull();
    expect(screen.getByText((_, node) => node?.tagName === 'H2' && node.textContent === 'Nothing in default matches “stripe”.')).toBeInTheDocument();
    expect(screen.queryByText(/No variables in/)).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Clear search and filter' }));
    expect(names()).toHaveLength(3);
    expect(search.value).toBe('');
  });
});

describe('a long table', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `VAR_${String(i).padStart(4, '0')}`, value: `value-${i}` }));

  it('puts only the rows near the view in the DOM, and moves them as the view scrolls', async () => {
    backend().seed('default', many(300));
    const table = await renderUnlocked();
    const shown = names().filter((n) => n !== null);
    expect(shown[0]).toBe('VAR_0000');
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(60);
    expect(table).toHaveAttribute('aria-rowcount', '301');
    expect(row('VAR_0001')).toHaveAttribute('aria-rowindex', '3');
    // The rest is one spacer of their estimated height: the scroll bar stays true.
    const spacers = table.querySelectorAll<HTMLElement>('tr.spacer td');
    expect(spacers).toHaveLength(1);
    expect(parseFloat(spacers[0].style.height)).toBe((300 - shown.length) * 51);

    // Scrolled 5,100 px down (jsdom lays nothing out: the rows say where they are).
    vi.spyOn(table.tBodies[0], 'getBoundingClientRect').mockReturnValue(new DOMRect(0, -5100, 800, 300 * 51));
    await fireEvent.scroll(el('main.content'));
    await waitFor(() => expect(names()).toContain('VAR_0100'));
    expect(names()).not.toContain('VAR_0000');
    expect(table.querySelectorAll('tr.spacer')).toHaveLength(2);
  });

  it('finds a row far down the list by search', async () => {
    backend().seed('default', many(300));
    await renderUnlocked();
    expect(names()).not.toContain('VAR_0299');
    await fireEvent.input(el<HTMLInputElement>('#search'), { target: { value: 'var_0299' } });
    expect(names()).toEqual(['VAR_0299']);
  });
});

describe('revealing and copying', () => {
  it('reveals a value in its row, then hides it after hideAfterMs', async () => {
    const rust = seeded();
    rust.hideAfterMs = 5_000;
    await renderUnlocked();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const reveal = button(row('OPENAI_API_KEY'), 'reveal');
    expect(reveal).toHaveTextContent('Reveal');
    await fireEvent.click(reveal);
    await waitFor(() => expect(row('OPENAI_API_KEY').querySelector('code.revealed-value')).toHaveTextContent(SECRET));
    expect(reveal).toHaveTextContent('Hide');
    expect(rust.callsOf('reveal_value')).toEqual([{ env: 'default', name: 'OPENAI_API_KEY' }]);
    expect(row('GITHUB_TOKEN').querySelector('.revealed-value')).toBeNull();

    await vi.advanceTimersByTimeAsync(4_999);
    expect(pageHolds(SECRET)).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(pageHolds(SECRET)).toBe(false);
    expect(reveal).toHaveTextContent('Reveal');
  });

  it('hides the value at once on Hide', async () => {
    seeded();
    await renderUnlocked();
    const reveal = button(row('OPENAI_API_KEY'), 'reveal');
    await fireEvent.click(reveal);
    await screen.findByText(SECRET);
    await fireEvent.click(reveal);
    expect(pageHolds(SECRET)).toBe(false);
  });

  it('drops the value of a variable that changed while revealed', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    await screen.findByText(SECRET);
    rust.seed('default', [{ name: 'OPENAI_API_KEY', value: 'sk-new', updated: new Date().toISOString() }]);
    await fireEvent.click(el('#refresh'));
    await waitFor(() => expect(pageHolds(SECRET)).toBe(false));
    expect(pageHolds('sk-new')).toBe(false);
  });

  it('copies through Rust and says when the clipboard clears, without the value', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('GITHUB_TOKEN'), 'copy'));
    expect(await screen.findByText('Copied GITHUB_TOKEN — clipboard clears in 30 s')).toBeInTheDocument();
    expect(rust.callsOf('copy_value')).toEqual([{ env: 'default', name: 'GITHUB_TOKEN' }]);
    expect(pageHolds('ghp_tokenValue123')).toBe(false);
  });

  it('drops the confirmations of one screen on the next, and keeps the warnings', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('GITHUB_TOKEN'), 'copy'));
    await screen.findByText('Copied GITHUB_TOKEN — clipboard clears in 30 s');
    rust.auditFailure = 'No space left on device (os error 28)';
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'copy'));
    await waitFor(() => el('.toast-warning'));
    expect(document.querySelectorAll('.toast')).toHaveLength(3);
    await fireEvent.click(el('#nav-rotation'));
    await waitFor(() => expect(document.querySelectorAll('.toast')).toHaveLength(1));
    expect(el('.toast')).toHaveClass('toast-warning');
  });

  it('records each reveal and copy in the activity log, and warns when it could not', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('GITHUB_TOKEN'), 'copy'));
    await screen.findByText('Copied GITHUB_TOKEN — clipboard clears in 30 s');
    expect(rust.activityLog.map((e) => [e.access, e.names])).toEqual([['copy', ['GITHUB_TOKEN']]]);
    expect(document.querySelector('.toast-warning')).toBeNull();

    rust.auditFailure = 'No space left on device (os error 28)';
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    await screen.findByText(SECRET);
    const warning = await waitFor(() => el('.toast-warning'));
    expect(warning).toHaveTextContent('The reveal was not recorded in the audit log: No space left on device (os error 28).');
    await fireEvent.click(button(row('GITHUB_TOKEN'), 'copy'));
    await waitFor(() => expect(document.querySelectorAll('.toast-warning')).toHaveLength(2));
    expect(document.querySelectorAll('.toast-warning')[1]).toHaveTextContent('The copy was not recorded in the audit log');
    expect(rust.activityLog).toHaveLength(1);
  });

  it('shows the message of a failed command in #error', async () => {
    const message = 'The OS keychain did not answer: unlock your keyring, then try again.';
    seeded().failNext('reveal_value', { code: 'keychain', message });
    await renderUnlocked();
    await fireEvent.click(button(row('OPENAI_API_KEY'), 'reveal'));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('error');
    expect(error).toHaveTextContent(message);
    expect(document.querySelector('.revealed-value')).toBeNull();
    await fireEvent.click(within(error).getByRole('button', { name: 'Dismiss' }));
    expect(document.querySelector('#error')).toBeNull();
  });
});

describe('status badges', () => {
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const badge = (name: string) => row(name).querySelector<HTMLElement>('[data-status]');

  it('shows the online result first, else the format verdict or the first problem', async () => {
    const rust = backend().seed('default', [
      { name: 'A_VALID', value: 'x', check: { online: 'valid', onlineStatus: 200, onlineAt: ago(60) } },
      { name: 'B_REJECTED', value: 'x', check: { online: 'invalid', onlineStatus: 401, onlineAt: ago(5) } },
      { name: 'C_UNVERIFIED', value: 'x', check: { online: 'indeterminate', onlineAt: ago(5) } },
      { name: 'D_NO_SAFE_CHECK', value: 'x', check: { online: 'no_safe_check', onlineAt: ago(5) } },
      { name: 'E_PLACEHOLDER', value: 'x', check: { format: 'invalid', problems: ['placeholder', 'whitespace'], refused: true } },
      { name: 'F_TOO_SHORT', value: 'x', check: { format: 'invalid', problems: ['too_short'] } },
      { name: 'G_FORMAT_OK', value: 'x', provider: 'openai', check: { provider: 'openai' } },
      { name: 'H_UNKNOWN', value: 'x', check: { format: 'unknown' } },
      { name: 'I_VERIFIED_DESPITE', value: 'x', check: { format: 'invalid', problems: ['low_entropy'], online: 'valid', onlineAt: ago(5) } },
      { name: 'J_UNCHECKED', value: 'x' },
    ]);
    await renderUnlocked();
    const shown = (name: string) => [badge(name)?.getAttribute('data-status'), badge(name)?.textContent?.trim()];
    expect(shown('A_VALID')).toEqual(['valid', 'Valid']);
    expect(shown('B_REJECTED')).toEqual(['invalid', 'Rejected']);
    expect(shown('C_UNVERIFIED')).toEqual(['indeterminate', 'Unverified']);
    expect(shown('D_NO_SAFE_CHECK')).toEqual(['no_safe_check', 'No safe check']);
    expect(shown('E_PLACEHOLDER')).toEqual(['placeholder', 'Placeholder']);
    expect(shown('F_TOO_SHORT')).toEqual(['too_short', 'Too short']);
    expect(shown('G_FORMAT_OK')).toEqual(['ok', 'Format OK']);
    expect(shown('H_UNKNOWN')).toEqual(['unknown', 'Unrecognised']);
    expect(shown('I_VERIFIED_DESPITE')).toEqual(['valid', 'Valid']);
    expect(badge('J_UNCHECKED')).toBeNull();
    expect(row('J_UNCHECKED').querySelector('td.status')).toHaveTextContent('—');

    expect(badge('A_VALID')).toHaveClass('tone-good');
    expect(badge('B_REJECTED')).toHaveClass('tone-bad');
    expect(badge('C_UNVERIFIED')).toHaveClass('tone-warn');
    expect(badge('E_PLACEHOLDER')).toHaveClass('tone-bad');
    expect(badge('F_TOO_SHORT')).toHaveClass('tone-warn');

    expect(badge('A_VALID')!.title.split('\n')).toEqual([
      'The provider accepted the key (HTTP 200)',
      'Verified 1 h ago',
      'No problems found',
      'Checked 3 min ago',
    ]);
    expect(badge('E_PLACEHOLDER')!.title.split('\n')).toEqual(['Problems: Placeholder, Whitespace', 'Checked 3 min ago']);
    expect(badge('G_FORMAT_OK')!.title).toContain('Provider: openai');

    // Showing the table never sends a key anywhere.
    expect(rust.callsOf('verify_variables')).toEqual([]);
  });
});

describe('verifying keys online', () => {
  it('verifies all of the environment on "Verify all", then refreshes and sums up', async () => {
    const rust = seeded().verdict('GITHUB_TOKEN', 'invalid', 'GitHub rejected the key: create a new one', 401);
    await renderUnlocked();
    expect(row('OPENAI_API_KEY').querySelector('[data-status]')).toBeNull();
    const lists = rust.callsOf('list_variables').length;

    let open!: () => void;
    rust.hold('verify_variables', new Promise<void>((resolve) => (open = resolve)));
    const all = el<HTMLButtonElement>('[data-action="verify-all"]');
    await fireEvent.click(all);
    expect(rust.callsOf('verify_variables')).toEqual([{ env: 'default', name: null }]);
    await waitFor(() => expect(all).toBeDisabled());
    expect(all).toHaveTextContent('Verifying…');
    expect(button(row('OPENAI_API_KEY'), 'verify')).toBeDisabled();
    open();

    expect(await screen.findByText('Verified 3 variables in default: 1 valid, 1 rejected, 1 not checked online')).toBeInTheDocument();
    expect(rust.callsOf('list_variables').length).toBeGreaterThan(lists);
    await waitFor(() => expect(row('OPENAI_API_KEY').querySelector('[data-status]')).toHaveTextContent('Valid'));
    expect(row('GITHUB_TOKEN').querySelector('[data-status="invalid"]')).toHaveTextContent('Rejected');
    expect(row('OPENAI_BASE_URL').querySelector('[data-status]')).toHaveTextContent('Format OK');
    expect(all).toBeEnabled();
    expect(all).toHaveTextContent('Verify all');
    expect(rust.callsOf('verify_variables')).toHaveLength(1);
    expect(pageHolds(SECRET)).toBe(false);
  });

  it('verifies one key from its row, passing its name, and says what the provider said', async () => {
    const rust = seeded();
    await renderUnlocked();
    let open!: () => void;
    rust.hold('verify_variables', new Promise<void>((resolve) => (open = resolve)));
    const verify = button(row('OPENAI_API_KEY'), 'verify');
    expect(verify).toHaveAttribute('data-action', 'verify');
    await fireEvent.click(verify);
    await waitFor(() => expect(verify).toBeDisabled());
    expect(verify).toHaveAttribute('aria-busy', 'true');
    expect(button(row('GITHUB_TOKEN'), 'verify')).toBeEnabled();
    open();

    expect(await screen.findByText('OPENAI_API_KEY: valid — OpenAI accepted the key')).toBeInTheDocument();
    expect(rust.callsOf('verify_variables')).toEqual([{ env: 'default', name: 'OPENAI_API_KEY' }]);
    await waitFor(() => expect(row('OPENAI_API_KEY').querySelector('[data-status]')).toHaveTextContent('Valid'));
    expect(row('OPENAI_API_KEY').querySelector('[data-status]')!.getAttribute('title')).toMatch(/Verified just now/);
    expect(verify).toBeEnabled();
    expect(pageHolds(SECRET)).toBe(false);
  });

  it('shows a failed verification in #error', async () => {
    const message = 'The verification could not start: check the network.';
    seeded().failNext('verify_variables', { code: 'verify', message });
    await renderUnlocked();
    await fireEvent.click(el('[data-action="verify-all"]'));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    await waitFor(() => expect(el('[data-action="verify-all"]')).toBeEnabled());
  });

  it('has nothing to verify in an empty environment', async () => {
    backend();
    renderApp();
    await screen.findByText(/No variables in/);
    expect(el('[data-action="verify-all"]')).toBeDisabled();
  });
});

describe('deleting', () => {
  it('asks first, and deletes only after the confirmation', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(button(row('GITHUB_TOKEN'), 'delete'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Delete GITHUB_TOKEN from the default environment?');
    expect(rust.callsOf('delete_variable')).toEqual([]);

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(rust.callsOf('delete_variable')).toEqual([]);
    expect(names()).toContain('GITHUB_TOKEN');

    await fireEvent.click(button(row('GITHUB_TOKEN'), 'delete'));
    await fireEvent.click(el('#confirm-delete'));
    await waitFor(() => expect(names()).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL']));
    expect(rust.callsOf('delete_variable')).toEqual([{ env: 'default', name: 'GITHUB_TOKEN' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(el('#env-switcher')).toHaveTextContent('default (2)'));
  });
});

describe('keyboard, focus and activity', () => {
  it('has shortcuts: Ctrl+N adds, / and Ctrl+F search, Escape closes, Ctrl+L locks', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    expect(document.querySelector('#variable-dialog')).toBeInTheDocument();
    expect(document.activeElement?.id).toBe('var-name');
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(document.querySelector('#variable-dialog')).toBeNull();

    await fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement?.id).toBe('search');
    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(window, { key: 'f', metaKey: true });
    expect(document.activeElement?.id).toBe('search');

    expect(el('#add-variable').title).toMatch(/(Ctrl\+|⌘)N/);
    await fireEvent.keyDown(window, { key: 'l', ctrlKey: true });
    await screen.findByRole('button', { name: 'Unlock' });
    expect(rust.callsOf('lock')).toHaveLength(1);
  });

  it('reloads environments and variables when the window regains focus', async () => {
    const rust = seeded();
    await renderUnlocked();
    rust.seed('default', [{ name: 'FROM_THE_CLI', value: 'x' }]);
    rust.emit('tauri://focus');
    await waitFor(() => expect(names()).toContain('FROM_THE_CLI'));
    expect(el('#env-switcher')).toHaveTextContent('default (4)');
  });

  it('pings activity at most once per 20 s while the user works', async () => {
    const rust = seeded();
    await renderUnlocked();
    const now = vi.spyOn(Date, 'now');
    const t0 = Date.now();
    now.mockReturnValue(t0);
    await fireEvent.keyDown(window, { key: 'a' });
    await fireEvent.mouseMove(window);
    await fireEvent.mouseDown(window);
    now.mockReturnValue(t0 + 19_000);
    await fireEvent.mouseMove(window);
    await waitFor(() => expect(rust.callsOf('activity')).toHaveLength(1));
    now.mockReturnValue(t0 + 20_000);
    await fireEvent.mouseMove(window);
    await waitFor(() => expect(rust.callsOf('activity')).toHaveLength(2));
  });
});

describe('settings', () => {
  it('sets the auto-lock minutes through set_auto_lock, within 1 to 1440', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const minutes = el<HTMLInputElement>('#auto-lock-minutes');
    expect(minutes.value).toBe('15');

    await fireEvent.input(minutes, { target: { value: '0' } });
    await fireEvent.change(minutes);
    expect(screen.getByText('Enter a whole number of minutes from 1 to 1440.')).toBeInTheDocument();
    expect(rust.callsOf('set_auto_lock')).toEqual([]);

    await fireEvent.input(minutes, { target: { value: '45' } });
    await fireEvent.change(minutes);
    await waitFor(() => expect(rust.callsOf('set_auto_lock')).toEqual([{ minutes: 45 }]));
    expect(await screen.findByText('latchkey now locks after 45 min without activity')).toBeInTheDocument();
    expect(rust.status.autoLockMinutes).toBe(45);
  });
});

describe('inherited variables', () => {
  /** staging extends prod, which it overrides for one name. */
  function extended() {
    return seeded()
      .seed('prod', [{ name: 'SHARED_URL', value: 'https://prod.example.com', kind: 'config' }])
      .extending('staging', 'prod')
      .seed('staging', [{ name: 'STAGING_ONLY', value: 'x', kind: 'config' }]);
  }

  it('tags a row inherited from another environment, and disables its Delete', async () => {
    extended();
    await renderUnlocked();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'staging' } });
    await waitFor(() => expect(names()).toEqual(['ANTHROPIC_API_KEY', 'SHARED_URL', 'STAGING_ONLY']));

    const tag = row('ANTHROPIC_API_KEY').querySelector('.inherited');
    expect(tag).toHaveTextContent('from prod');
    expect(tag).toHaveAttribute('title', 'Defined in prod: staging inherits it until it defines its own');
    const del = button(row('ANTHROPIC_API_KEY'), 'delete');
    expect(del).toBeDisabled();
    expect(del).toHaveAttribute('title', 'Defined in prod: delete it there');
    expect(button(row('ANTHROPIC_API_KEY'), 'edit')).toHaveAttribute('aria-label', 'Override ANTHROPIC_API_KEY');

    // Its own rows have no tag and can be deleted.
    expect(row('STAGING_ONLY').querySelector('.inherited')).toBeNull();
    expect(button(row('STAGING_ONLY'), 'delete')).toBeEnabled();
    // The switcher counts the variables an environment defines itself.
    expect([...el<HTMLSelectElement>('#env-switcher').options].map((o) => o.textContent)).toEqual([
      'default (3)',
      'prod (2)',
      'staging (1)',
    ]);
  });

  it('reveals an inherited value from the environment it comes from', async () => {
    const rust = extended();
    await renderUnlocked();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'staging' } });
    await waitFor(() => expect(names()).toContain('SHARED_URL'));
    await fireEvent.click(button(row('SHARED_URL'), 'reveal'));
    await screen.findByText('https://prod.example.com');
    expect(rust.callsOf('reveal_value')).toEqual([{ env: 'staging', name: 'SHARED_URL' }]);
  });
});
