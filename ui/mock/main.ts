// The app in a plain browser over a fake vault, to work on the UI without the Rust side:
// `npm run dev`, then open http://localhost:5173/mock/?screen=main (first-run,
// first-run-no-keychain, unlock, unlock-passphrase, main, empty) and optionally
// &then=reveal|add|edit|delete|settings|error|copy|verify|findings|refused|environments|
// compare|import|export|agents|profile|broker|sandbox|launch|activity|rotation|rotate|policy|
// project|contract.
// Never part of the build.
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
    .exported({ path: '/tmp/old.env', env: 'dev', names: [], at: ago(60 * 24 * 40), state: 'missing' })
    .profile({
      name: 'coder',
      env: 'default',
      vars: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'GITHUB_TOKEN'],
      command: "python agent.py --task 'fix the flaky tests'",
      cwd: '/home/ada/app',
      broker: { egress: 'strict', allowHosts: ['pypi.org', '*.pythonhosted.org'], only: false },
    })
    .profile({ name: 'reviewer', env: 'staging', vars: ['OPENAI_API_KEY', 'LOG_LEVEL'], command: 'claude --print' })
    .profile({ name: 'notebook', env: 'prod', vars: ['OPENAI_API_KEY'] })
    .profile({
      name: 'tester',
      env: 'default',
      vars: ['OPENAI_API_KEY'],
      command: 'npm test',
      cwd: '/home/ada/app',
      sandbox: { mode: 'best-effort', writable: ['/home/ada/.npm'], readable: [] },
    })
    .logged({ access: 'reveal', at: ago(60 * 26), names: ['OPENAI_API_KEY'] })
    .logged({ access: 'export', at: ago(60 * 5), names: ['OPENAI_API_KEY'], path: '/home/ada/app/.env' })
    .logged({ access: 'get', at: ago(120), env: 'prod', names: ['OPENAI_API_KEY'] })
    .logged({
      access: 'grant',
      at: ago(45),
      profile: 'coder',
      program: 'python',
      names: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'GITHUB_TOKEN'],
      exitCode: 0,
      durationMs: 312_000,
    })
    .logged({ access: 'request', at: ago(44), profile: 'coder', names: ['OPENAI_API_KEY'], method: 'POST', host: 'api.openai.com', path: '/v1/chat/completions', status: 200 })
    .logged({
      access: 'refused',
      at: ago(43),
      profile: 'coder',
      method: 'CONNECT',
      host: 'telemetry.example.net',
      path: '',
      status: 403,
      reason: 'latchkey: telemetry.example.net is not a host of any brokered key: allow it with --allow-host telemetry.example.net, or run with --egress open',
    })
    .logged({
      access: 'grant',
      at: ago(35),
      profile: 'tester',
      program: 'npm',
      names: ['OPENAI_API_KEY'],
      exitCode: 0,
      durationMs: 48_000,
      sandbox: 'best-effort; writable: /home/ada/app, /home/ada/.npm; hidden: 31',
    })
    .logged({ access: 'inject', at: ago(30), names: ['OPENAI_API_KEY'], path: '/home/ada/app/config.tmpl' })
    .logged({ access: 'grant', at: ago(12), program: 'node', env: 'staging', names: ['LOG_LEVEL'], exitCode: 1, durationMs: 2_400 })
    .logged({ access: 'copy', at: ago(2), names: ['GITHUB_TOKEN'] });
  rust
    .rotation('default', 'GITHUB_TOKEN', { versions: 2, snoozedUntil: new Date(Date.now() + 3 * 24 * 60 * 60_000).toISOString() })
    .rotation('default', 'HF_TOKEN', { everyDays: 30 })
    .rotation('default', 'ANTHROPIC_API_KEY', { everyDays: 0, expires: new Date(Date.now() + 200 * 24 * 60 * 60_000).toISOString().slice(0, 10) });
  rust.sandboxHidden = 31;
  rust
    .project('/home/ada/app', {
      name: 'agent-lab',
      envs: ['prod', 'staging'],
      vars: [
        { name: 'OPENAI_API_KEY', provider: 'openai', description: "the agent's model access" },
        { name: 'ANTHROPIC_API_KEY', provider: 'anthropic', description: 'the eval harness' },
        { name: 'LOG_LEVEL', kind: 'config', default: 'info', values: { prod: 'warn' } },
        { name: 'SENTRY_DSN', kind: 'config', required: false, description: 'error reports, when wanted' },
      ],
    })
    .opened('/home/ada/app/latchkey.toml', '/home/ada/old-bot/latchkey.toml');
  rust.projectChoice = '/home/ada/app';
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

