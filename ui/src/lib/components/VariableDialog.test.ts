import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { anthropicKey, openaiKey } from '../../test/keys';
import { el, pageHolds, renderUnlocked, row, seeded } from '../../test/render';

const NEW_SECRET = anthropicKey('brandNewValue987654321');

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
      expect(el('#var-name-error')).toHaveTextContent(
        'That is not a valid variable name: start with a letter or `_`, then use only letters, digits and `_` (like OPENAI_API_KEY)',
      ),
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
          force: false,
          created: null,
        },
      },
    ]);
    expect(within(row('ANTHROPIC_API_KEY')).getByText('Keychain')).toBeInTheDocument();
    expect(pageHolds(NEW_SECRET)).toBe(false);
    expect(await screen.findByText('Saved ANTHROPIC_API_KEY in default')).toBeInTheDocument();
  });

  it('takes the day a key was made at its provider, and refuses a day to come', async () => {
    const rust = seeded();
    await renderUnlocked();
    await openAdd();
    await fireEvent.input(el('#var-name'), { target: { value: 'ANTHROPIC_API_KEY' } });
    await fireEvent.input(el('#var-value'), { target: { value: NEW_SECRET } });
    const d = new Date();
    const localToday = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(el('#var-created')).toHaveAttribute('max', localToday);
    await fireEvent.input(el('#var-created'), { target: { value: '2099-01-01' } });
    await fireEvent.click(el('#var-save'));
    expect(await screen.findByText(/2099-01-01 is in the future/)).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    await fireEvent.input(el('#var-created'), { target: { value: '2025-01-15' } });
    await fireEvent.click(el('#var-save'));
    await waitFor(() => expect(document.querySelector('tr[data-name="ANTHROPIC_API_KEY"]')).toBeInTheDocument());
    expect(rust.callsOf('set_variable').map((a) => (a.request as { created: string | null }).created)).toEqual(['2099-01-01', '2025-01-15']);
    const stored = await rust.command('rotation_status', { env: 'default', preset: 'standard' });
    const status = (stored as { name: string; status: string }[]).find((r) => r.name === 'ANTHROPIC_API_KEY');
    expect(status?.status).toBe('overdue');
  });

  it('asks for no such day for a config value', async () => {
    seeded();
    await renderUnlocked();
    await openAdd();
    await fireEvent.change(el('#var-kind'), { target: { value: 'config' } });
    expect(document.querySelector('#var-created')).toBeNull();
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
          force: false,
          created: null,
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

describe('checking a value as it is typed', () => {
  // An OpenAI key copied from an example, pasted with its quotes and a newline.
  const SAMPLE = openaiKey('exampleKeyFromTheDocs');
  const PASTED = ` "${SAMPLE}"\n`;
  const ADMIN = openaiKey('admin1234567890abcdef', 'admin');

  async function typeNew(name: string, value: string) {
    await openAdd();
    await fireEvent.input(el('#var-name'), { target: { value: name } });
    await fireEvent.input(el('#var-value'), { target: { value } });
  }

  const findings = () => document.querySelector<HTMLElement>('#var-value-findings');
  const problem = (code: string) => document.querySelector<HTMLElement>(`#var-value-findings [data-problem="${code}"]`);

  it('shows the provider and each problem from check_value, debounced, without the value', async () => {
    const rust = seeded();
    await renderUnlocked();
    await typeNew('OPENAI_ADMIN_KEY', PASTED);

    await waitFor(() => expect(findings()).toHaveTextContent('Looks like an OpenAI key'));
    expect(rust.callsOf('check_value')).toEqual([
      { request: { env: 'default', name: 'OPENAI_ADMIN_KEY', kind: 'secret', value: PASTED } },
    ]);
    expect(problem('placeholder')).toHaveTextContent('This is a placeholder or an example, not a real key: paste the key itself');
    expect(problem('placeholder')).toHaveClass('error');
    expect(problem('whitespace')).toHaveTextContent('The value has surrounding whitespace, quotes or a newline: store it trimmed');
    expect(problem('whitespace')).toHaveClass('warning');
    expect(pageHolds(SAMPLE)).toBe(false);
    expect(rust.callsOf('set_variable')).toEqual([]);
  });

  it('says which provider a good key belongs to, and nothing when there is no value', async () => {
    const rust = seeded();
    await renderUnlocked();
    await typeNew('ANTHROPIC_API_KEY', NEW_SECRET);
    await waitFor(() => expect(findings()).toHaveTextContent('Looks like an Anthropic key'));
    expect(findings()!.querySelectorAll('[data-problem]')).toHaveLength(0);

    await fireEvent.input(el('#var-value'), { target: { value: '' } });
    expect(findings()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(rust.callsOf('check_value')).toHaveLength(1);
  });

  it('waits for a valid name before checking the value', async () => {
    const rust = seeded();
    await renderUnlocked();
    await typeNew('9LIVES', NEW_SECRET);
    await waitFor(() => expect(el('#var-name-error')).not.toHaveTextContent(''));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(rust.callsOf('check_value')).toEqual([]);
    expect(findings()).toBeNull();
  });

  it('trims surrounding whitespace and one pair of quotes on Trim', async () => {
    const rust = seeded();
    await renderUnlocked();
    await typeNew('OPENAI_ADMIN_KEY', ` '${ADMIN}' `);
    await waitFor(() => expect(problem('whitespace')).not.toBeNull());
    await fireEvent.click(el('#var-value-findings [data-action="trim"]'));

    const value = el<HTMLTextAreaElement>('#var-value');
    expect(value.value).toBe(ADMIN);
    expect(document.activeElement).toBe(value);
    await waitFor(() => expect(findings()).toHaveTextContent('Looks like an OpenAI key'));
    expect(problem('whitespace')).toBeNull();
    expect(document.querySelector('[data-action="trim"]')).toBeNull();
    expect(rust.callsOf('check_value').at(-1)).toEqual({
      request: { env: 'default', name: 'OPENAI_ADMIN_KEY', kind: 'secret', value: ADMIN },
    });
  });

  it('shows why set_variable refused a value, and resends it with force on "Save anyway"', async () => {
    const rust = seeded();
    await renderUnlocked();
    await typeNew('OPENAI_ADMIN_KEY', 'sk-your-key-here');
    await waitFor(() => expect(el('#var-save')).toBeEnabled());
    await fireEvent.click(el('#var-save'));

    const dialog = el('#variable-dialog');
    const refusal = await within(dialog).findByRole('alert');
    expect(refusal).toHaveTextContent(
      'OPENAI_ADMIN_KEY was not stored: this is a placeholder or an example, not a real key: paste the key itself',
    );
    expect(document.querySelector('#error')).toBeNull();
    expect(rust.callsOf('set_variable').map((a) => (a.request as { force: boolean }).force)).toEqual([false]);

    await fireEvent.click(within(refusal).getByRole('button', { name: 'Save anyway' }));
    await waitFor(() => expect(document.querySelector('#variable-dialog')).toBeNull());
    const sent = rust.callsOf('set_variable').map((a) => a.request as Record<string, unknown>);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ ...sent[0], force: true });
    expect(sent[1].value).toBe('sk-your-key-here');
    await waitFor(() => expect(row('OPENAI_ADMIN_KEY').querySelector('[data-status]')).toHaveTextContent('Placeholder'));
    expect(pageHolds('sk-your-key-here')).toBe(false);
  });

  it('forgets the refusal once the value changes', async () => {
    seeded();
    await renderUnlocked();
    await typeNew('OPENAI_ADMIN_KEY', 'sk-your-key-here');
    await waitFor(() => expect(el('#var-save')).toBeEnabled());
    await fireEvent.click(el('#var-save'));
    await screen.findByRole('button', { name: 'Save anyway' });
    await fireEvent.input(el('#var-value'), { target: { value: 'sk-admin-1234567890abcdef' } });
    expect(screen.queryByRole('button', { name: 'Save anyway' })).toBeNull();
  });

  it('checks a new value when editing, under the fixed name', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.click(row('GITHUB_TOKEN').querySelector('button.edit')!);
    await screen.findByRole('dialog');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rust.callsOf('check_value')).toEqual([]);
    await fireEvent.input(el('#var-value'), { target: { value: 'ghp_short' } });
    await waitFor(() => expect(problem('too_short')).not.toBeNull());
    expect(rust.callsOf('check_value')).toEqual([
      { request: { env: 'default', name: 'GITHUB_TOKEN', kind: 'secret', value: 'ghp_short' } },
    ]);
  });
});

