import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../test/fakeBackend';
import { ghToken, openaiKey } from '../../test/keys';
import { backend, el, pageHolds, renderUnlocked, seeded } from '../../test/render';

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60_000).toISOString();
const localDay = (offsetDays: number) => {
  const d = new Date(Date.now() + offsetDays * 24 * 60 * 60_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const NEW_KEY = openaiKey('rotatedValue0123456789abcdef');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * default: OPENAI_API_KEY overdue (changed 100 days ago, every 90), DB_PASSWORD expired
 * yesterday, GITHUB_TOKEN due in 10 days (2 previous values), ANTHROPIC_API_KEY and
 * STRIPE_WEBHOOK_SECRET ok (the latter due in 500 days), HF_TOKEN never rotated (no policy).
 */
function withSchedules(): FakeBackend {
  return seeded()
    .seed('default', [
      { name: 'OPENAI_API_KEY', value: 'sk-proj-oldValue0123456789abcdef', provider: 'openai', updated: daysAgo(100) },
      { name: 'GITHUB_TOKEN', value: 'ghp_tokenValue123', provider: 'github', updated: daysAgo(80) },
      { name: 'ANTHROPIC_API_KEY', value: 'sk-ant-value0123456789', provider: 'anthropic', updated: daysAgo(1) },
      { name: 'HF_TOKEN', value: 'hf_value0123456789', provider: 'huggingface', updated: daysAgo(3) },
      { name: 'STRIPE_WEBHOOK_SECRET', value: 'whsec_0123456789abc', updated: daysAgo(1) },
      { name: 'DB_PASSWORD', value: 'correct-horse-42', updated: daysAgo(5) },
    ])
    .rotation('default', 'GITHUB_TOKEN', { versions: 2 })
    .rotation('default', 'HF_TOKEN', { everyDays: 0 })
    .rotation('default', 'STRIPE_WEBHOOK_SECRET', { everyDays: 500 })
    .rotation('default', 'DB_PASSWORD', { everyDays: 0, expires: localDay(-1) });
}

async function openRotation(): Promise<HTMLTableElement> {
  await fireEvent.click(el('#nav-rotation'));
  return (await waitFor(() => el('#rotation'))) as HTMLTableElement;
}

const names = () => [...document.querySelectorAll('#rotation tbody tr')].map((tr) => tr.getAttribute('data-name'));
const rotationRow = (name: string) => el(`#rotation tr[data-name="${name}"]`);
const action = (name: string, what: string) => el<HTMLButtonElement>(`#rotation tr[data-name="${name}"] [data-action="${what}"]`);
const markers = () => [...document.querySelectorAll('.rotation-chart .marker')];
const marker = (name: string) => el(`.rotation-chart .marker[data-name="${name}"]`);

describe('the Rotation screen', () => {
  it('is the fourth screen, with the environment switcher and a preset', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    expect(el('#nav-rotation')).toHaveAttribute('aria-current', 'page');
    expect(el('#env-switcher')).toBeInTheDocument();
    expect(rust.callsOf('rotation_status')).toEqual([{ env: 'default', preset: 'standard' }]);

    await fireEvent.change(el('#rotation-preset'), { target: { value: 'strict' } });
    await waitFor(() => expect(rust.callsOf('rotation_status').at(-1)).toEqual({ env: 'default', preset: 'strict' }));
    // Strict: 7 days for api keys (30 for database passwords), so ANTHROPIC_API_KEY is due in 6 days.
    await waitFor(() => expect(within(rotationRow('ANTHROPIC_API_KEY')).getByText('every 7 days')).toBeInTheDocument());
    expect(within(rotationRow('ANTHROPIC_API_KEY')).getByText('in 6 days')).toBeInTheDocument();
    // Due soon is the shorter of 14 days and 20% of the interval: 1.4 days of 7.
    expect(rotationRow('ANTHROPIC_API_KEY')).toHaveAttribute('data-status', 'ok');

    await fireEvent.change(el('#env-switcher'), { target: { value: 'prod' } });
    await waitFor(() => expect(names()).toEqual(['ANTHROPIC_API_KEY']));
    expect(rust.callsOf('rotation_status').at(-1)).toEqual({ env: 'prod', preset: 'strict' });

    await fireEvent.keyDown(document.body, { key: '4', ctrlKey: true });
    expect(el('#nav-rotation')).toHaveAttribute('aria-current', 'page');
    await fireEvent.keyDown(document.body, { key: '1', ctrlKey: true });
    expect((await screen.findByRole('table')).id).toBe('variables');
  });

  it('charts one marker per secret due within 12 months, coloured by status, past ones at the left edge', async () => {
    withSchedules();
    await renderUnlocked();
    await openRotation();
    const chart = el('svg.rotation-chart');
    const labels = [...chart.querySelectorAll('.month-label')].map((t) => t.textContent?.trim().slice(0, 3));
    const month = new Date().getMonth();
    expect(labels).toEqual(Array.from({ length: 12 }, (_, i) => MONTHS[(month + i) % 12]));
    expect(chart.querySelector('.today line')).not.toBeNull();

    expect(markers().map((m) => m.getAttribute('data-name')).sort()).toEqual(['ANTHROPIC_API_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'OPENAI_API_KEY']);
    expect(document.querySelector('.rotation-chart .marker[data-name="HF_TOKEN"]')).toBeNull();
    expect(document.querySelector('.rotation-chart .marker[data-name="STRIPE_WEBHOOK_SECRET"]')).toBeNull();
    expect(screen.getByText(/2 secrets are not due in the next 12 months/)).toBeInTheDocument();

    expect(marker('OPENAI_API_KEY')).toHaveClass('status-overdue', 'past');
    expect(marker('DB_PASSWORD')).toHaveClass('status-expired', 'past');
    expect(marker('GITHUB_TOKEN')).toHaveClass('status-due_soon');
    expect(marker('ANTHROPIC_API_KEY')).toHaveClass('status-ok');
    expect(marker('ANTHROPIC_API_KEY')).not.toHaveClass('past');
    const x = (name: string) => Number(/translate\(([\d.]+)/.exec(marker(name).getAttribute('transform') ?? '')?.[1]);
    expect(x('OPENAI_API_KEY')).toBe(x('DB_PASSWORD'));
    expect(x('OPENAI_API_KEY')).toBeLessThan(x('GITHUB_TOKEN'));
    expect(x('GITHUB_TOKEN')).toBeLessThan(x('ANTHROPIC_API_KEY'));
    expect(marker('GITHUB_TOKEN').querySelector('title')?.textContent).toMatch(/^GITHUB_TOKEN: Due soon, due in 10 days/);
    expect(marker('DB_PASSWORD').querySelector('title')?.textContent).toMatch(/^DB_PASSWORD: Expired, expires yesterday/);
    // No inline styles: positions are SVG attributes, colours classes.
    expect(chart.outerHTML).not.toMatch(/style=/);
  });

  it('lists overdue and expired first, then due soon, ok and no policy', async () => {
    withSchedules();
    await renderUnlocked();
    const table = await openRotation();
    expect(names()).toEqual(['OPENAI_API_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'ANTHROPIC_API_KEY', 'STRIPE_WEBHOOK_SECRET', 'HF_TOKEN']);
    expect(names()).not.toContain('OPENAI_BASE_URL');
    const status = (name: string) => rotationRow(name).querySelector('.rotation-badge');
    expect(status('OPENAI_API_KEY')).toHaveAttribute('data-status', 'overdue');
    expect(status('OPENAI_API_KEY')).toHaveTextContent('Overdue');
    expect(status('DB_PASSWORD')).toHaveAttribute('data-status', 'expired');
    expect(status('GITHUB_TOKEN')).toHaveAttribute('data-status', 'due_soon');
    expect(status('ANTHROPIC_API_KEY')).toHaveAttribute('data-status', 'ok');
    expect(status('HF_TOKEN')).toHaveAttribute('data-status', 'no_policy');

    const openai = within(rotationRow('OPENAI_API_KEY'));
    expect(openai.getByText('10 days ago')).toHaveAttribute('title');
    expect(openai.getByText('every 90 days')).toBeInTheDocument();
    expect(within(rotationRow('GITHUB_TOKEN')).getByText('in 10 days')).toBeInTheDocument();
    expect(within(rotationRow('HF_TOKEN')).getByText('never')).toBeInTheDocument();
    expect(rotationRow('GITHUB_TOKEN').querySelector('.versions')).toHaveTextContent('2');
    expect(within(rotationRow('STRIPE_WEBHOOK_SECRET')).getByText('every 500 days')).toBeInTheDocument();
    expect(action('GITHUB_TOKEN', 'rollback')).toBeEnabled();
    expect(action('ANTHROPIC_API_KEY', 'rollback')).toBeDisabled();
    expect(table.querySelectorAll('[data-action="rotate"]')).toHaveLength(6);
  });

  it('says so when the environment has no secrets', async () => {
    withSchedules().seed('dev', []);
    await renderUnlocked();
    await openRotation();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'dev' } });
    expect(await screen.findByText('No secrets in dev yet.')).toBeInTheDocument();
    expect(document.querySelector('.rotation-chart')).toBeNull();
  });
});

describe('rotating a secret', () => {
  it('shows the keys page, checks the pasted key, rotates, and lists the stale exports', async () => {
    const rust = withSchedules()
      .exported({ path: '/home/ada/app/.env', env: 'default', names: ['OPENAI_API_KEY', 'GITHUB_TOKEN'] })
      .exported({ path: '/home/ada/ci/gh.env', env: 'default', names: ['GITHUB_TOKEN'] });
    await renderUnlocked();
    await openRotation();
    await fireEvent.click(action('OPENAI_API_KEY', 'rotate'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.id).toBe('rotate-dialog');
    expect(within(dialog).getByText('https://platform.openai.com/api-keys')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('Create a new key there');
    expect(dialog.querySelector('a')).toBeNull();
    const input = el<HTMLInputElement>('#rotate-value');
    expect(input.type).toBe('password');
    expect(el('#rotate-confirm')).toBeDisabled();

    await fireEvent.input(input, { target: { value: NEW_KEY } });
    await waitFor(() => expect(el('#var-value-findings')).toHaveTextContent('Looks like an OpenAI key'));
    expect(rust.callsOf('check_value').at(-1)).toEqual({ request: { env: 'default', name: 'OPENAI_API_KEY', kind: 'secret', value: NEW_KEY } });

    await fireEvent.click(el('#rotate-confirm'));
    expect(await screen.findByText('Rotated OPENAI_API_KEY')).toBeInTheDocument();
    expect(rust.callsOf('rotate_secret')).toEqual([{ request: { env: 'default', name: 'OPENAI_API_KEY', value: NEW_KEY, force: false } }]);
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).toBe(NEW_KEY);
    const stale = [...dialog.querySelectorAll('.stale-exports li')].map((li) => li.textContent?.trim());
    expect(stale).toEqual(['/home/ada/app/.env']);
    expect(dialog).toHaveTextContent('Export again');
    expect(dialog).toHaveTextContent('Now revoke the old key at https://platform.openai.com/api-keys');
    expect(pageHolds(NEW_KEY)).toBe(false);

    // The list follows: rotated just now, one previous value kept.
    await waitFor(() => expect(rotationRow('OPENAI_API_KEY')).toHaveAttribute('data-status', 'ok'));
    expect(rotationRow('OPENAI_API_KEY').querySelector('.versions')).toHaveTextContent('1');
    await fireEvent.click(el('#rotate-done'));
    expect(document.querySelector('#rotate-dialog')).toBeNull();
  });

  it('says why a key of another provider was refused, and rotates anyway with force', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    await fireEvent.click(action('OPENAI_API_KEY', 'rotate'));
    await screen.findByRole('dialog');
    const other = ghToken('someGithubToken12345');
    await fireEvent.input(el('#rotate-value'), { target: { value: other } });
    await fireEvent.click(el('#rotate-confirm'));

    const alert = await waitFor(() => el('#rotate-dialog .refusal'));
    // A well-formed GitHub key under OPENAI_API_KEY is named for what it is.
    expect(alert).toHaveTextContent('The new value is not a key of OpenAI (it looks like a key of GitHub)');
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).not.toBe(other);
    expect(document.querySelector('#error')).toBeNull();

    await fireEvent.click(el('#rotate-anyway'));
    expect(await screen.findByText('Rotated OPENAI_API_KEY')).toBeInTheDocument();
    expect(rust.callsOf('rotate_secret').map((a) => (a.request as { force: boolean }).force)).toEqual([false, true]);
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).toBe(other);
    expect(pageHolds(other)).toBe(false);
  });

  it('refuses a malformed key of the same provider, in Rust\'s words', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    await fireEvent.click(action('OPENAI_API_KEY', 'rotate'));
    await screen.findByRole('dialog');
    await fireEvent.input(el('#rotate-value'), { target: { value: 'sk-proj-truncated0123456789' } });
    await fireEvent.click(el('#rotate-confirm'));
    const alert = await waitFor(() => el('#rotate-dialog .refusal'));
    expect(alert).toHaveTextContent('The new value is not a key of OpenAI (it does not have the shape of one)');
    expect(rust.envs.get('default')!.get('OPENAI_API_KEY')!.value).toBe('sk-proj-oldValue0123456789abcdef');
    expect(el('#rotate-anyway')).toBeEnabled();
  });

  it('offers Rotate anyway for a placeholder too, and forgets the refusal when the value changes', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    // A secret of no known provider: only the checks' refusals apply.
    await fireEvent.click(action('STRIPE_WEBHOOK_SECRET', 'rotate'));
    await screen.findByRole('dialog');
    await fireEvent.input(el('#rotate-value'), { target: { value: 'your-webhook-secret-here' } });
    await fireEvent.click(el('#rotate-confirm'));
    await waitFor(() =>
      expect(el('#rotate-dialog .refusal')).toHaveTextContent(
        'STRIPE_WEBHOOK_SECRET was not stored: this is a placeholder or an example, not a real key: paste the key itself',
      ),
    );
    expect(el('#rotate-anyway')).toBeEnabled();
    await fireEvent.input(el('#rotate-value'), { target: { value: 'whsec_q8ZfT1Lw0PmR3vKc7NbYs2' } });
    expect(document.querySelector('#rotate-anyway')).toBeNull();
    expect(rust.callsOf('rotate_secret')).toHaveLength(1);
  });
});