/** What a launched agent prints in the mock: colours, a masked secret, stderr. */
async function fakeAgent(id: number) {
  const E = '\u001b';
  const lines: [string, 'stdout' | 'stderr'][] = [
    [`${E}[1;36m●${E}[0m agent starting (python 3.12)\n`, 'stdout'],
    [`${E}[2mloading tools…${E}[0m\n`, 'stdout'],
    [`using key ${E}[33m<latchkey:OPENAI_API_KEY>${E}[0m against https://api.openai.com/v1\n`, 'stdout'],
    [`${E}[32m✓${E}[0m tests/test_api.py::test_retry ${E}[32mPASSED${E}[0m\n`, 'stdout'],
    [`${E}[31m✗${E}[0m tests/test_flaky.py::test_timeout ${E}[1;31mFAILED${E}[0m\n`, 'stdout'],
    ['DeprecationWarning: <script> tags are text here\n', 'stderr'],
    [`${E}[38;5;208mthinking${E}[0m…`, 'stdout'],
  ];
  for (const [text, stream] of lines) {
    await settle(250);
    rust.agentOutput(id, text, stream);
  }
  // Its requests through the broker: two that went through, a refusal, a failure.
  rust.agentRequest(id, { names: ['OPENAI_API_KEY'], method: 'GET', path: '/v1/models', received: 7_412 });
  rust.agentRequest(id, { names: ['OPENAI_API_KEY'], method: 'POST', path: '/v1/chat/completions', sent: 1_830, received: 24_506 });
  rust.agentRequest(id, {
    method: 'CONNECT',
    host: 'telemetry.example.net',
    path: '',
    status: 403,
    problem: 'latchkey: telemetry.example.net is not a host of any brokered key: allow it with --allow-host telemetry.example.net, or run with --egress open',
  });
  rust.agentRequest(id, {
    names: ['GITHUB_TOKEN'],
    method: 'GET',
    host: 'api.github.com',
    path: '/repos/ada/app',
    status: 502,
    problem: 'latchkey: cannot reach api.github.com:443: connection refused',
  });
}

async function act() {
  await settle();
  switch (then) {
    case 'agents':
      click('#nav-agents');
      break;
    case 'profile':
      click('#nav-agents');
      await settle();
      click('tr[data-profile="coder"] [data-action="edit-profile"]');
      break;
    case 'broker':
      click('#nav-agents');
      await settle();
      click('tr[data-profile="coder"] [data-action="edit-profile"]');
      await settle();
      type('#profile-allow-hosts', 'pypi.org\n*.pythonhosted.org, files pythonhosted');
      click('#profile-save');
      break;
    case 'sandbox':
      click('#nav-agents');
      await settle();
      click('tr[data-profile="tester"] [data-action="edit-profile"]');
      break;
    case 'launch':
      click('#nav-agents');
      await settle();
      click('tr[data-profile="coder"] [data-action="launch"]');
      await settle();
      fakeAgent(1);
      break;
    case 'activity':
      click('#nav-activity');
      break;
    case 'rotation':
      click('#nav-rotation');
      break;
    case 'project':
      click('#nav-project');
      break;
    case 'contract':
      click('#nav-project');
      await settle();
      click('[data-testid="project-choose"]');
      break;
    case 'rotate':
    case 'policy':
      click('#nav-rotation');
      await settle();
      click(`tr[data-name="OPENAI_API_KEY"] [data-action="${then}"]`);
      if (then === 'rotate') {
        await settle();
        type('#rotate-value', 'ghp_notAnOpenAiKey0123456789');
      }
      break;
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
