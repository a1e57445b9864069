// End to end against the real built app, under Xvfb, through tauri-driver and
// WebKitWebDriver, with the real Secret Service (run by `make test-desktop` inside
// xvfb-run and tests/with-keyring.sh).
//
// Walks the flow a user takes, asserting throughout that the page never holds a
// secret's value except while it is revealed, and saves a screenshot of each screen
// under target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.LATCHKEY_DESKTOP_BIN ?? join(root, 'target/debug/latchkey-desktop');
const cli = process.env.LATCHKEY_BIN ?? join(root, 'target/debug/latchkey');
const shots = join(root, 'target/screenshots');
const SECRET = 'sk-proj-e2eSecretValue0123456789abcdefXYZ';
// A GitHub token with a correct CRC32/base62 checksum (latchkey refuses broken ones).
const CLI_SECRET = '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';
// A well-formed synthetic Groq key from the validation corpus.
const corpus = JSON.parse(readFileSync(join(root, 'tests/validation/corpus.json'), 'utf8'));
const GROQ_KEY = corpus.cases.find((c) => c.provider === 'groq' && c.format === 'ok').value;

let home, driver, s;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'latchkey-e2e-'));
  const env = { ...process.env, LATCHKEY_HOME: join(home, 'data'), LATCHKEY_CLIPBOARD_CLEAR_SECONDS: '3' };
  process.env.LATCHKEY_HOME = env.LATCHKEY_HOME;
  const started = await startDriver(env);
  driver = started.driver;
  s = await Session.create(started.base, app);
});

after(async () => {
  await s?.close();
  driver?.kill();
  rmSync(home, { recursive: true, force: true });
});

async function noSecretInPage(value, when) {
  const html = await s.source();
  assert.ok(!html.includes(value), `the page holds the secret ${when}`);
}

