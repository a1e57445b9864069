// End to end against the real built app, under Xvfb, through tauri-driver and
// WebKitWebDriver, with the real Secret Service (run by `make test-desktop` inside
// xvfb-run and tests/with-keyring.sh).
//
// Walks the flow a user takes, asserting throughout that the page never holds a
// secret's value except while it is revealed, and saves a screenshot of each screen
// under target/screenshots/. What WebDriver cannot reach is driven as a user would:
// the native GTK file dialogs with xdotool on the same X display, the tray icon and the
// notifications through the desktop services they talk to on the test's D-Bus session
// (tests/desktop/desktop_bus.py stands in for a panel and a notification daemon).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session, until } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.LATCHKEY_DESKTOP_BIN ?? join(root, 'target/debug/latchkey-desktop');
const cli = process.env.LATCHKEY_BIN ?? join(root, 'target/debug/latchkey');
const shots = join(root, 'target/screenshots');
// Debian's Python, which has python3-gi (a PATH may put another Python first).
const python = '/usr/bin/python3';
const desktopBus = join(import.meta.dirname, 'desktop_bus.py');

const SECRET = 'sk-proj-e2eSecretValue0123456789abcdefXYZ';
// A GitHub token with a correct CRC32/base62 checksum (latchkey refuses broken ones).
const CLI_SECRET = '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';
const NEW_TOKEN = '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';
// Well-formed synthetic keys from the validation corpus.
const corpus = JSON.parse(readFileSync(join(root, 'tests/validation/corpus.json'), 'utf8'));
const corpusKey = (id) => corpus.cases.find((c) => c.id === id).value;
const GROQ_KEY = corpusKey('groq-gsk-ok-1');
const PROD_GROQ_KEY = corpusKey('groq-gsk-ok-2');
const DEPLOY_TOKEN = corpusKey('github-ghp-ok-1');
const ANTHROPIC_KEY = corpusKey('anthropic-api03-ok-1');
const VALUES = [SECRET, CLI_SECRET, NEW_TOKEN, GROQ_KEY, PROD_GROQ_KEY, DEPLOY_TOKEN, ANTHROPIC_KEY];

let home, driver, s, desktop, busLogPath;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'latchkey-e2e-'));
  process.env.LATCHKEY_HOME = join(home, 'data');
  process.env.LATCHKEY_CLIPBOARD_CLEAR_SECONDS = '3';
  // The panel and notification daemon first, so that the app finds them as it starts.
  busLogPath = join(home, 'desktop-bus.log');
  desktop = spawn(python, [desktopBus, 'serve', busLogPath], { stdio: ['ignore', 'inherit', 'inherit'] });
  await until(() => busLog().map((e) => e.call), (calls) => calls.includes('ready') || calls.includes('lost'), 'the fake desktop services to start');
  assert.ok(!busLog().some((e) => e.call === 'lost'), 'another tray host or notification daemon owns the session bus names');
  const started = await startDriver(process.env);
  driver = started.driver;
  s = await Session.create(started.base, app);
});

after(async () => {
  await s?.close();
  driver?.kill();
  desktop?.kill();
  rmSync(home, { recursive: true, force: true });
});

async function noSecretInPage(when, values = VALUES) {
  const html = await s.source();
  for (const value of values) assert.ok(!html.includes(value), `the page holds the secret ${value.slice(0, 8)}… ${when}`);
}