describe('row actions', () => {
  it('snoozes for 7 days, then ends the snooze', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    const snooze = () => action('GITHUB_TOKEN', 'snooze');
    expect(snooze()).toHaveTextContent('Snooze 7 days');
    await fireEvent.click(snooze());
    await waitFor(() => expect(snooze()).toHaveTextContent('Unsnooze'));
    expect(rust.callsOf('snooze_secret')).toEqual([{ env: 'default', name: 'GITHUB_TOKEN', days: 7 }]);
    expect(within(rotationRow('GITHUB_TOKEN')).getByText(/snoozed until/)).toBeInTheDocument();
    expect(await screen.findByText('Snoozed GITHUB_TOKEN for 7 days')).toBeInTheDocument();

    await fireEvent.click(snooze());
    await waitFor(() => expect(snooze()).toHaveTextContent('Snooze 7 days'));
    expect(rust.callsOf('snooze_secret').map((a) => a.days)).toEqual([7, 0]);
    expect(rotationRow('GITHUB_TOKEN').querySelector('.snoozed')).toBeNull();
  });

  it('rolls back after a confirmation', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    await fireEvent.click(action('GITHUB_TOKEN', 'rollback'));
    const confirm = await screen.findByRole('dialog');
    expect(confirm).toHaveTextContent('Roll back GITHUB_TOKEN?');
    expect(rust.callsOf('rollback_secret')).toEqual([]);
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(rust.callsOf('rollback_secret')).toEqual([]);

    await fireEvent.click(action('GITHUB_TOKEN', 'rollback'));
    await fireEvent.click(await waitFor(() => el('#confirm-rollback')));
    await waitFor(() => expect(rust.callsOf('rollback_secret')).toEqual([{ env: 'default', name: 'GITHUB_TOKEN' }]));
    expect(await screen.findByText('Rolled GITHUB_TOKEN back to its previous value')).toBeInTheDocument();
    expect(rust.envs.get('default')!.get('GITHUB_TOKEN')!.value).toBe('previous-value-1');
    // The value rolled back from joins the history, so the rollback can itself be undone.
    await waitFor(() => expect(rotationRow('GITHUB_TOKEN')).toHaveAttribute('data-status', 'ok'));
    expect(rotationRow('GITHUB_TOKEN').querySelector('.versions')).toHaveTextContent('2');
    await fireEvent.click(action('GITHUB_TOKEN', 'rollback'));
    await fireEvent.click(await waitFor(() => el('#confirm-rollback')));
    await waitFor(() => expect(rust.callsOf('rollback_secret')).toHaveLength(2));
    await waitFor(() => expect(rust.envs.get('default')!.get('GITHUB_TOKEN')!.value).toBe('ghp_tokenValue123'));
  });

  it('shows Rust\'s message when there is nothing to roll back to', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    rust.rotation('default', 'GITHUB_TOKEN', { versions: 0 });
    await fireEvent.click(action('GITHUB_TOKEN', 'rollback'));
    await fireEvent.click(await waitFor(() => el('#confirm-rollback')));
    expect(await screen.findByRole('alert')).toHaveTextContent('`GITHUB_TOKEN` has no previous value in the vault: nothing was changed');
  });

  it('sets a policy: every N days with an expiry, never, or the preset', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await openRotation();
    await fireEvent.click(action('ANTHROPIC_API_KEY', 'policy'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.id).toBe('policy-dialog');
    await fireEvent.click(within(dialog).getByLabelText(/Every/));
    await fireEvent.input(el('#policy-days'), { target: { value: '30' } });
    await fireEvent.input(el('#policy-expires'), { target: { value: '2030-01-31' } });
    await fireEvent.click(el('#policy-save'));
    await waitFor(() => expect(document.querySelector('#policy-dialog')).toBeNull());
    expect(rust.callsOf('set_rotation_policy')).toEqual([
      { request: { env: 'default', name: 'ANTHROPIC_API_KEY', everyDays: 30, expires: '2030-01-31' } },
    ]);
    await waitFor(() => expect(within(rotationRow('ANTHROPIC_API_KEY')).getByText('every 30 days')).toBeInTheDocument());
    expect(within(rotationRow('ANTHROPIC_API_KEY')).getByText(/^expires /)).toBeInTheDocument();

    await fireEvent.click(action('ANTHROPIC_API_KEY', 'policy'));
    await screen.findByRole('dialog');
    expect(el<HTMLInputElement>('#policy-days').value).toBe('30');
    expect(el<HTMLInputElement>('#policy-expires').value).toBe('2030-01-31');
    await fireEvent.input(el('#policy-days'), { target: { value: '0' } });
    expect(el('#policy-save')).toBeDisabled();
    await fireEvent.click(screen.getByLabelText(/Never/));
    await fireEvent.input(el('#policy-expires'), { target: { value: '' } });
    await fireEvent.click(el('#policy-save'));
    await waitFor(() => expect(rust.callsOf('set_rotation_policy')).toHaveLength(2));
    expect(rust.callsOf('set_rotation_policy')[1]).toEqual({
      request: { env: 'default', name: 'ANTHROPIC_API_KEY', everyDays: 0, expires: null },
    });
    await waitFor(() => expect(rotationRow('ANTHROPIC_API_KEY')).toHaveAttribute('data-status', 'no_policy'));

    await fireEvent.click(action('ANTHROPIC_API_KEY', 'policy'));
    await screen.findByRole('dialog');
    await fireEvent.click(screen.getByLabelText(/As the preset says/));
    await fireEvent.click(el('#policy-save'));
    await waitFor(() => expect(rust.callsOf('set_rotation_policy')).toHaveLength(3));
    expect(rust.callsOf('set_rotation_policy')[2]).toEqual({
      request: { env: 'default', name: 'ANTHROPIC_API_KEY', everyDays: null, expires: null },
    });
  });
});