function setClipboard(text) {
  // xclip keeps serving the selection from the background until another owner takes it.
  execFileSync('xclip', ['-selection', 'clipboard', '-i'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
}

function clipboard() {
  try {
    return execFileSync('xclip', ['-selection', 'clipboard', '-o'], { timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return '';
  }
}

test('a user creates a vault, adds, reveals, copies, locks and unlocks, and sees CLI changes', async () => {
  // 1. Create a vault (identity in the OS keychain).
  await s.find('#create-vault');
  await s.screenshot(shots, '1-first-run');
  await s.click('#create-vault');
  await s.find('#add-variable');
  await s.screenshot(shots, '2-empty-vault');

  // 2. Add a secret and see it listed.
  await s.click('#add-variable');
  await s.type('#var-name', 'OPENAI_API_KEY');
  await s.type('#var-value', SECRET);
  await s.type('#var-provider', 'openai');
  await s.screenshot(shots, '3-add-dialog');
  // Save is enabled once the name has been checked.
  await s.until(async () => s.cmd('GET', `/element/${await s.find('#var-save')}/enabled`), (on) => on === true, 'Save to be enabled');
  await s.click('#var-save');
  await s.find('tr[data-name="OPENAI_API_KEY"]');
  await noSecretInPage(SECRET, 'after adding it');
  await s.screenshot(shots, '4-listed');

  // 3. Reveal it and see the value.
  await s.click('tr[data-name="OPENAI_API_KEY"] button.reveal');
  const shown = await s.until(() => s.text('tr[data-name="OPENAI_API_KEY"] .revealed-value'), (t) => t === SECRET, 'the revealed value');
  assert.equal(shown, SECRET);
  await s.screenshot(shots, '5-revealed');
  await s.click('tr[data-name="OPENAI_API_KEY"] button.reveal'); // Hide
  await s.until(() => s.source(), (html) => !html.includes(SECRET), 'the value to be hidden');

  // 4. Copy it: the value is on the clipboard, and later it is cleared.
  await s.click('tr[data-name="OPENAI_API_KEY"] button.copy');
  await s.until(async () => clipboard(), (c) => c === SECRET, 'the value on the clipboard', 5000);
  await noSecretInPage(SECRET, 'after copying it');
  await s.screenshot(shots, '6-copied');
  await s.until(async () => clipboard(), (c) => c !== SECRET, 'the clipboard to be cleared', 10000);

  //    ...unless the user copied something else meanwhile: that is left alone.
  await s.click('tr[data-name="OPENAI_API_KEY"] button.copy');
  await s.until(async () => clipboard(), (c) => c === SECRET, 'the value on the clipboard again', 5000);
  setClipboard('something the user copied');
  await sleep(4500); // past the 3 s clear delay this test runs with
  assert.equal(clipboard(), 'something the user copied');

  // 5. Lock: nothing is shown.
  await s.click('#lock');
  await s.find('#unlock');
  const locked = await s.source();
  assert.ok(!locked.includes('OPENAI_API_KEY'), 'a locked app still shows variable names');
  await noSecretInPage(SECRET, 'when locked');
  await s.screenshot(shots, '7-locked');

  // 6. Unlock: everything is back.
  await s.click('#unlock');
  await s.find('tr[data-name="OPENAI_API_KEY"]');
  await noSecretInPage(SECRET, 'after unlocking');

  // 7. Add a variable with the CLI: it appears in the app.
  execFileSync(cli, ['set', 'GITHUB_TOKEN'], { input: CLI_SECRET, env: process.env });
  await s.click('#refresh');
  await s.find('tr[data-name="GITHUB_TOKEN"]');
  await noSecretInPage(CLI_SECRET, 'after the CLI added it');
  await s.screenshot(shots, '8-cli-change');
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
  await s.screenshot(shots, '9-findings');
  await s.until(async () => s.cmd('GET', `/element/${await s.find('#var-save')}/enabled`), (on) => on === true, 'Save to be enabled');
  await s.click('#var-save');
  // Saving is refused until the user confirms they mean it.
  await s.find('#var-save-anyway');
  assert.ok(!(await s.source()).includes('data-name="GROQ_API_KEY"'), 'a refused placeholder was stored');
  await s.click('#var-save-anyway');
  await s.find('tr[data-name="GROQ_API_KEY"] [data-status="placeholder"]');

  // The real key, with the environment pointing Groq's clients at a local server.
  const provider = await fakeProvider();
  try {
    execFileSync(cli, ['set', 'GROQ_API_KEY'], { input: GROQ_KEY, env: process.env });
    execFileSync(cli, ['set', 'GROQ_BASE_URL', '--config', '--value', `${provider.origin}/openai/v1`], { env: process.env });
    await s.click('#refresh');
    await s.find('tr[data-name="GROQ_API_KEY"] [data-status="ok"]');
    assert.equal(provider.received.length, 0, 'nothing is sent before Verify');
    await s.click('tr[data-name="GROQ_API_KEY"] [data-action="verify"]');
    await s.find('tr[data-name="GROQ_API_KEY"] [data-status="valid"]');
    assert.deepEqual(provider.received, [{ method: 'GET', url: '/openai/v1/models', authorization: `Bearer ${GROQ_KEY}` }]);
    await noSecretInPage(GROQ_KEY, 'after verifying it');
    await s.screenshot(shots, '10-verified');
  } finally {
    provider.server.close();
  }
});

test('environments are created extending another, compared, and exported', async () => {
  // A new environment that extends default, from the Environments dialog.
  await s.click('#manage-environments');
  await s.type('#env-new-name', 'prod');
  await s.selectValue('#env-new-extends', 'default');
  await s.until(async () => s.cmd('GET', `/element/${await s.find('#env-create')}/enabled`), (on) => on === true, 'Create to be enabled');
  await s.click('#env-create');
  await s.until(() => s.source(), (html) => html.includes('extends default'), 'prod to be listed as extending default');
  await s.screenshot(shots, '11-environments');
  await s.key('\uE00C'); // Escape closes the dialog

  // prod sees default's variables, marked as inherited.
  await s.selectValue('#env-switcher', 'prod');
  await s.find('tr[data-name="GROQ_API_KEY"] .inherited');
  await noSecretInPage(GROQ_KEY, 'in the inheriting environment');
  await s.screenshot(shots, '12-inherited');

  // Compare shows names only.
  await s.click('#compare');
  await s.find('#compare-dialog');
  await sleep(400);
  await noSecretInPage(GROQ_KEY, 'in the comparison');
  await s.screenshot(shots, '13-compare');
  await s.key('\uE00C');

  // The export dialog, up to the native save dialog (which WebDriver cannot drive).
  await s.click('#export');
  await s.find('#export-choose');
  await sleep(400); // the dialog's fade-in
  await s.screenshot(shots, '14-export');
  await s.key('\uE00C');
});

test('a key is rotated from the Rotation screen, and the agents and activity screens show', async () => {
  const NEW_TOKEN = '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';
  await s.selectValue('#env-switcher', 'default');
  await s.click('#nav-rotation');
  await s.find('svg.rotation-chart');
  await s.find('#rotation tr[data-name="GITHUB_TOKEN"]');
  await sleep(300);
  await s.screenshot(shots, '15-rotation');

  await s.click('#rotation tr[data-name="GITHUB_TOKEN"] [data-action="rotate"]');
  await s.find('#rotate-dialog');
  await s.type('#rotate-value', NEW_TOKEN);
  await s.until(async () => s.cmd('GET', `/element/${await s.find('#rotate-confirm')}/enabled`), (on) => on === true, 'Rotate to be enabled');
  await sleep(400); // the checks while typing
  await s.screenshot(shots, '16-rotate-dialog');
  await s.click('#rotate-confirm');
  await s.until(() => s.source(), (html) => html.includes('revoke the old key'), 'the rotation to finish');
  await noSecretInPage(CLI_SECRET, 'after rotating');
  assert.equal(execFileSync(cli, ['get', 'GITHUB_TOKEN'], { env: process.env }).toString(), NEW_TOKEN);
  assert.equal(execFileSync(cli, ['history', 'GITHUB_TOKEN'], { env: process.env }).toString().trim().split('\n').length, 1);
  await s.key('\uE00C');

  await s.click('#nav-agents');
  await sleep(300);
  await s.screenshot(shots, '17-agents');
  await s.click('#nav-activity');
  await s.until(() => s.source(), (html) => html.includes('reveal'), 'the reveal to be in the activity log');
  await s.screenshot(shots, '18-activity');
});

test('a long list keeps only the rows in view in the page, and scrolls through all of them', async () => {
  const N = 400;
  const file = join(home, 'bulk.env');
  writeFileSync(file, Array.from({ length: N }, (_, i) => `BULK_${String(i).padStart(4, '0')}=setting-${i}\n`).join(''), { mode: 0o600 });
  execFileSync(cli, ['env', 'add', 'bulk'], { env: process.env, stdio: 'ignore' });
  execFileSync(cli, ['import', file, '--env', 'bulk', '--yes'], { env: process.env, stdio: 'ignore' });
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
  await s.screenshot(shots, '19-long-list');

  // Search finds a row that is far out of view.
  await scrollTo(0);
  await s.type('#search', 'BULK_0321');
  await s.until(rendered, (names) => names.length === 1 && names[0] === 'BULK_0321', 'the search to find BULK_0321');

  // The Rotation screen lists the same 400 secrets the same way.
  await s.click('#nav-rotation');
  await s.find('#rotation tr[data-name]');
  await s.screenshot(shots, '20-long-rotation');
  const scheduled = () => s.execute("return document.querySelectorAll('#rotation tr[data-name]').length");
  assert.ok((await scheduled()) < 80, `${await scheduled()} of ${N} rotation rows rendered`);
  const full = await s.execute('return document.querySelector("main.content").scrollHeight');
  await scrollTo(Math.round(full * 0.6));
  await s.until(() => rowAt(500), (name) => name !== null, 'a rotation row under the pointer at 60% of the list');
  await scrollTo(1e9);
  await s.until(() => rowAt(650), (name) => name !== null, 'a rotation row under the pointer at the bottom');
});
