// The credential broker from the desktop app, end to end, against the real built app under
// Xvfb through tauri-driver and WebKitWebDriver, with the real Secret Service (run by
// `make test-desktop` inside xvfb-run and tests/with-keyring.sh, like e2e.test.mjs).
//
// A user creates a vault, stores an OpenAI key, makes a profile with the Broker on whose
// command calls the OpenAI API with curl and then tries another host, and launches it
// from the Agents screen. The API is tests/tools/provider_fake.py over TLS: the app is
// started with LATCHKEY_BROKER_RESOLVE naming it for api.openai.com, and with
// LATCHKEY_EXTRA_CA_FILE trusting its authority. The run shows the Broker badge and its
// requests (the one to OpenAI went through, the other host was refused, with why); the
// provider got the real key while the page never held it; and the Activity screen lists
// the request and the refusal.
//
// This file starts an app of its own (its own vault, tauri-driver on ports of its own).
// It shares the X display and the D-Bus session with e2e.test.mjs, whose tray and window
// checks assume it is the only app there: the files must run one at a time (node --test
// runs them so when os.availableParallelism() is 2 or less; elsewhere pass
// --test-concurrency=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Session } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.LATCHKEY_DESKTOP_BIN ?? join(root, 'target/debug/latchkey-desktop');
const shots = join(root, 'target/screenshots');
const providerFake = join(root, 'tests/tools/provider_fake.py');

// A well-formed synthetic OpenAI key: the first good one of the validation corpus.
const corpus = JSON.parse(readFileSync(join(root, 'tests/validation/corpus.json'), 'utf8'));
const OPENAI_KEY = corpus.cases.find((c) => c.provider === 'openai' && c.format === 'ok').value;

// Ports of its own, so that nothing left of another file's driver is in the way.
const DRIVER_PORT = 4454;
const NATIVE_PORT = 4455;

// The agent: one request to OpenAI with the key it holds (a placeholder), then one to a
// host no brokered key belongs to, which the broker refuses (strict egress).
const COMMAND =
  `sh -c 'curl -sS https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"; echo; ` +
  `curl -sS https://other.test/x -H "Authorization: Bearer $OPENAI_API_KEY"; echo done'`;
const REFUSAL = 'other.test is not a host of any brokered key';

let home, fake, driver, s;

// The fake provider over TLS: its port (it prints it once its certificates are written),
// its request log (one JSON object a line) and the authority it wrote to DIR/ca.pem.
async function startProvider(dir) {
  const log = join(dir, 'requests.jsonl');
  const child = spawn('python3', [providerFake, log, '--tls', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((done, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => done(line));
    child.once('exit', (code) => fail(new Error(`provider_fake.py exited (${code}) before printing its port`)));
  });
  const port = Number(first.trim());
  assert.ok(Number.isInteger(port) && port > 0, `provider_fake.py printed no port: ${first}`);
  const ca = join(dir, 'ca.pem');
  assert.ok(existsSync(ca), 'provider_fake.py wrote no ca.pem');
  const requests = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  return { child, port, ca, requests };
}

// tauri-driver on this file's ports, as webdriver.mjs's startDriver starts it on its own.
async function startDriverOn(env, port, nativePort) {
  const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return { driver: child, base };
    } catch {}
    await sleep(100);
  }
  child.kill();
  throw new Error('tauri-driver did not start: is it installed (cargo install tauri-driver)?');
}

async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((done) => child.once('exit', done));
  child.kill();
  await Promise.race([gone, sleep(5000)]);
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'latchkey-broker-e2e-'));
  fake = await startProvider(home);
  const env = {
    ...process.env,
    LATCHKEY_HOME: join(home, 'data'),
    // The broker's connections to api.openai.com go to the fake, whose certificate it
    // verifies against the fake's authority (TLS is still checked against the name).
    LATCHKEY_BROKER_RESOLVE: `api.openai.com:443=127.0.0.1:${fake.port}`,
    LATCHKEY_EXTRA_CA_FILE: fake.ca,
  };
  const started = await startDriverOn(env, DRIVER_PORT, NATIVE_PORT);
  driver = started.driver;
  s = await Session.create(started.base, app);
});

after(async () => {
  await s?.close();
  await stop(driver);
  await stop(fake?.child);
  if (home) rmSync(home, { recursive: true, force: true });
});

const enabled = async (css) => s.cmd('GET', `/element/${await s.find(css)}/enabled`);

