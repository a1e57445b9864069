import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { el, renderUnlocked, seeded } from '../../test/render';

const switcherOptions = () => [...el<HTMLSelectElement>('#env-switcher').options].map((o) => o.textContent);
const item = (name: string) => el(`#environments-dialog li[data-env="${name}"]`);

async function openEnvironments() {
  await fireEvent.click(el('[data-action="manage-environments"]'));
  return screen.findByRole('dialog');
}

describe('the Environments dialog', () => {
  it('lists each environment with its own variable count and what it extends', async () => {
    seeded().extending('staging', 'prod');
    await renderUnlocked();
    const dialog = await openEnvironments();
    expect(dialog.id).toBe('environments-dialog');
    expect([...dialog.querySelectorAll('li')].map((li) => li.getAttribute('data-env'))).toEqual(['default', 'prod', 'staging']);
    expect(item('default')).toHaveTextContent('3 variables');
    expect(item('default')).toHaveTextContent('current');
    expect(item('prod')).toHaveTextContent('1 variable');
    expect(item('staging')).toHaveTextContent('no variables');
    expect(item('staging')).toHaveTextContent('extends prod');
    expect(item('prod')).not.toHaveTextContent('extends');
    // default can be neither renamed nor deleted.
    expect(within(item('default')).getByRole('button', { name: 'Rename default' })).toBeDisabled();
    expect(within(item('default')).getByRole('button', { name: 'Delete default' })).toBeDisabled();
    expect(document.activeElement?.id).toBe('env-new-name');
  });

  it('creates an environment extending another, and refreshes the switcher', async () => {
    const rust = seeded();
    await renderUnlocked();
    await openEnvironments();
    const create = el<HTMLButtonElement>('#env-create');
    expect(create).toBeDisabled();
    expect([...el<HTMLSelectElement>('#env-new-extends').options].map((o) => o.value)).toEqual(['', 'default', 'prod']);

    await fireEvent.input(el('#env-new-name'), { target: { value: 'Staging' } });
    expect(el('#env-new-error')).toHaveTextContent('Use lowercase letters, digits, - and _, starting with a letter or digit (like prod).');
    expect(create).toBeDisabled();
    await fireEvent.input(el('#env-new-name'), { target: { value: 'prod' } });
    expect(el('#env-new-error')).toHaveTextContent('There is already an environment named prod.');
    expect(create).toBeDisabled();

    await fireEvent.input(el('#env-new-name'), { target: { value: 'staging' } });
    await fireEvent.change(el('#env-new-extends'), { target: { value: 'prod' } });
    expect(el('#env-new-error')).toHaveTextContent('');
    await fireEvent.click(create);

    await waitFor(() => expect(rust.callsOf('add_environment')).toEqual([{ name: 'staging', extends: 'prod' }]));
    expect(await screen.findByText('Created staging, extending prod')).toBeInTheDocument();
    await waitFor(() => expect(item('staging')).toHaveTextContent('extends prod'));
    expect(el<HTMLInputElement>('#env-new-name').value).toBe('');
    expect(el<HTMLSelectElement>('#env-new-extends').value).toBe('');
    await waitFor(() => expect(switcherOptions()).toEqual(['default (3)', 'prod (1)', 'staging (0)']));
    // The environment shown stays the same.
    expect(el<HTMLSelectElement>('#env-switcher').value).toBe('default');
  });

  it('shows Rust\'s refusal of a new name under the field', async () => {
    const message = 'environment `staging` already exists';
    seeded().failNext('add_environment', { code: 'environment', message });
    await renderUnlocked();
    await openEnvironments();
    await fireEvent.input(el('#env-new-name'), { target: { value: 'staging' } });
    await fireEvent.click(el('#env-create'));
    await waitFor(() => expect(el('#env-new-error')).toHaveTextContent('Environment `staging` already exists'));
    expect(el('#env-new-name')).toHaveAttribute('aria-invalid', 'true');
    expect(document.querySelector('#error')).toBeNull();
  });

  it('renames inline, and follows the shown environment to its new name', async () => {
    const rust = seeded().extending('staging', 'prod');
    await renderUnlocked();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'prod' } });
    await waitFor(() => expect(document.querySelector('tr[data-name="ANTHROPIC_API_KEY"]')).toBeInTheDocument());
    await openEnvironments();

    await fireEvent.click(within(item('prod')).getByRole('button', { name: 'Rename prod' }));
    const input = el<HTMLInputElement>('#env-rename');
    expect(input.value).toBe('prod');
    await waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.input(input, { target: { value: 'live!' } });
    expect(el('#env-rename-error')).toHaveTextContent('Use lowercase letters');
    expect(el('#env-rename-save')).toBeDisabled();

    // Escape leaves the name as it was, and the dialog open.
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(document.querySelector('#env-rename')).toBeNull();
    expect(document.querySelector('#environments-dialog')).toBeInTheDocument();

    await fireEvent.click(within(item('prod')).getByRole('button', { name: 'Rename prod' }));
    await fireEvent.input(el('#env-rename'), { target: { value: 'live' } });
    await fireEvent.click(el('#env-rename-save'));
    await waitFor(() => expect(rust.callsOf('rename_environment')).toEqual([{ old: 'prod', new: 'live' }]));
    expect(await screen.findByText('Renamed prod to live')).toBeInTheDocument();
    await waitFor(() => expect(item('staging')).toHaveTextContent('extends live'));
    await waitFor(() => expect(el<HTMLSelectElement>('#env-switcher').value).toBe('live'));
    expect(switcherOptions()).toEqual(['default (3)', 'live (1)', 'staging (0)']);
    await waitFor(() => expect(rust.callsOf('list_variables').at(-1)).toEqual({ env: 'live' }));
    expect(document.querySelector('tr[data-name="ANTHROPIC_API_KEY"]')).toBeInTheDocument();
  });

  it('asks before deleting, saying how many variables go, then shows default', async () => {
    const rust = seeded();
    await renderUnlocked();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'prod' } });
    await waitFor(() => expect(document.querySelector('tr[data-name="ANTHROPIC_API_KEY"]')).toBeInTheDocument());
    await openEnvironments();

    await fireEvent.click(within(item('prod')).getByRole('button', { name: 'Delete prod' }));
    const confirm = el('#confirm-dialog');
    expect(confirm).toHaveTextContent('Delete the prod environment?');
    expect(confirm).toHaveTextContent('This deletes its 1 variable, which cannot be recovered.');
    expect(rust.callsOf('delete_environment')).toEqual([]);

    // Escape closes the confirmation only.
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(document.querySelector('#confirm-dialog')).toBeNull();
    expect(document.querySelector('#environments-dialog')).toBeInTheDocument();
    expect(rust.callsOf('delete_environment')).toEqual([]);

    await fireEvent.click(within(item('prod')).getByRole('button', { name: 'Delete prod' }));
    await fireEvent.click(el('#confirm-delete-environment'));
    await waitFor(() => expect(rust.callsOf('delete_environment')).toEqual([{ name: 'prod' }]));
    await waitFor(() => expect(document.querySelector('#confirm-dialog')).toBeNull());
    expect(await screen.findByText('Deleted the prod environment')).toBeInTheDocument();
    expect(document.querySelector('#environments-dialog li[data-env="prod"]')).toBeNull();
    await waitFor(() => expect(el<HTMLSelectElement>('#env-switcher').value).toBe('default'));
    expect(switcherOptions()).toEqual(['default (3)']);
    await waitFor(() => expect(document.querySelector('tr[data-name="OPENAI_API_KEY"]')).toBeInTheDocument());
    expect(rust.envs.has('prod')).toBe(false);
  });

  it('shows why Rust refuses to delete an environment another extends', async () => {
    const rust = seeded().extending('staging', 'prod');
    await renderUnlocked();
    await openEnvironments();
    await fireEvent.click(within(item('prod')).getByRole('button', { name: 'Delete prod' }));
    await fireEvent.click(el('#confirm-delete-environment'));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('env-error');
    expect(error).toHaveTextContent('Environment `prod` is extended by `staging`: remove those first, or extend another environment');
    expect(document.querySelector('#confirm-dialog')).toBeNull();
    expect(rust.envs.has('prod')).toBe(true);
    expect(item('prod')).toBeInTheDocument();
  });
});
