// The Leaks screen end to end, against the real built app under Xvfb through
// tauri-driver and WebKitWebDriver, with the real Secret Service (run by
// `make test-desktop` inside xvfb-run and tests/with-keyring.sh, like e2e.test.mjs).
//
// The app runs with a home directory of its own, where a Claude Code transcript holds a
// stored OpenAI key twice: as it is, and base64-encoded inside an attachment. A user
// sweeps the agent tools on the Leaks screen, sees both copies under OPENAI_API_KEY
// (never the key), redacts them after a confirmation, and finds every line of the
// transcript still JSON and the key gone; Rotate shows the key marked leaked on the
// Rotation screen, as `latchkey status` says too. Then, under Agent tools, Protect
// moves the GitHub token out of Claude Code's MCP config into the vault, and the daily
// sweep, turned on, finds the copy a transcript kept and says so in a notification
// (tests/desktop/desktop_bus.py stands in for the notification daemon).
//
// This file starts an app of its own (its own vault, tauri-driver on ports of its own);
// the desktop files run one at a time (see project.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDriver, stopDriver, Session, until } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.LATCHKEY_DESKTOP_BIN ?? join(root, 'target/debug/latchkey-desktop');
const cli = process.env.LATCHKEY_BIN ?? join(root, 'target/debug/latchkey');
const shots = join(root, 'target/screenshots');

const corpus = JSON.parse(readFileSync(join(root, 'tests/validation/corpus.json'), 'utf8'));
const OPENAI_KEY = corpus.cases.find((c) => c.provider === 'openai' && c.format === 'ok').value;
const GITHUB_KEY = corpus.cases.find((c) => c.provider === 'github' && c.format === 'ok').value;
// Debian's Python, which has python3-gi (a PATH may put another Python first).
const python = '/usr/bin/python3';
const desktopBus = join(import.meta.dirname, 'desktop_bus.py');

const DRIVER_PORT = 4474;
const NATIVE_PORT = 4475;

let home, transcript, claudeJson, env, driver, s, desktop, busLogPath;

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
  // The notification daemon first, so that the app finds it as it starts.
  busLogPath = join(home, 'desktop-bus.log');
  desktop = spawn(python, [desktopBus, 'serve', busLogPath], { stdio: ['ignore', 'inherit', 'inherit'], env });
  await until(() => Promise.resolve(busLog().map((e) => e.call)), (calls) => calls.includes('ready') || calls.includes('lost'), 'the fake notification daemon to start');
  const started = await startDriver(env, DRIVER_PORT, NATIVE_PORT);
  driver = started.driver;
  s = await Session.create(started.base, app);
});

after(async () => {
  await stopDriver(driver, s);
  desktop?.kill();
  if (home) rmSync(home, { recursive: true, force: true });
});

function latchkey(args, input) {
  return execFileSync(cli, args, { cwd: home, input, env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

function busLog() {
  if (!busLogPath || !existsSync(busLogPath)) return [];
  return readFileSync(busLogPath, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l));
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

test("Protect moves an MCP server's key into the vault, and the daily sweep notifies of a copy a transcript kept", async () => {
  // Claude Code's config, with a plaintext token in an MCP server's env block.
  claudeJson = join(home, '.claude.json');
  const servers = {
    github: { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GITHUB_KEY } },
  };
  writeFileSync(claudeJson, JSON.stringify({ numStartups: 4, mcpServers: servers }, null, 2) + '\n', { mode: 0o600 });
  await s.click('#nav-leaks');
  const github = '[data-testid="agent-server"][data-server="github"]';
  await s.find(github);
  await s.click(`${github} [data-action="protect"]`);
  await s.click('#protect-confirm');
  await s.find(`${github}[data-protected="true"]`);
  const text = readFileSync(claudeJson, 'utf8');
  assert.ok(!text.includes(GITHUB_KEY), 'the config still holds the key');
  const entry = JSON.parse(text).mcpServers.github;
  assert.match(entry.command, /\/latchkey$/);
  assert.deepEqual(entry.args, ['run', '--profile', 'github', '--', 'npx', '-y', '@modelcontextprotocol/server-github']);
  assert.equal(latchkey(['get', 'GITHUB_PERSONAL_ACCESS_TOKEN']).trim(), GITHUB_KEY);
  assert.ok(!(await s.source()).includes(GITHUB_KEY), 'the page holds the key');
  await s.screenshot(shots, '42-agent-tools-protected');

  // An agent pasted the key into a transcript before it was protected.
  const session = join(home, '.claude/projects/-home-ada-app/0b7e.jsonl');
  writeFileSync(session, JSON.stringify({ type: 'user', message: { role: 'user', content: `my token is ${GITHUB_KEY}` } }) + '\n');
  await s.click(byTestId('daily-sweep'));
  const found = () => busLog().filter((e) => e.call === 'Notify' && e.summary.startsWith('latchkey found'));
  const notes = await until(() => Promise.resolve(found()), (n) => n.length > 0, 'the daily sweep to notify', 30000);
  assert.equal(notes[0].summary, 'latchkey found 1 leaked key(s)');
  assert.match(notes[0].body, /^GITHUB_PERSONAL_ACCESS_TOKEN \(default\): copies in agent transcripts/);
  assert.ok(!JSON.stringify(busLog()).includes(GITHUB_KEY), 'a notification holds the key');
  // Recorded as leaked, as a manual sweep would, and not announced twice the same day.
  const status = spawnSync(cli, ['status', '--json'], { cwd: home, env });
  assert.ok(JSON.parse(status.stdout.toString()).find((r) => r.name === 'GITHUB_PERSONAL_ACCESS_TOKEN').leaked);
  assert.equal(found().length, 1);
});