function latchkey(args, input) {
  return execFileSync(cli, args, { input, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

function setClipboard(text) {
  // xclip keeps serving the selection from the background until another owner takes it.
  execFileSync('xclip', ['-selection', 'clipboard', '-i'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
}

// The clipboard's text: '' when it is empty or cleared (no owner, or nothing as text).
// Any other failure of xclip (no display, a timeout, not installed) throws.
function clipboard() {
  const r = spawnSync('xclip', ['-selection', 'clipboard', '-o'], { timeout: 2000 });
  if (r.error) throw new Error(`xclip failed: ${r.error.message}`);
  if (r.status === 0) return r.stdout.toString();
  const said = r.stderr.toString().trim();
  if (r.status === 1 && /^Error: target \S+ not available$/.test(said)) return '';
  throw new Error(`xclip failed (status ${r.status}, signal ${r.signal}): ${said}`);
}

function xdotool(...args) {
  return execFileSync('xdotool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

// The ids of the mapped windows whose title matches `pattern` (xdotool exits 1 for none).
function windows(pattern) {
  const r = spawnSync('xdotool', ['search', '--onlyvisible', '--name', pattern], { encoding: 'utf8' });
  if (r.error) throw new Error(`xdotool failed: ${r.error.message}`);
  if (r.status !== 0 && r.status !== 1) throw new Error(`xdotool search failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

// The whole X screen, native windows included (WebDriver's screenshots show the page only).
function screen(name) {
  mkdirSync(shots, { recursive: true });
  execFileSync(python, [desktopBus, 'screenshot', join(shots, `${name}.png`)]);
}

// Picks `path` in the native GTK file dialog titled `title`, as a user would type it.
async function fileDialog(title, path, { save, shot }) {
  const [dialog] = await until(() => windows(`^${title}$`), (w) => w.length === 1, `the native "${title}" dialog`);
  xdotool('windowfocus', '--sync', dialog);
  // Saving: the name field has the focus, and takes a whole path. Opening: Ctrl+L shows
  // the location field.
  xdotool('key', save ? 'ctrl+a' : 'ctrl+l');
  xdotool('type', '--delay', '10', path);
  await sleep(300);
  screen(shot);
  xdotool('key', 'Return');
  await until(() => windows(`^${title}$`), (w) => w.length === 0, `the "${title}" dialog to close`);
}

// What the fake desktop services recorded: one object per D-Bus call (a line being
// written, with no newline yet, is left for later).
function busLog() {
  if (!existsSync(busLogPath)) return [];
  return readFileSync(busLogPath, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l));
}

function desktopBusJson(...args) {
  return JSON.parse(execFileSync(python, [desktopBus, ...args], { encoding: 'utf8' }));
}

const enabled = async (css) => s.cmd('GET', `/element/${await s.find(css)}/enabled`);

test('a user creates a vault, adds, reveals, copies, locks and unlocks, and sees CLI changes', async () => {
  // 1. Create a vault (identity in the OS keychain).
  await s.find('#create-vault');
  await s.screenshot(shots, '01-first-run');
  await s.click('#create-vault');
  await s.find('#add-variable');
  await s.screenshot(shots, '02-empty-vault');

  // 2. Add a secret and see it listed.
  await s.click('#add-variable');
  await s.type('#var-name', 'OPENAI_API_KEY');
  await s.type('#var-value', SECRET);
  await s.type('#var-provider', 'openai');
  await s.screenshot(shots, '03-add-dialog');
  // Save is enabled once the name has been checked.
  await s.until(() => enabled('#var-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#var-save');
  await s.find('tr[data-name="OPENAI_API_KEY"]');
  await noSecretInPage('after adding it');
  await s.screenshot(shots, '04-listed');

  // 3. Reveal it and see the value.
  await s.click('tr[data-name="OPENAI_API_KEY"] button.reveal');
  const shown = await s.until(() => s.text('tr[data-name="OPENAI_API_KEY"] .revealed-value'), (t) => t === SECRET, 'the revealed value');
  assert.equal(shown, SECRET);
  await s.screenshot(shots, '05-revealed');
  await s.click('tr[data-name="OPENAI_API_KEY"] button.reveal'); // Hide
  await s.until(() => s.source(), (html) => !html.includes(SECRET), 'the value to be hidden');

  // 4. Copy it: the value is on the clipboard, and later the clipboard is empty.
  await s.click('tr[data-name="OPENAI_API_KEY"] button.copy');
  await until(clipboard, (c) => c === SECRET, 'the value on the clipboard', 5000);
  await noSecretInPage('after copying it');
  await s.screenshot(shots, '06-copied');
  await until(clipboard, (c) => c === '', 'the clipboard to be cleared', 10000);

  //    ...unless the user copied something else meanwhile: that is left alone.
  await s.click('tr[data-name="OPENAI_API_KEY"] button.copy');
  await until(clipboard, (c) => c === SECRET, 'the value on the clipboard again', 5000);
  setClipboard('something the user copied');
  await sleep(4500); // past the 3 s clear delay this test runs with
  assert.equal(clipboard(), 'something the user copied');

  // 5. Lock: nothing is shown.
  await s.click('#lock');
  await s.find('#unlock');
  const locked = await s.source();
  assert.ok(!locked.includes('OPENAI_API_KEY'), 'a locked app still shows variable names');
  await noSecretInPage('when locked');
  await s.screenshot(shots, '07-locked');

  // 6. Unlock: everything is back.
  await s.click('#unlock');
  await s.find('tr[data-name="OPENAI_API_KEY"]');
  await noSecretInPage('after unlocking');

  // 7. Variables added with the CLI appear in the app, a token that expired yesterday
  //    among them (the rotation reminders below are about it).
  latchkey(['set', 'GITHUB_TOKEN'], CLI_SECRET);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  latchkey(['set', 'DEPLOY_TOKEN', '--expires', yesterday], DEPLOY_TOKEN);
  await s.click('#refresh');
  await s.find('tr[data-name="GITHUB_TOKEN"]');
  await s.find('tr[data-name="DEPLOY_TOKEN"]');
  await noSecretInPage('after the CLI added them');
  await s.screenshot(shots, '08-cli-change');
});

test("the vault's key moves behind a passphrase from the settings, opens with it, and moves back to the keychain", async () => {
  const PASSPHRASE = 'e2e river stone';
  const identityFile = join(process.env.LATCHKEY_HOME, 'identity.age');
  const moveTo = async (to, { passphrase, current } = {}) => {
    await s.click('#settings');
    await s.click('#identity-change');
    await s.find('#identity-dialog');
    await s.click(`input[name="identity-to"][value="${to}"]`);
    if (current) await s.type('#identity-current', current);
    if (passphrase) {
      await s.type('#identity-passphrase', passphrase);
      await s.type('#identity-passphrase-confirm', passphrase);
      await s.screenshot(shots, '08a-move-key');
    }
    await s.click('#identity-move');
    await s.until(() => s.source(), (html) => !html.includes('id="identity-dialog"'), 'the dialog to close', 15000);
  };

  await moveTo('passphrase', { passphrase: PASSPHRASE });
  assert.match(latchkey(['identity', 'show']), /identity: +\S*identity\.age \(protected by a passphrase\)/);
  assert.ok(existsSync(identityFile));
  assert.ok(!(await s.source()).includes(PASSPHRASE), 'the page kept the passphrase');

  await s.click('#lock');
  await s.type('#unlock-passphrase', 'not it');
  await s.click('#unlock');
  await s.find('#unlock-error');
  await s.type('#unlock-passphrase', PASSPHRASE);
  await s.click('#unlock');
  await s.find('tr[data-name="OPENAI_API_KEY"]');

  // Back to the keychain (which takes the current passphrase): the CLI below works
  // without one again.
  await moveTo('keychain', { current: PASSPHRASE });
  assert.match(latchkey(['identity', 'show']), /identity: +OS keychain/);
  assert.ok(!existsSync(identityFile), 'the passphrase-protected copy was left behind');
  assert.equal(latchkey(['get', 'OPENAI_API_KEY']).trim(), SECRET);
});

// A fake Groq API on 127.0.0.1 that accepts every key and records what it received.
async function fakeProvider() {
  const received = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { server, received, origin: `http://127.0.0.1:${server.address().port}` };
}

test('keys are checked as they are typed, placeholders need confirming, and Verify asks the provider', async () => {
  // A placeholder typed into the add dialog: the checks say so before saving.
  await s.click('#add-variable');
  await s.type('#var-name', 'GROQ_API_KEY');
  await s.type('#var-value', 'your-groq-key-here');
  await s.find('#var-value-findings [data-problem="placeholder"]');
  await s.screenshot(shots, '09-findings');
  await s.until(() => enabled('#var-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#var-save');
  // Saving is refused until the user confirms they mean it.
  await s.find('#var-save-anyway');
  assert.ok(!(await s.source()).includes('data-name="GROQ_API_KEY"'), 'a refused placeholder was stored');
  await s.click('#var-save-anyway');
  await s.find('tr[data-name="GROQ_API_KEY"] [data-status="placeholder"]');

  // The real key, with the environment pointing Groq's clients at a local server.
  const provider = await fakeProvider();
  try {
    latchkey(['set', 'GROQ_API_KEY'], GROQ_KEY);
    latchkey(['set', 'GROQ_BASE_URL', '--config', '--value', `${provider.origin}/openai/v1`]);
    await s.click('#refresh');
    await s.find('tr[data-name="GROQ_API_KEY"] [data-status="ok"]');
    assert.equal(provider.received.length, 0, 'nothing is sent before Verify');
    await s.click('tr[data-name="GROQ_API_KEY"] [data-action="verify"]');
    await s.find('tr[data-name="GROQ_API_KEY"] [data-status="valid"]');
    assert.deepEqual(provider.received, [{ method: 'GET', url: '/openai/v1/models', authorization: `Bearer ${GROQ_KEY}` }]);
    await noSecretInPage('after verifying it');
    await s.screenshot(shots, '10-verified');
  } finally {
    provider.server.close();
  }
});

test('environments are created extending another, compared by name, and exported and imported through the native file dialogs', async () => {
  // A new environment that extends default, from the Environments dialog.
  await s.click('#manage-environments');
  await s.type('#env-new-name', 'prod');
  await s.selectValue('#env-new-extends', 'default');
  await s.until(() => enabled('#env-create'), (on) => on === true, 'Create to be enabled');
  await s.click('#env-create');
  await s.until(() => s.source(), (html) => html.includes('extends default'), 'prod to be listed as extending default');
  await s.screenshot(shots, '11-environments');
  await s.key('\uE00C'); // Escape closes the dialog

  // prod overrides one secret (with another value) and has a setting of its own.
  latchkey(['set', 'GROQ_API_KEY', '--env', 'prod'], PROD_GROQ_KEY);
  latchkey(['set', 'PROD_REGION', '--config', '--value', 'eu-west-1', '--env', 'prod']);
  await s.click('#refresh');
  await s.selectValue('#env-switcher', 'prod');
  await s.find('tr[data-name="PROD_REGION"]');
  // The rest it sees in default, marked as inherited.
  await s.find('tr[data-name="OPENAI_API_KEY"] .inherited');
  assert.equal(await s.findAll('tr[data-name="GROQ_API_KEY"] .inherited').then((l) => l.length), 0, 'an override shows as inherited');
  await noSecretInPage('in the inheriting environment');
  await s.screenshot(shots, '12-inherited');

  // Compare prod with the environment it extends: names only, grouped.
  await s.click('#compare');
  await s.find('#compare-dialog section[data-group="same"]');
  assert.equal(await s.execute('return document.querySelector("#compare-first").value'), 'prod');
  assert.equal(await s.execute('return document.querySelector("#compare-second").value'), 'default');
  const groups = await s.until(
    () =>
      s.execute(`return Object.fromEntries([...document.querySelectorAll('#compare-dialog section[data-group]')].map((g) => [
        g.dataset.group, { title: g.querySelector('h3').firstChild.textContent.trim(), count: g.querySelector('.n').textContent.trim(),
        names: [...g.querySelectorAll('li')].map((li) => li.textContent.trim()).sort() }]))`),
    (g) => g.different?.names.length > 0,
    'the comparison',
  );
  assert.deepEqual(groups, {
    'only-first': { title: 'Only in prod', count: '1', names: ['PROD_REGION'] },
    'only-second': { title: 'Only in default', count: '0', names: [] },
    different: { title: 'Different values', count: '1', names: ['GROQ_API_KEY'] },
    same: { title: 'Same values', count: '4', names: ['DEPLOY_TOKEN', 'GITHUB_TOKEN', 'GROQ_BASE_URL', 'OPENAI_API_KEY'] },
  });
  // The same answer as the CLI's.
  const diff = JSON.parse(latchkey(['diff', 'prod', 'default', '--json']));
  assert.deepEqual(
    [diff.only_in_first, diff.only_in_second, diff.different, diff.same].map((l) => [...l].sort()),
    [groups['only-first'].names, groups['only-second'].names, groups.different.names, groups.same.names],
  );
  await noSecretInPage('in the comparison');
  await s.screenshot(shots, '13-compare');
  await s.key('\uE00C');

  // Export prod as JSON to a file chosen in the native save dialog.
  const exportsDir = join(home, 'exports');
  mkdirSync(exportsDir);
  const exported = join(exportsDir, 'prod.json');
  await s.click('#export');
  await s.find('#export-choose');
  await s.selectValue('#export-format', 'json');
  await s.screenshot(shots, '14-export');
  await s.click('#export-choose');
  await fileDialog('Export to…', exported, { save: true, shot: '15-export-native-dialog' });
  await s.find(`#exports-list li[data-path="${exported}"][data-state="current"]`);
  await s.until(() => s.text('.toasts'), (t) => t.includes(`Exported prod to ${exported} — current`), 'the export toast');
  // Written readable by the user only, in the format chosen, with what the CLI exports.
  assert.equal(statSync(exported).mode & 0o777, 0o600, 'the export is not 0600');
  const written = readFileSync(exported, 'utf8');
  assert.deepEqual(JSON.parse(written), JSON.parse(latchkey(['export', '--env', 'prod', '--format', 'json'])));
  assert.deepEqual(JSON.parse(written), {
    DEPLOY_TOKEN,
    GITHUB_TOKEN: CLI_SECRET,
    GROQ_API_KEY: PROD_GROQ_KEY,
    GROQ_BASE_URL: JSON.parse(written).GROQ_BASE_URL,
    OPENAI_API_KEY: SECRET,
    PROD_REGION: 'eu-west-1',
  });
  assert.match(JSON.parse(written).GROQ_BASE_URL, /^http:\/\/127\.0\.0\.1:\d+\/openai\/v1$/);
  await noSecretInPage('after exporting');
  await s.screenshot(shots, '16-exported');
  await s.key('\uE00C');

  // Import a .env file chosen in the native open dialog: a preview first, values hidden.
  const marker = join(home, 'command-ran');
  const dotenv = join(home, 'agent.env');
  writeFileSync(
    dotenv,
    [
      '# from another machine',
      `export ANTHROPIC_API_KEY="${ANTHROPIC_KEY}"`,
      'MODEL_NAME=claude-sonnet',
      "PROD_REGION='us-east-1'",
      `GREETING="$(touch ${marker})"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await s.click('#import');
  await fileDialog('Import a .env file', dotenv, { save: false, shot: '17-import-native-dialog' });
  await s.find('#import-preview tr[data-name]');
  const preview = await s.execute(`return [...document.querySelectorAll('#import-preview tr[data-name]')].map((tr) => ({
    name: tr.dataset.name, action: tr.dataset.action, kind: tr.children[1].textContent.trim(), provider: tr.children[3].textContent.trim() }))`);
  assert.deepEqual(preview, [
    { name: 'ANTHROPIC_API_KEY', action: 'create', kind: 'Secret', provider: 'anthropic' },
    { name: 'MODEL_NAME', action: 'create', kind: 'Config', provider: '—' },
    { name: 'PROD_REGION', action: 'replace', kind: 'Config', provider: '—' },
    { name: 'GREETING', action: 'create', kind: 'Secret', provider: '—' },
  ]);
  assert.equal((await s.text('#import-dialog .file code')), 'agent.env');
  const html = await s.source();
  for (const value of ['claude-sonnet', 'us-east-1', 'touch ']) assert.ok(!html.includes(value), `the preview shows the value ${value}`);
  await noSecretInPage('in the import preview');
  await s.screenshot(shots, '18-import-preview');

  // A name prod has with another value is refused unless Overwrite is ticked: all or nothing.
  await s.click('#import-confirm');
  const refusal = await s.text('#import-error');
  assert.match(refusal, /PROD_REGION/);
  assert.match(refusal, /nothing was imported/);
  assert.throws(() => latchkey(['get', 'ANTHROPIC_API_KEY', '--env', 'prod']), 'a refused import stored part of the file');
  await s.screenshot(shots, '19-import-refused');
  await s.click('#import-overwrite');
  await s.until(() => enabled('#import-confirm'), (on) => on === true, 'Import to be enabled');
  await s.click('#import-confirm');
  await s.until(() => s.text('.toasts'), (t) => t.includes('Imported 4 variables into prod'), 'the import toast');
  for (const name of ['ANTHROPIC_API_KEY', 'MODEL_NAME', 'GREETING']) await s.find(`tr[data-name="${name}"]`);
  assert.equal(latchkey(['get', 'ANTHROPIC_API_KEY', '--env', 'prod']), ANTHROPIC_KEY);
  assert.equal(latchkey(['get', 'PROD_REGION', '--env', 'prod']), 'us-east-1');
  assert.equal(latchkey(['get', 'GREETING', '--env', 'prod']), `$(touch ${marker})`);
  assert.ok(!existsSync(marker), 'importing ran the $(command) of a value');
  await noSecretInPage('after importing');
  await s.screenshot(shots, '20-imported');
});

test('a key is rotated from the Rotation screen', async () => {
  await s.selectValue('#env-switcher', 'default');
  await s.click('#nav-rotation');
  await s.find('svg.rotation-chart');
  await s.find('#rotation tr[data-name="GITHUB_TOKEN"]');
  // The token that expired yesterday comes first.
  await s.find('#rotation tr[data-name="DEPLOY_TOKEN"][data-status="expired"]');
  assert.equal(await s.execute('return document.querySelector("#rotation tbody tr[data-name]").dataset.name'), 'DEPLOY_TOKEN');
  await s.screenshot(shots, '21-rotation');

  await s.click('#rotation tr[data-name="GITHUB_TOKEN"] [data-action="rotate"]');
  await s.find('#rotate-dialog');
  await s.type('#rotate-value', NEW_TOKEN);
  await s.until(() => enabled('#rotate-confirm'), (on) => on === true, 'Rotate to be enabled');
  await sleep(400); // the checks while typing
  await s.screenshot(shots, '22-rotate-dialog');
  await s.click('#rotate-confirm');
  await s.until(() => s.source(), (html) => html.includes('revoke the old key'), 'the rotation to finish');
  await noSecretInPage('after rotating');
  assert.equal(latchkey(['get', 'GITHUB_TOKEN']), NEW_TOKEN);
  assert.equal(latchkey(['history', 'GITHUB_TOKEN']).trim().split('\n').length, 2, 'the current value and the one before');
  await s.key('\uE00C');
});

// Prints the key, its base64 (masked too), a colour, whether a variable outside the
// profile reached it, then waits to be stopped.
const CODER_COMMAND =
  `sh -c 'echo "key is $OPENAI_API_KEY"; printf %s "$OPENAI_API_KEY" | base64; printf "\\033[32mgreen\\033[0m\\n"; ` +
  `echo "GROQ_BASE_URL is \${GROQ_BASE_URL:-not given}"; echo ready; exec sleep 600'`;
// Ignores SIGTERM (and so do its children): only SIGKILL ends it.
const STUBBORN_COMMAND = `sh -c 'trap "" TERM; echo "ignoring SIGTERM"; while :; do sleep 1; done'`;

const logLines = (run) => s.execute(`return [...document.querySelectorAll('.agent-log[data-run-id="${run}"] .line')].map((l) => l.textContent)`);
const pidOf = async (css) => Number((await s.text(`${css} .pid`)).replace('pid ', ''));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
};

test('an agent launched from the Agents screen shows its output masked, Stop ends it (SIGKILL after 5 s if need be), and Activity lists each run with its exit', async () => {
  // A profile made in the app: exactly OPENAI_API_KEY from default, and a command.
  await s.click('#nav-agents');
  await s.find('#new-profile');
  await s.click('#new-profile');
  await s.type('#profile-name', 'coder');
  await s.click('#profile-var-OPENAI_API_KEY');
  await s.type('#profile-command', CODER_COMMAND);
  await s.until(() => enabled('#profile-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#profile-save');
  await s.find('tr[data-profile="coder"]');
  const saved = JSON.parse(latchkey(['profile', 'list', '--json'])).coder;
  assert.deepEqual([saved.env, saved.vars, saved.command.slice(0, 2)], ['default', ['OPENAI_API_KEY'], ['sh', '-c']]);
  // And one made with the CLI, which the screen shows when it is opened again.
  latchkey(['profile', 'add', 'stubborn', '--env', 'default', '--vars', 'GITHUB_TOKEN', '--command', STUBBORN_COMMAND]);
  await s.click('#nav-variables');
  await s.click('#nav-agents');
  await s.find('tr[data-profile="stubborn"]');
  await s.screenshot(shots, '23-agents');

  // Launch: the live output has the key masked, even base64-encoded, and colours.
  await s.click('tr[data-profile="coder"] [data-action="launch"]');
  await s.find('.agent-log');
  const coder = await s.execute('return document.querySelector(".agent-log").dataset.runId');
  const coderLog = `.agent-log[data-run-id="${coder}"]`;
  const lines = await s.until(() => logLines(coder), (l) => l.includes('ready'), "the agent's output");
  assert.equal(lines[0], 'key is <latchkey:OPENAI_API_KEY>');
  assert.ok(lines[1].startsWith('<latchkey:OPENAI_API_KEY>'), `the base64 of the key is not masked: ${lines[1]}`);
  assert.ok(!lines[1].includes(Buffer.from(SECRET).toString('base64').slice(0, 40)));
  assert.deepEqual(lines.slice(2), ['green', 'GROQ_BASE_URL is not given', 'ready']);
  assert.equal(await s.text(`${coderLog} .line .ansi-fg-2`), 'green');
  assert.equal(await s.execute(`return document.querySelector('${coderLog}').dataset.state`), 'running');
  assert.equal(await s.text('#nav-agents .running'), '1');
  assert.equal(await s.text('tr[data-profile="coder"] .running'), '1 running');
  await noSecretInPage('while the agent runs', [...VALUES, Buffer.from(SECRET).toString('base64')]);
  const coderPid = await pidOf(coderLog);
  assert.ok(alive(coderPid), 'the agent is not running');
  await s.screenshot(shots, '24-agent-running');

  // Stop: SIGTERM ends it at once.
  await s.click(`${coderLog} [data-action="stop"]`);
  await s.find(`${coderLog}[data-state="stopped"]`);
  assert.equal(await s.text(`${coderLog} .run-status`), 'Stopped (SIGTERM)');
  assert.ok(!alive(coderPid), 'Stop left the agent running');
  assert.equal((await s.findAll('#nav-agents .running')).length, 0, 'the tab still counts a running agent');

  // An agent that ignores SIGTERM is killed 5 s later.
  await s.click('tr[data-profile="stubborn"] [data-action="launch"]');
  const stubborn = await s.until(
    () => s.execute('return [...document.querySelectorAll(".agent-log")].map((l) => l.dataset.runId).find((id) => id !== arguments[0]) ?? null', [coder]),
    (id) => id !== null,
    'the second run',
  );
  const stubbornLog = `.agent-log[data-run-id="${stubborn}"]`;
  await s.until(() => logLines(stubborn), (l) => l.includes('ignoring SIGTERM'), "the stubborn agent's output");
  const stubbornPid = await pidOf(stubbornLog);
  const stopped = Date.now();
  await s.click(`${stubbornLog} [data-action="stop"]`);
  await s.find(`${stubbornLog}[data-state="stopping"]`);
  await s.find(`${stubbornLog}[data-state="killed"]`, { timeout: 15000 });
  const took = Date.now() - stopped;
  assert.ok(took >= 4500 && took < 10000, `SIGKILL came ${took} ms after Stop, not 5 s`);
  assert.equal(await s.text(`${stubbornLog} .run-status`), 'Killed (SIGKILL)');
  assert.ok(!alive(stubbornPid), 'the stubborn agent survived Stop');
  await s.screenshot(shots, '25-agent-killed');

  // Activity: each run is a grant of exactly its variables, with its exit code.
  await s.click('#nav-activity');
  const grants = await s.until(
    () =>
      s.execute(`return [...document.querySelectorAll('#activity tr[data-access="grant"]')].map((tr) => ({
        agent: tr.dataset.agent, env: tr.children[3].textContent.trim(),
        names: [...tr.querySelectorAll('.chip')].map((c) => c.textContent.trim()), exit: tr.querySelector('.exit').textContent.trim() }))`),
    (g) => g.length === 2,
    'the two runs in the activity log',
  );
  assert.deepEqual(grants, [
    { agent: 'profile:stubborn', env: 'default', names: ['GITHUB_TOKEN'], exit: '137' },
    { agent: 'profile:coder', env: 'default', names: ['OPENAI_API_KEY'], exit: '143' },
  ]);
  // The other accesses of this walk, newest first: the export, the copies and the reveal.
  const accesses = await s.execute(`return [...document.querySelectorAll('#activity tr[data-access]')].map((tr) => tr.dataset.access)`);
  for (const kind of ['export', 'copy', 'reveal', 'get']) assert.ok(accesses.includes(kind), `no ${kind} in the activity log: ${accesses}`);
  assert.ok((await s.text('#activity tr[data-access="export"] .path')).endsWith('exports/prod.json'));
  assert.equal(await s.execute('return document.querySelector("#nav-activity").getAttribute("aria-current")'), 'page');
  assert.equal(await s.execute('return document.querySelectorAll(".screen-btn.active").length'), 1);
  await noSecretInPage('in the activity log');
  await s.screenshot(shots, '26-activity');

  // Filtered by agent: only that profile's run.
  await s.selectValue('#activity-agent', 'profile:coder');
  await s.until(() => s.execute(`return [...document.querySelectorAll('#activity tr[data-access]')].map((tr) => tr.dataset.agent)`), (a) => a.length === 1 && a[0] === 'profile:coder', 'the filter by agent');
  await s.selectValue('#activity-agent', '');
});

test('Activity lists a rotation', async () => {
  await s.click('#nav-activity');
  await s.find('#activity tr[data-access]');
  const named = await s.execute(`return [...document.querySelectorAll('#activity tr[data-access]')].filter((tr) =>
    [...tr.querySelectorAll('.chip')].some((c) => c.textContent.trim() === 'GITHUB_TOKEN')).map((tr) => tr.dataset.access)`);
  assert.ok(named.some((a) => a.startsWith('rotat')), `GITHUB_TOKEN's entries: ${named}`);
});

test('a long list keeps only the rows in view in the page, and scrolls through all of them', async () => {
  const N = 400;
  const file = join(home, 'bulk.env');
  writeFileSync(file, Array.from({ length: N }, (_, i) => `BULK_${String(i).padStart(4, '0')}=setting-${i}\n`).join(''), { mode: 0o600 });
  latchkey(['env', 'add', 'bulk']);
  latchkey(['import', file, '--env', 'bulk', '--yes']);
  await s.click('#nav-variables');
  await s.click('#refresh');
  await s.selectValue('#env-switcher', 'bulk');
  await s.find('tr[data-name="BULK_0000"]');

  const rendered = () => s.execute("return [...document.querySelectorAll('#variables tr[data-name]')].map((tr) => tr.dataset.name)");
  // What the user sees at a point of the screen, between the sticky header and the bottom.
  const rowAt = (y) => s.execute('return document.elementFromPoint(500, arguments[0])?.closest("tr[data-name]")?.dataset.name ?? null', [y]);
  const scrollTo = (top) => s.execute('const c = document.querySelector("main.content"); c.scrollTop = arguments[0]; return c.scrollTop', [top]);

  const first = await rendered();
  assert.ok(first.length < 80, `only the rows near the view are rendered, not ${first.length} of ${N}`);
  assert.ok((await s.source()).includes(`${N} variables`), 'the toolbar counts every variable');

  // Anywhere the list is scrolled to, the rows under the pointer are there: no blank gap.
  const height = await s.execute('return document.querySelector("main.content").scrollHeight');
  for (const fraction of [0.25, 0.5, 0.9]) {
    await scrollTo(Math.round(height * fraction));
    await s.until(() => rowAt(500), (name) => name !== null, `a row under the pointer at ${fraction * 100}% of the list`);
  }

  // The bottom: the last row is there, the first is not, and still few are in the page.
  await scrollTo(1e9);
  await s.find(`tr[data-name="BULK_${String(N - 1).padStart(4, '0')}"]`);
  const last = await rendered();
  assert.ok(!last.includes('BULK_0000'), 'the first row was left in the page');
  assert.ok(last.length < 80, `${last.length} rows rendered at the bottom`);
  // The column header stays at the top of the content area, with no row above it.
  const headerOffset = await s.execute(
    'return document.querySelector("#variables th").getBoundingClientRect().top - document.querySelector("main.content").getBoundingClientRect().top',
  );
  assert.ok(Math.abs(headerOffset) < 2, `the header is ${headerOffset} px from the top of the scrolled list`);
  await s.screenshot(shots, '27-long-list');

  // Search finds a row that is far out of view.
  await scrollTo(0);
  await s.type('#search', 'BULK_0321');
  await s.until(rendered, (names) => names.length === 1 && names[0] === 'BULK_0321', 'the search to find BULK_0321');

  // The Rotation screen lists the same 400 secrets the same way.
  await s.click('#nav-rotation');
  await s.find('#rotation tr[data-name]');
  await s.screenshot(shots, '28-long-rotation');
  const scheduled = () => s.execute("return document.querySelectorAll('#rotation tr[data-name]').length");
  assert.ok((await scheduled()) < 80, `${await scheduled()} of ${N} rotation rows rendered`);
  const full = await s.execute('return document.querySelector("main.content").scrollHeight');
  await scrollTo(Math.round(full * 0.6));
  await s.until(() => rowAt(500), (name) => name !== null, 'a rotation row under the pointer at 60% of the list');
  await scrollTo(1e9);
  await s.until(() => rowAt(650), (name) => name !== null, 'a rotation row under the pointer at the bottom');
});

test('the page runs under a strict CSP, with no global Tauri object', async () => {
  // What the page tries that a strict CSP blocks: each attempt is reported as a violation,
  // whose event carries the policy in force.
  const tried = await s.executeAsync(`
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, disposition: e.disposition, policy: e.originalPolicy }));
    const script = document.createElement('script');
    script.textContent = 'document.documentElement.dataset.inlineScriptRan = "yes"';
    document.head.appendChild(script);
    const style = document.createElement('style');
    style.textContent = 'html { --inline-style-applied: yes; }';
    document.head.appendChild(style);
    let evalError = null;
    try { (0, eval)('1 + 1'); } catch (e) { evalError = e.name; }
    const img = document.createElement('img');
    img.src = 'http://127.0.0.1:9/tracker.png';
    document.body.appendChild(img);
    setTimeout(() => {
      img.remove(); script.remove(); style.remove();
      done({
        inlineScriptRan: document.documentElement.dataset.inlineScriptRan ?? null,
        inlineStyleApplied: getComputedStyle(document.documentElement).getPropertyValue('--inline-style-applied').trim(),
        evalError, violations,
        tauri: typeof window.__TAURI__, internals: typeof window.__TAURI_INTERNALS__?.invoke,
      });
    }, 500);`);
  assert.equal(tried.inlineScriptRan, null, 'an inline script ran');
  assert.equal(tried.inlineStyleApplied, '', 'an inline style applied');
  assert.equal(tried.evalError, 'EvalError', 'eval ran');
  assert.deepEqual(
    tried.violations.map((v) => [v.directive, v.blocked, v.disposition]),
    [
      ['script-src-elem', 'inline', 'enforce'],
      ['style-src-elem', 'inline', 'enforce'],
      ['script-src', 'eval', 'enforce'],
      ['img-src', 'http://127.0.0.1:9/tracker.png', 'enforce'],
    ],
  );
  // The policy in force is the configured one: every directive of tauri.conf.json, with
  // no source added but the hashes of Tauri's own scripts.
  const configured = JSON.parse(readFileSync(join(root, 'src-tauri/tauri.conf.json'), 'utf8')).app.security.csp;
  const policy = Object.fromEntries(
    tried.violations[0].policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name, [...new Set(sources)]]),
  );
  assert.deepEqual(Object.keys(policy).sort(), Object.keys(configured).sort());
  for (const [name, sources] of Object.entries(configured)) {
    const want = sources.split(/\s+/);
    const added = policy[name].filter((src) => !want.includes(src));
    assert.deepEqual(want.filter((src) => !policy[name].includes(src)), [], `${name} lost a source`);
    assert.ok(added.every((src) => /^'sha(256|384|512)-[A-Za-z0-9+/=]+'$/.test(src)), `${name} gained ${added}`);
  }
  for (const name of ['default-src', 'script-src', 'style-src']) {
    assert.ok(!policy[name].some((src) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'blob:'].includes(src)), `${name}: ${policy[name]}`);
  }

  // No global Tauri object; only the internals Tauri's IPC needs.
  assert.equal(tried.tauri, 'undefined', 'window.__TAURI__ is defined');
  assert.equal(tried.internals, 'function');
});

test("the window may call exactly the app's own commands", async () => {
  // Every command the capability grants reaches Rust (with no arguments, a command that
  // takes some is refused for its arguments, past the permission check). lock and the
  // native pickers (choose_import_file, choose_project_folder: a dialog would wait for
  // the user) are left out: the walks use them.
  const capability = JSON.parse(readFileSync(join(root, 'src-tauri/capabilities/default.json'), 'utf8'));
  const own = capability.permissions.filter((p) => p.startsWith('allow-')).map((p) => p.slice(6).replaceAll('-', '_'));
  assert.ok(own.length > 30, `the capability grants ${own.length} commands`);
  for (const command of own.filter((c) => !['lock', 'choose_import_file', 'choose_project_folder', 'unlock'].includes(c))) {
    const answer = await s.invoke(command);
    assert.ok(answer.ok || !/not allowed/i.test(answer.error), `${command} is refused: ${answer.error}`);
  }
  // Anything else is refused before it runs: the plugins the app uses from Rust, Tauri's
  // own commands, plugins the app does not have, and names that are no command at all.
  const refused = {
    'plugin:clipboard-manager|read_text': {},
    'plugin:clipboard-manager|write_text': { text: 'from the page' },
    'plugin:dialog|open': {},
    'plugin:dialog|save': {},
    'plugin:dialog|message': { message: 'from the page' },
    'plugin:notification|notify': { options: { title: 'from the page' } },
    'plugin:webview|internal_toggle_devtools': {},
    'plugin:window|close': {},
    'plugin:app|version': {},
    'plugin:path|resolve_directory': { directory: 1 },
    'plugin:event|emit': { event: 'vault-locked' },
    'plugin:tray|new': {},
    'plugin:fs|read_file': { path: '/etc/passwd' },
    'plugin:shell|execute': { program: 'sh', args: ['-c', 'true'] },
    no_such_command: {},
  };
  for (const [command, args] of Object.entries(refused)) {
    const answer = await s.invoke(command, args);
    assert.equal(answer.ok, false, `${command} was allowed`);
    assert.match(answer.error, /not allowed/, `${command} failed otherwise: ${answer.error}`);
  }
  assert.equal(clipboard() === 'from the page', false, 'the page wrote to the clipboard');
});

test('no devtools: the inspector shortcuts open nothing', async () => {
  // The binary under test is the debug build. tauri.conf.json sets "devtools": false on
  // the window, which turns them off in debug builds too; release builds without
  // Tauri's `devtools` feature (this app's) have none at all. With devtools on, Ctrl+Shift+I
  // docks WebKit's inspector in the window (the page gets smaller) or opens a window.
  const [win] = windows('^latchkey$');
  // Focus first, and wait until the page has it (a busy X server takes a moment), so
  // the keys below certainly reach the webview.
  await until(
    async () => {
      xdotool('windowfocus', '--sync', win);
      xdotool('mousemove', '--window', win, '70', '27', 'click', '1'); // the app's name in the top bar
      return s.execute('return document.hasFocus()');
    },
    (focused) => focused === true,
    'the page to have the keyboard focus',
  );
  const before = { windows: windows('.'), size: await s.execute('return [innerWidth, innerHeight]') };
  xdotool('key', 'ctrl+shift+i');
  xdotool('key', 'F12');
  xdotool('key', 'ctrl+shift+c');
  await sleep(1500);
  // No window appeared (a window that closed meanwhile, like a finished dialog, is not
  // the inspector), and the page kept its size (a docked inspector takes part of it).
  const appeared = windows('.').filter((w) => !before.windows.includes(w));
  assert.deepEqual(appeared.map((w) => xdotool('getwindowname', w)), [], 'a window opened');
  assert.deepEqual(await s.execute('return [innerWidth, innerHeight]'), before.size, 'the page was resized');
  assert.equal(await s.execute('return document.hasFocus()'), true, 'the keys did not reach the page');
});

test('a notification names the keys due for rotation, and the tray icon offers the Rotation screen and Lock', async () => {
  // The reminder: the app looks every few seconds and reminds once the vault is
  // unlocked, so within seconds of the first unlock (long before this test) it named
  // the token that expired yesterday, once (then once a day).
  const notes = await until(
    () => busLog().filter((e) => e.call === 'Notify'),
    (n) => n.length > 0,
    'the rotation reminder',
    30_000,
  );
  assert.equal(notes.length, 1, `${notes.length} notifications`);
  assert.equal(notes[0].summary, '1 key(s) need rotation');
  assert.equal(notes[0].body, "default/DEPLOY_TOKEN. Open latchkey's Rotation screen to rotate or snooze them.");
  for (const value of VALUES) assert.ok(!JSON.stringify(notes).includes(value), 'a notification holds a value');

  // The tray icon registered with the panel (a StatusNotifierItem, as on KDE, GNOME with
  // AppIndicator, XFCE...), and its menu is what the panel shows.
  const registered = busLog().find((e) => e.call === 'RegisterStatusNotifierItem');
  assert.ok(registered, 'no tray icon registered');
  const tray = desktopBusJson('tray', registered.service, registered.path);
  assert.equal(tray.properties.Status, 'Active');
  assert.ok(existsSync(tray.properties.IconName), `the tray icon ${tray.properties.IconName} is not a file`);
  assert.deepEqual(
    tray.menu.map((i) => [i.label, i.enabled, i.visible]),
    [
      ['Open Rotation', true, true],
      ['Lock the vault', true, true],
    ],
  );
  // Its items work as a panel clicks them.
  await s.click('#nav-variables');
  execFileSync(python, [desktopBus, 'click', registered.service, registered.path, 'Open Rotation']);
  await s.find('#nav-rotation[aria-current="page"]');
  await s.find('#rotation');
  execFileSync(python, [desktopBus, 'click', registered.service, registered.path, 'Lock the vault']);
  await s.find('#unlock');
  assert.ok(!(await s.source()).includes('DEPLOY_TOKEN'), 'the tray locked nothing');
  await s.click('#unlock');
  await s.find('#nav-rotation');
});

test('the tray icon counts the keys that need rotation', async () => {
  const registered = busLog().find((e) => e.call === 'RegisterStatusNotifierItem');
  const shown = () => {
    const { properties } = desktopBusJson('tray', registered.service, registered.path);
    return [properties.Title, properties.XAyatanaLabel, properties.ToolTip?.title, properties.ToolTip?.text].join(' | ');
  };
  await until(shown, (text) => /\b1 key/.test(text), 'the tray to count 1 key', 15_000);
});
