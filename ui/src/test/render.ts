// Renders the whole app against a FakeBackend.
import { render, screen } from '@testing-library/svelte';
import App from '../App.svelte';
import { FakeBackend } from './fakeBackend';

export const SECRET = 'sk-proj-testSecretValue0123456789abcdef';

export function backend(): FakeBackend {
  return new FakeBackend().install();
}

/** A backend with an unlocked vault holding a few variables in `default` and `prod`. */
export function seeded(): FakeBackend {
  return backend()
    .seed('default', [
      { name: 'OPENAI_API_KEY', value: SECRET, provider: 'openai', notes: 'agents in the lab' },
      {
        name: 'GITHUB_TOKEN',
        value: 'ghp_tokenValue123',
        provider: 'github',
        notes: 'CI bot',
        check: { provider: 'github', online: 'valid', onlineStatus: 200, onlineAt: new Date(Date.now() - 60 * 60_000).toISOString() },
      },
      { name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1', kind: 'config', provider: 'openai' },
    ])
    .seed('prod', [{ name: 'ANTHROPIC_API_KEY', value: 'sk-ant-prodValue', provider: 'anthropic' }]);
}

export function renderApp() {
  return render(App);
}

/** Renders the app and waits for the table of the default environment. */
export async function renderUnlocked(): Promise<HTMLTableElement> {
  render(App);
  return (await screen.findByRole('table')) as HTMLTableElement;
}

export function row(name: string): HTMLTableRowElement {
  const tr = document.querySelector<HTMLTableRowElement>(`tr[data-name="${name}"]`);
  if (!tr) throw new Error(`no row for ${name}`);
  return tr;
}

export function button(tr: HTMLElement, cls: string): HTMLButtonElement {
  const b = tr.querySelector<HTMLButtonElement>(`button.${cls}`);
  if (!b) throw new Error(`no button.${cls}`);
  return b;
}

export function el<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

export function pageHolds(text: string): boolean {
  return document.documentElement.outerHTML.includes(text);
}
