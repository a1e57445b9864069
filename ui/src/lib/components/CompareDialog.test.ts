import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SECRET, el, pageHolds, renderUnlocked, seeded } from '../../test/render';

const group = (id: string) => el(`#compare-dialog [data-group="${id}"]`);
const listed = (id: string) => [...group(id).querySelectorAll('li')].map((li) => li.textContent);

describe('comparing environments', () => {
  it('compares the shown environment with another, by name only, side by side', async () => {
    const rust = seeded().seed('prod', [
      { name: 'OPENAI_API_KEY', value: 'sk-proj-aDifferentProdValue000' },
      { name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1', kind: 'config' },
    ]);
    await renderUnlocked();
    await fireEvent.click(el('[data-action="compare"]'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.id).toBe('compare-dialog');
    expect(el<HTMLSelectElement>('#compare-first').value).toBe('default');
    expect(el<HTMLSelectElement>('#compare-second').value).toBe('prod');

    await waitFor(() => expect(listed('only-first')).toEqual(['GITHUB_TOKEN']));
    expect(rust.callsOf('compare_environments')).toEqual([{ first: 'default', second: 'prod' }]);
    expect(group('only-first')).toHaveTextContent('Only in default');
    expect(group('only-second')).toHaveTextContent('Only in prod');
    expect(listed('only-second')).toEqual(['ANTHROPIC_API_KEY']);
    expect(listed('different')).toEqual(['OPENAI_API_KEY']);
    expect(listed('same')).toEqual(['OPENAI_BASE_URL']);
    expect(pageHolds(SECRET)).toBe(false);
    expect(pageHolds('sk-proj-aDifferentProdValue000')).toBe(false);

    // Swapping the sides compares again.
    await fireEvent.change(el('#compare-first'), { target: { value: 'prod' } });
    await fireEvent.change(el('#compare-second'), { target: { value: 'default' } });
    await waitFor(() => expect(listed('only-first')).toEqual(['ANTHROPIC_API_KEY']));
    expect(group('only-first')).toHaveTextContent('Only in prod');
    expect(listed('only-second')).toEqual(['GITHUB_TOKEN']);
    expect(rust.callsOf('compare_environments').at(-1)).toEqual({ first: 'prod', second: 'default' });
    expect(group('different')).toHaveTextContent('1');

    await fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(document.querySelector('#compare-dialog')).toBeNull();
  });

  it('compares an environment with the one it extends, counting inherited names as the same', async () => {
    seeded().extending('staging', 'prod').seed('staging', [{ name: 'DEBUG', value: '1', kind: 'config' }]);
    await renderUnlocked();
    await fireEvent.change(el('#env-switcher'), { target: { value: 'staging' } });
    await waitFor(() => expect(document.querySelector('tr[data-name="DEBUG"]')).toBeInTheDocument());
    await fireEvent.click(el('[data-action="compare"]'));
    await screen.findByRole('dialog');
    expect(el<HTMLSelectElement>('#compare-first').value).toBe('staging');
    expect(el<HTMLSelectElement>('#compare-second').value).toBe('prod');
    await waitFor(() => expect(listed('only-first')).toEqual(['DEBUG']));
    expect(listed('same')).toEqual(['ANTHROPIC_API_KEY']);
    expect(group('only-second')).toHaveTextContent('None');
  });
});
