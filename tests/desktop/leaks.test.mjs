// The Leaks screen end to end, against the real built app under Xvfb through
// tauri-driver and WebKitWebDriver, with the real Secret Service (run by
// `make test-desktop` inside xvfb-run and tests/with-keyring.sh, like e2e.test.mjs).
//
// The app runs with a home directory of its own, where a Claude Code transcript holds a
// stored OpenAI key twice: as it is, and base64-encoded inside an attachment. A user
// sweeps the agent tools on the Leaks screen, sees both copies under OPENAI_API_KEY
// (never the key), redacts them after a confirmation, and finds every line of the
// transcript still JSON and the key gone; Rotate shows the key marked leaked on the
// Rotation screen, as `latchkey status` says too.
//
// This file starts an app of its own (its own vault, tauri-driver on ports of its own);
// the desktop files run one at a time (see project.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDriver, stopDriver, Session, until } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.LATCHKEY_DESKTOP_BIN ?? join(root, 'target/debug/latchkey-desktop');
const cli = process.env.LATCHKEY_BIN ?? join(root, 'target/debug/latchkey');
const shots = join(root, 'target/screenshots');

const corpus = JSON.parse(readFileSync(join(root, 'tests/validation/corpus.json'), 'utf8'));
const OPENAI_KEY = corpus.cases.find((c) => c.provider === 'openai' && c.format === 'ok').value;

const DRIVER_PORT = 4474;
const NATIVE_PORT = 4475;

let home, transcript, env, driver, s;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'latchkey-leaks-e2e-'));
  const sessions = join(home, '.claude/projects/-home-ada-app');
  mkdirSync(sessions, { recursive: true });
  transcript = join(sessions, '5f1c2a9e-4b7d-4c1e-9a3f-0d8e6b2c7a51.jsonl');
  const attachment = Buffer.from(`OPENAI_API_KEY=${OPENAI_KEY}\n`).toString('base64');
  const lines = [
    { type: 'user', message: { role: 'user', content: 'why does the agent fail?' } },
    { type: 'assistant', message: { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'cat .env' } }] } },
    { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: `OPENAI_API_KEY=${OPENAI_KEY}\nLOG_LEVEL=info` }] } },
    { type: 'user', message: { role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/plain', data: attachment } }] } },
  ];
  writeFileSync(transcript, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { mode: 0o600 });
  env = { ...process.env, LATCHKEY_HOME: join(home, 'data'), HOME: home };
  delete env.XDG_CONFIG_HOME;
  delete env.LATCHKEY_ENV;
  const started = await startDriver(env, DRIVER_PORT, NATIVE_PORT);
  driver = started.driver;
  s = await Session.create(started.base, app);
});

after(async () => {
  await stopDriver(driver, s);
  if (home) rmSync(home, { recursive: true, force: true });
});

function latchkey(args, input) {
  return execFileSync(cli, args, { cwd: home, input, env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

const byTestId = (id) => `[data-testid="${id}"]`;
const count = (css) => s.execute('return document.querySelectorAll(arguments[0]).length', [css]);

test('a sweep finds a key an agent pasted into its transcript, and Redact scrubs it', async () => {
  await s.click('#create-vault');
  await s.find('#add-variable');
  latchkey(['set', 'OPENAI_API_KEY'], OPENAI_KEY);

  await s.click('#nav-leaks');
  await s.find(byTestId('sweep-start'));
  // The agent tools only.
  await s.click(byTestId('sweep-history'));
  await s.click(byTestId('sweep-start'));
  await s.find(`${byTestId('leak-group')}[data-variable="OPENAI_API_KEY"][data-status="current"]`, { timeout: 20000 });
  assert.equal(await count(byTestId('leak-place')), 2, 'the literal copy and the base64 one');
  const places = await s.text(byTestId('leak-group'));
  assert.match(places, /literal/);
  assert.match(places, /base64/);
  assert.ok(!(await s.source()).includes(OPENAI_KEY), 'the page holds the key');
  await s.screenshot(shots, '40-leaks-found');

  await s.click('[data-action="redact"]');
  await s.click('#redact-confirm');
  await until(() => Promise.resolve(readFileSync(transcript, 'utf8')), (t) => !t.includes(OPENAI_KEY), 'the transcript to lose the key');
  const text = readFileSync(transcript, 'utf8');
  for (const line of text.trim().split('\n')) JSON.parse(line);
  assert.match(text, /<latchkey:OPENAI_API_KEY>/);
  const attachment = JSON.parse(text.trim().split('\n')[3]).message.content[0].source.data;
  assert.equal(Buffer.from(attachment, 'base64').toString(), 'OPENAI_API_KEY=<latchkey:OPENAI_API_KEY>\n');
  await until(() => count(byTestId('leak-place')), (n) => n === 0, 'the sweep after redaction to find nothing');
  await s.find(byTestId('leaks-none'));

  // Leaked until rotated: the CLI says so, and the Rotation screen marks it.
  const status = spawnSync(cli, ['status', '--json'], { cwd: home, env });
  assert.equal(status.status, 1);
  assert.ok(JSON.parse(status.stdout.toString()).find((r) => r.name === 'OPENAI_API_KEY').leaked);
  await s.click('#nav-rotation');
  await s.find(byTestId('leaked-OPENAI_API_KEY'));
  await s.screenshot(shots, '41-rotation-leaked');
});
