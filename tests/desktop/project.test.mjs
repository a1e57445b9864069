// The Project screen end to end, against the real built app under Xvfb through
// tauri-driver and WebKitWebDriver, with the real Secret Service (run by
// `make test-desktop` inside xvfb-run and tests/with-keyring.sh, like e2e.test.mjs).
//
// A project folder holds a latchkey.toml declaring OPENAI_API_KEY (a required OpenAI
// secret) and LOG_LEVEL (config, "info" by default). A user creates a vault, opens the
// project by typing its path on the Project screen, and sees OPENAI_API_KEY missing and
// LOG_LEVEL given by the file; Set opens the add dialog preset as the project declares
// it, and once a key is saved the contract says it is set. The CLI, run in the project
// folder, agrees before and after, and has the key; the page never holds it. The open
// project is still there after another screen, and Close leaves it in the recent list.
//
// This file starts an app of its own (its own vault, tauri-driver on ports of its own).
// It shares the X display and the D-Bus session with e2e.test.mjs, whose tray and window
// checks assume it is the only app there: the files must run one at a time (node --test
// runs them so when os.availableParallelism() is 2 or less; elsewhere pass
// --test-concurrency=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDriver, stopDriver, Session, until } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.LATCHKEY_DESKTOP_BIN ?? join(root, 'target/debug/latchkey-desktop');
const cli = process.env.LATCHKEY_BIN ?? join(root, 'target/debug/latchkey');
const shots = join(root, 'target/screenshots');

// A well-formed synthetic OpenAI key: the first good one of the validation corpus.
const corpus = JSON.parse(readFileSync(join(root, 'tests/validation/corpus.json'), 'utf8'));
const OPENAI_KEY = corpus.cases.find((c) => c.provider === 'openai' && c.format === 'ok').value;

// Ports of its own, so that nothing left of another file's driver is in the way.
const DRIVER_PORT = 4464;
const NATIVE_PORT = 4465;

const PROJECT_FILE = `[project]
name = "project-e2e"
default_env = "default"

[vars.OPENAI_API_KEY]
kind = "secret"
provider = "openai"
required = true
description = "the agent's model access"

[vars.LOG_LEVEL]
kind = "config"
default = "info"
`;

let home, project, env, driver, s;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'latchkey-project-e2e-'));
  // The project is a folder of its own, beside the data directory (a folder that holds
  // a vault is never taken for a project). Written by this user, not world-writable: trusted.
  project = join(home, 'agent-app');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'latchkey.toml'), PROJECT_FILE, { mode: 0o644 });
  env = { ...process.env, LATCHKEY_HOME: join(home, 'data') };
  // The CLI finds the project from its working directory, and uses its default_env.
  delete env.LATCHKEY_PROJECT;
  delete env.LATCHKEY_ENV;
  const started = await startDriver(env, DRIVER_PORT, NATIVE_PORT);
  driver = started.driver;
  s = await Session.create(started.base, app);
});

after(async () => {
  await stopDriver(driver, s);
  if (home) rmSync(home, { recursive: true, force: true });
});