describe('overriding an inherited variable', () => {
  it('says so in the title, needs a value, and saves into the environment shown', async () => {
    const rust = seeded().extending('staging', 'prod');
    await renderUnlocked();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'staging' } });
    await waitFor(() => expect(row('ANTHROPIC_API_KEY').querySelector('.inherited')).toHaveTextContent('from prod'));

    await fireEvent.click(row('ANTHROPIC_API_KEY').querySelector('button.edit')!);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Override ANTHROPIC_API_KEY in staging');
    expect(dialog).toHaveTextContent('ANTHROPIC_API_KEY comes from prod: saving stores a value of its own in staging, and prod keeps its value.');
    expect(el('#var-value')).toHaveAttribute('placeholder', 'The value for staging');
    expect(el('#var-save')).toBeDisabled();

    await fireEvent.input(el('#var-value'), { target: { value: NEW_SECRET } });
    expect(el('#var-save')).toBeEnabled();
    await fireEvent.click(el('#var-save'));
    await waitFor(() => expect(document.querySelector('#variable-dialog')).toBeNull());
    expect(rust.callsOf('set_variable')).toEqual([
      {
        request: {
          env: 'staging',
          name: 'ANTHROPIC_API_KEY',
          kind: 'secret',
          store: 'vault',
          value: NEW_SECRET,
          provider: 'anthropic',
          notes: null,
          force: false,
          created: null,
        },
      },
    ]);
    expect(await screen.findByText('Saved ANTHROPIC_API_KEY in staging')).toBeInTheDocument();
    // Now staging's own: no tag, Delete enabled; prod keeps its value.
    await waitFor(() => expect(row('ANTHROPIC_API_KEY').querySelector('.inherited')).toBeNull());
    expect(row('ANTHROPIC_API_KEY').querySelector('button.delete')).toBeEnabled();
    expect(rust.envs.get('prod')!.get('ANTHROPIC_API_KEY')!.value).toBe('sk-ant-prodValue');
    expect(pageHolds(NEW_SECRET)).toBe(false);
  });
});