describe('the tray menu', () => {
  it('opens the Rotation screen on "open-rotation"', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    expect(rust.listening('open-rotation')).toBe(true);
    rust.emit('open-rotation');
    await waitFor(() => expect(el('#nav-rotation')).toHaveAttribute('aria-current', 'page'));
    expect(await waitFor(() => el('#rotation'))).toBeInTheDocument();
  });

  it('opens it right after unlocking when the vault was locked', async () => {
    const rust = withSchedules();
    await renderUnlocked();
    await fireEvent.click(el('#lock'));
    await screen.findByRole('button', { name: 'Unlock' });
    rust.emit('open-rotation');
    await fireEvent.click(el('#unlock'));
    await waitFor(() => el('#rotation'));
    expect(el('#nav-rotation')).toHaveAttribute('aria-current', 'page');
  });
});

describe('a long rotation list', () => {
  it('renders only the secrets near the view, with a spacer for the rest', async () => {
    backend().seed(
      'default',
      Array.from({ length: 300 }, (_, i) => ({ name: `KEY_${String(i).padStart(4, '0')}`, value: `sk-value-${i}`, updated: daysAgo(1) })),
    );
    await renderUnlocked();
    const table = await openRotation();
    const rendered = table.querySelectorAll('tbody tr[data-name]');
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(60);
    expect(table).toHaveAttribute('aria-rowcount', '301');
    const spacer = table.querySelector<HTMLElement>('tr.spacer td');
    expect(parseFloat(spacer?.style.height ?? '0')).toBe((300 - rendered.length) * 51);
  });
});