// The CLI, run in the project folder on this file's vault.
function latchkey(args, input) {
  return execFileSync(cli, args, { cwd: project, input, env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

// The state of each declared variable in the project's default environment, as
// `latchkey project show --json` reports it.
function cliStates() {
  const shown = JSON.parse(latchkey(['project', 'show', '--json']));
  const first = shown.status[0];
  assert.equal(first.env, 'default');
  return Object.fromEntries(first.vars.map((v) => [v.name, v.state]));
}

const enabled = async (css) => s.cmd('GET', `/element/${await s.find(css)}/enabled`);
const byTestId = (id) => `[data-testid="${id}"]`;
// The state a cell shows (its badge's data-state), or null when there is no such cell.
const stateOf = (name, envName) =>
  s.execute('return document.querySelector(arguments[0])?.getAttribute("data-state") ?? null', [byTestId(`state-${name}-${envName}`)]);
const valueOf = (css) => s.execute('return document.querySelector(arguments[0])?.value ?? null', [css]);

async function noKeyInPage(when) {
  assert.ok(!(await s.source()).includes(OPENAI_KEY), `the page holds the OpenAI key ${when}`);
}

test('a project opened by its path shows what is missing, and Set makes the contract whole', async () => {
  // 1. A vault (identity in the OS keychain), empty.
  await s.click('#create-vault');
  await s.find('#add-variable');
  assert.deepEqual(cliStates(), { OPENAI_API_KEY: 'missing', LOG_LEVEL: 'default' });

  // 2. The Project screen: no project yet. A folder inside the project is enough: its
  //    latchkey.toml is looked for upward.
  await s.click('#nav-project');
  await s.find(byTestId('project-path'));
  await s.type(byTestId('project-path'), join(project, 'src'));
  await s.click(byTestId('project-open'));
  await s.find(byTestId('project-contract'));
  await until(() => stateOf('OPENAI_API_KEY', 'default'), (v) => v === 'missing', 'OPENAI_API_KEY to show missing');
  assert.equal(await stateOf('LOG_LEVEL', 'default'), 'default');
  assert.equal(await s.text(byTestId('project-name')), 'project-e2e');
  assert.match(await s.text(byTestId('project-summary')), /^1 required variable missing/);
  assert.equal(await valueOf(byTestId('project-path')), project);
  // Set is offered for the missing one only.
  assert.deepEqual(
    await s.execute('return [...document.querySelectorAll(\'[data-testid^="set-"]\')].map((b) => b.dataset.testid)'),
    ['set-OPENAI_API_KEY-default'],
  );
  await s.screenshot(shots, '30-project-missing');

  // 3. Set: the add dialog, its name fixed, kind and provider as declared.
  await s.click(byTestId('set-OPENAI_API_KEY-default'));
  await s.find('#variable-dialog');
  assert.equal(await valueOf('#var-name'), 'OPENAI_API_KEY');
  assert.equal(await enabled('#var-name'), false, 'the name can be changed');
  assert.equal(await valueOf('#var-kind'), 'secret');
  assert.equal(await valueOf('#var-provider'), 'openai');
  await s.type('#var-value', OPENAI_KEY);
  await s.until(() => enabled('#var-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#var-save');

  // 4. The project is opened again: the contract is whole.
  await until(() => stateOf('OPENAI_API_KEY', 'default'), (v) => v === 'set', 'OPENAI_API_KEY to show set');
  await s.until(() => s.execute('return document.querySelector("#variable-dialog") === null'), (gone) => gone, 'the dialog to close');
  assert.equal(await stateOf('LOG_LEVEL', 'default'), 'default');
  assert.equal(await s.text(byTestId('project-summary')), 'Every required variable is set');
  assert.equal((await s.findAll('[data-testid^="set-"]')).length, 0, 'a Set button is left');
  await noKeyInPage('after setting it');
  await s.screenshot(shots, '31-project-set');

  // 5. The CLI agrees, and has the key.
  assert.deepEqual(cliStates(), { OPENAI_API_KEY: 'set', LOG_LEVEL: 'default' });
  assert.equal(latchkey(['get', 'OPENAI_API_KEY']).replace(/\n$/, ''), OPENAI_KEY);
});

test('the open project stays while another screen shows, and Close leaves it in the recent list', async () => {
  await s.click('#nav-variables');
  await s.find('tr[data-name="OPENAI_API_KEY"]');
  await s.click('#nav-project');
  await until(() => stateOf('OPENAI_API_KEY', 'default'), (v) => v === 'set', 'the project to be open again');
  assert.equal(await s.text(byTestId('project-name')), 'project-e2e');

  await s.click(byTestId('project-close'));
  await s.find(byTestId('recent-projects'));
  const listed = await s.execute(
    `return [...document.querySelectorAll('[data-testid="recent-projects"] li')].map((li) => [li.dataset.path, li.dataset.exists])`,
  );
  assert.deepEqual(listed, [[join(project, 'latchkey.toml'), 'true']]);
  await s.screenshot(shots, '32-project-recent');

  // A click opens it again.
  await s.click(`[data-testid="recent-projects"] li[data-path="${join(project, 'latchkey.toml')}"] [data-action="open"]`);
  await until(() => stateOf('OPENAI_API_KEY', 'default'), (v) => v === 'set', 'the recent project to open');
});
