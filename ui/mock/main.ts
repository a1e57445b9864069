// The app in a plain browser over a fake vault, to work on the UI without the Rust side:
// `npm run dev`, then open http://localhost:5173/mock/?screen=main (first-run,
// first-run-no-keychain, unlock, unlock-passphrase, main, empty) and optionally
// &then=reveal|add|edit|delete|settings|error|copy|verify|findings|refused|environments|
// compare|import|export. Never part of the build.
import { mount, tick } from 'svelte';
import '../src/app.css';
import App from '../src/App.svelte';
import { FakeBackend } from '../src/test/fakeBackend';

const params = new URLSearchParams(location.search);
const screen = params.get('screen') ?? 'main';
const then = params.get('then');
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const rust = new FakeBackend().install();
if (screen === 'first-run') rust.with({ initialized: false, unlocked: false, identity: null });
if (screen === 'first-run-no-keychain') rust.with({ initialized: false, unlocked: false, identity: null, keychainAvailable: false });
if (screen === 'unlock') rust.with({ unlocked: false });
if (screen === 'unlock-passphrase') rust.with({ unlocked: false, identity: 'passphrase' });
if (screen !== 'empty') {
  rust
    .seed('default', [
      {
        name: 'OPENAI_API_KEY',
        value: 'sk-proj-4dF9xQ2mLr8TzV1wYb6NcKe3HuJ0pAsG',
        provider: 'openai',
        notes: 'agents in the lab',
        updated: ago(3),
        check: { provider: 'openai' },
      },
      {
        name: 'ANTHROPIC_API_KEY',
        value: 'sk-ant-api03-Xy7',
        provider: 'anthropic',
        notes: 'eval harness; rotate quarterly',
        updated: ago(62),
        check: { provider: 'anthropic', online: 'valid', onlineStatus: 200, onlineAt: ago(20) },
      },
      {
        name: 'GITHUB_TOKEN',
        value: 'ghp_abc',
        store: 'keychain',
        provider: 'github',
        notes: 'CI bot',
        updated: ago(60 * 26),
        check: { provider: 'github', format: 'invalid', problems: ['too_short'] },
      },
      {
        name: 'OPENAI_BASE_URL',
        value: 'https://api.openai.com/v1',
        kind: 'config',
        provider: 'openai',
        updated: ago(60 * 24 * 9),
        check: { provider: 'openai' },
      },
      {
        name: 'HF_TOKEN',
        value: 'hf_xyz',
        provider: 'huggingface',
        updated: ago(60 * 24 * 50),
        check: { provider: 'huggingface', format: 'invalid', problems: ['too_short'], online: 'invalid', onlineStatus: 401, onlineAt: ago(60) },
      },
      { name: 'LOG_LEVEL', value: 'debug', kind: 'config', notes: '', updated: ago(1), check: { format: 'unknown' } },
    ])
    .seed('prod', [{ name: 'OPENAI_API_KEY', value: 'sk-prod', provider: 'openai' }])
    .seed('dev', [])
    .extending('staging', 'prod')
    .seed('staging', [{ name: 'LOG_LEVEL', value: 'info', kind: 'config', check: { format: 'unknown' } }])
    .file('/home/ada/app/.env', [
      { name: 'OPENAI_API_KEY', value: 'sk-proj-4dF9xQ2mLr8TzV1wYb6NcKe3HuJ0pAsG' },
      { name: 'STRIPE_SECRET_KEY', value: 'sk_live_your_key_here' },
      { name: 'LOG_LEVEL', value: 'info' },
    ])
    .exported({ path: '/home/ada/app/.env', env: 'default', names: ['OPENAI_API_KEY'], at: ago(40) })
    .exported({ path: '/home/ada/api/prod.json', env: 'prod', format: 'json', names: ['OPENAI_API_KEY'], at: ago(60 * 30), state: 'stale' })
    .exported({ path: '/home/ada/ci/vars.sh', env: 'default', format: 'shell', names: ['LOG_LEVEL'], at: ago(60 * 80), state: 'edited' })
    .exported({ path: '/tmp/old.env', env: 'dev', names: [], at: ago(60 * 24 * 40), state: 'missing' });
  rust.importChoice = '/home/ada/app/.env';
  rust.exportChoice = '/home/ada/app/default.env';
} else {
  rust.seed('prod', []);
}

const target = document.getElementById('app')!;
mount(App, { target });

async function settle(ms = 150) {
  await new Promise((r) => setTimeout(r, ms));
  await tick();
}

function click(selector: string) {
  document.querySelector<HTMLElement>(selector)?.click();
}

function type(selector: string, text: string) {
  const field = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)!;
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

async function act() {
  await settle();
  switch (then) {
    case 'reveal':
      click('tr[data-name="OPENAI_API_KEY"] button.reveal');
      break;
    case 'copy':
      click('tr[data-name="GITHUB_TOKEN"] button.copy');
      break;
    case 'add': {
      click('#add-variable');
      await settle();
      type('#var-name', '2FA-SEED');
      break;
    }
    case 'findings':
    case 'refused':
      click('#add-variable');
      await settle();
      type('#var-name', 'OPENAI_ADMIN_KEY');
      type('#var-value', then === 'findings' ? ' "sk-your-key-here" ' : 'sk-your-key-here');
      if (then === 'refused') {
        await settle(500);
        click('#var-save');
      }
      break;
    case 'verify':
      rust.verdict('HF_TOKEN', 'invalid', 'Hugging Face rejected the key: create a new one', 401);
      click('[data-action="verify-all"]');
      break;
    case 'edit':
      click('tr[data-name="ANTHROPIC_API_KEY"] button.edit');
      break;
    case 'delete':
      click('tr[data-name="GITHUB_TOKEN"] button.delete');
      break;
    case 'settings':
      click('#settings');
      break;
    case 'environments':
      click('[data-action="manage-environments"]');
      break;
    case 'compare':
      click('[data-action="compare"]');
      break;
    case 'import':
      click('[data-action="import"]');
      break;
    case 'export':
      click('[data-action="export"]');
      break;
    case 'error':
      rust.failNext('reveal_value', { code: 'keychain', message: 'The OS keychain did not answer: unlock your keyring, then try again.' });
      click('tr[data-name="GITHUB_TOKEN"] button.reveal');
      break;
  }
}
act();