async function noKeyInPage(when) {
  assert.ok(!(await s.source()).includes(OPENAI_KEY), `the page holds the OpenAI key ${when}`);
}

// The request list of run `run`, as the user reads it.
const requestRows = (run) =>
  s.execute(
    `return [...document.querySelectorAll('.agent-requests[data-run-id="${run}"] tbody tr')].map((tr) => ({
      outcome: tr.dataset.outcome, method: tr.querySelector('.method').textContent.trim(),
      target: tr.querySelector('.where').textContent.trim(), status: Number(tr.dataset.status),
      reason: tr.querySelector('[data-reason]')?.textContent.trim() ?? null }))`,
  );

test('a brokered agent launched from the Agents screen gets placeholders: the provider gets the key, another host is refused, and both are listed and in Activity', async () => {
  // 1. A vault (identity in the OS keychain), and an OpenAI key in it.
  await s.click('#create-vault');
  await s.find('#add-variable');
  await s.click('#add-variable');
  await s.type('#var-name', 'OPENAI_API_KEY');
  await s.type('#var-value', OPENAI_KEY);
  await s.type('#var-provider', 'openai');
  await s.until(() => enabled('#var-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#var-save');
  await s.find('tr[data-name="OPENAI_API_KEY"]');
  await noKeyInPage('after adding it');

  // 2. A profile with the Broker on (strict egress, nothing else allowed).
  await s.click('#nav-agents');
  await s.click('#new-profile');
  await s.type('#profile-name', 'brokered');
  await s.click('#profile-var-OPENAI_API_KEY');
  await s.type('#profile-command', COMMAND);
  await s.click('#profile-broker');
  await s.find('#profile-egress');
  assert.equal(await s.execute('return document.querySelector("#profile-egress").value'), 'strict');
  await s.screenshot(shots, 'broker-01-profile');
  await s.until(() => enabled('#profile-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#profile-save');
  await s.find('tr[data-profile="brokered"] [data-brokered]');
  await s.screenshot(shots, 'broker-02-profiles');

  // 3. Launch it: the run says it is brokered, and for which secret.
  await s.click('tr[data-profile="brokered"] [data-action="launch"]');
  await s.find('.agent-log');
  const run = await s.execute('return document.querySelector(".agent-log").dataset.runId');
  const log = `.agent-log[data-run-id="${run}"]`;
  assert.equal(await s.text(`${log} [data-broker]`), 'Broker: OPENAI_API_KEY');
  const notes = await s.execute(`return [...document.querySelectorAll('${log} [data-note]')].map((n) => n.textContent)`);
  assert.ok(notes.includes('latchkey: brokered, the command holds placeholders: OPENAI_API_KEY'), `notes: ${notes}`);

  // 4. Its requests, live: OpenAI's went through, the other host was refused, with why.
  const rows = await s.until(() => requestRows(run), (r) => r.length >= 2, 'the two requests in the run', 30000);
  assert.equal(rows.length, 2, JSON.stringify(rows));
  assert.deepEqual(rows[0], { outcome: 'ok', method: 'GET', target: 'api.openai.com/v1/models', status: 200, reason: null });
  assert.equal(rows[1].outcome, 'refused');
  assert.equal(rows[1].target, 'other.test');
  assert.equal(rows[1].status, 403);
  assert.ok(rows[1].reason?.includes(REFUSAL), `the refusal says: ${rows[1].reason}`);
  await s.find(`${log}[data-state="exited"]`, { timeout: 30000 });
  await noKeyInPage('while the brokered agent ran');
  await s.screenshot(shots, 'broker-03-requests');

  // 5. The provider got the real key, in the header the agent sent its placeholder in;
  //    the other host got nothing (it is not even mapped: the broker refused to connect).
  const got = fake.requests();
  const models = got.find((r) => r.path === '/v1/models');
  assert.ok(models, `the provider got no /v1/models: ${JSON.stringify(got).slice(0, 400)}`);
  assert.equal(models.headers.authorization, `Bearer ${OPENAI_KEY}`);
  assert.ok(!got.some((r) => r.path === '/x'), 'other.test was reached');
  // What the agent printed is the provider's echo with the key turned back into its placeholder.
  const output = await s.execute(`return [...document.querySelectorAll('${log} .line')].map((l) => l.textContent).join('\\n')`);
  assert.ok(!output.includes(OPENAI_KEY), 'the agent saw the real key');

  // 6. Activity: the request and the refusal, beside the run's grant, names only.
  await s.click('#nav-activity');
  // Every row, as the user reads it: its kind and its request line.
  const activity = () =>
    s.execute(`return [...document.querySelectorAll('#activity tr[data-access]')].map((tr) =>
      tr.dataset.access + ' ' + (tr.querySelector('.request')?.textContent.trim() ?? ''))`);
  await s.until(activity, (r) => r.includes('request GET api.openai.com/v1/models → 200'), 'the request in the activity log');
  assert.equal(await s.execute('return document.querySelector(\'#activity tr[data-access="request"]\').dataset.agent'), 'profile:brokered');
  assert.ok((await activity()).includes('refused CONNECT other.test → 403'), 'the refusal is not in the activity log');
  const reason = await s.execute(`return document.querySelector('#activity tr[data-access="refused"] [data-reason]')?.textContent ?? ''`);
  assert.ok(reason.includes(REFUSAL), `the refusal's reason: ${reason}`);
  await noKeyInPage('in the activity log');
  await s.screenshot(shots, 'broker-04-activity');
});

test('a sandboxed agent launched from the Agents screen reaches nothing but the broker', async () => {
  // A profile with the Sandbox switch on: the Broker switch comes on with it, locked.
  const data = join(home, 'data');
  const command =
    `sh -c 'cat ${data}/vault.age >/dev/null 2>&1 && echo vault-read || echo vault-hidden; ` +
    `curl -sS --noproxy "*" --max-time 3 https://127.0.0.1:${fake.port}/direct >/dev/null 2>&1 && echo direct-reached || echo direct-blocked; ` +
    `curl -sS -o /dev/null -w "models %{http_code}\\n" https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"'`;
  await s.click('#nav-agents');
  await s.click('#new-profile');
  await s.type('#profile-name', 'sandboxed');
  await s.click('#profile-var-OPENAI_API_KEY');
  await s.type('#profile-command', command);
  await s.click('#profile-sandbox');
  await s.find('#profile-sandbox-mode');
  assert.equal(await s.execute('return document.querySelector("#profile-broker").checked'), true, 'the Broker switch is on');
  assert.equal(await enabled('#profile-broker'), false, 'the Broker switch is locked on');
  await s.screenshot(shots, 'sandbox-01-profile');
  await s.until(() => enabled('#profile-save'), (on) => on === true, 'Save to be enabled');
  await s.click('#profile-save');
  await s.find('tr[data-profile="sandboxed"] [data-sandboxed]');

  // Launched: the run is marked Sandboxed; the vault and a direct connection are out of
  // reach, and the provider answers through the broker.
  const before = await s.execute('return document.querySelector(".agent-log")?.dataset.runId ?? null');
  await s.click('tr[data-profile="sandboxed"] [data-action="launch"]');
  const run = await s.until(
    () => s.execute('return document.querySelector(".agent-log")?.dataset.runId ?? null'),
    (id) => id !== null && id !== before,
    'the sandboxed run',
  );
  const log = `.agent-log[data-run-id="${run}"]`;
  await s.find(`${log}[data-state="exited"]`, { timeout: 30000 });
  const output = await s.execute(`return [...document.querySelectorAll('${log} .line')].map((l) => l.textContent).join('\\n')`);
  assert.ok(output.includes('vault-hidden'), `the sandbox read the vault: ${output}`);
  assert.ok(output.includes('direct-blocked'), `the sandbox went around the broker: ${output}`);
  assert.ok(output.includes('models 200'), `the provider did not answer through the broker: ${output}`);
  assert.ok(!fake.requests().some((r) => r.path === '/direct'), 'the fake was reached directly');
  assert.ok(await s.find(`.run-card[data-run-id="${run}"] [data-sandboxed]`).catch(() => null), 'the run is not marked Sandboxed');
  await noKeyInPage('while the sandboxed agent ran');
  await s.screenshot(shots, 'sandbox-02-run');

  // Activity: the grant says it was sandboxed, and with which rules.
  await s.click('#nav-activity');
  const rules = await s.until(
    () => s.execute(`return document.querySelector('#activity tr[data-access="grant"][data-agent="profile:sandboxed"] [data-sandbox] .rules')?.textContent ?? null`),
    (t) => t !== null,
    'the sandboxed grant in the activity log',
  );
  assert.match(rules, /^strict; writable: /);
});
