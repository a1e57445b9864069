// A small WebDriver client over fetch, and a tauri-driver launcher, for the desktop
// end-to-end tests. Plain WebDriver endpoints; no dependency.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, writeFileSync } from 'node:fs';

const ELEMENT = 'element-6066-11e4-a6c7-4a6aee1e6996';

// tauri-driver on `port`; a file that starts an app of its own gives `nativePort` too
// (WebKitWebDriver's, 4445 by default), so that nothing left of another file's driver is
// in the way.
export async function startDriver(env, port = 4444, nativePort = null) {
  const args = ['--port', String(port), ...(nativePort === null ? [] : ['--native-port', String(nativePort)])];
  const driver = spawn('tauri-driver', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return { driver, base };
    } catch {}
    await sleep(100);
  }
  driver.kill();
  throw new Error('tauri-driver did not start: is it installed (cargo install tauri-driver)?');
}

// Closes the session and stops the driver (waiting up to 5 s for it to go).
export async function stopDriver(driver, session) {
  await session?.close();
  if (driver && driver.exitCode === null && driver.signalCode === null) {
    const gone = new Promise((done) => driver.once('exit', done));
    driver.kill();
    await Promise.race([gone, sleep(5000)]);
  }
}

export class Session {
  static async create(base, application) {
    const r = await fetch(`${base}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capabilities: { alwaysMatch: { 'tauri:options': { application } } } }),
    });
    const body = await r.json();
    if (!r.ok) throw new Error(`cannot start the app: ${JSON.stringify(body)}`);
    return new Session(base, body.value.sessionId);
  }

  constructor(base, id) {
    this.url = `${base}/session/${id}`;
  }

  async cmd(method, path, body) {
    const r = await fetch(this.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  }

  async find(css, { timeout = 10000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        const id = el?.[ELEMENT] ?? (el && Object.values(el)[0]);
        if (!id) throw new Error(`no element ${css}`);
        return id;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`no element ${css}: ${e.message}`);
        await sleep(100);
      }
    }
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => e[ELEMENT] ?? Object.values(e)[0]);
  }

  async click(css) {
    await this.cmd('POST', `/element/${await this.find(css)}/click`, {});
  }

  async type(css, text) {
    const el = await this.find(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  // Picks the option with this value in a <select>.
  async selectValue(css, value) {
    await this.click(`${css} option[value="${value}"]`);
  }

  // Sends a key (WebDriver code, e.g. '\uE00C' for Escape) to the focused element.
  async key(k) {
    const el = await this.cmd('GET', '/element/active');
    const id = el?.[ELEMENT] ?? Object.values(el)[0];
    await this.cmd('POST', `/element/${id}/value`, { text: k });
  }

  async text(css) {
    return this.cmd('GET', `/element/${await this.find(css)}/text`);
  }

  // Runs `script` (a function body; `arguments` holds `args`) in the page, returns its value.
  async execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  // Runs `script` in the page and returns what it passes to `done`, its last argument.
  async executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script: `const done = arguments[arguments.length - 1];\n${script}`, args });
  }

  // Calls a command through the page's IPC, as the UI does: { ok, value } or { ok: false, error }.
  async invoke(command, args = {}) {
    return this.executeAsync(
      `window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
        (value) => done({ ok: true, value: value ?? null }),
        (e) => done({ ok: false, error: typeof e === 'string' ? e : (e?.message ?? JSON.stringify(e)) }));`,
      [command, args],
    );
  }

  // Waits until the page has painted its last change: no transition or finite animation
  // running, then two more frames. A screenshot taken sooner can show the frame before a
  // click (the tab bar still highlighting the previous screen).
  async settle(timeout = 3000) {
    await this.executeAsync(
      `const deadline = Date.now() + arguments[0];
      const busy = () => document.getAnimations().some((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity);
      const frame = () => requestAnimationFrame(() => requestAnimationFrame(() => (busy() && Date.now() < deadline ? frame() : done(null))));
      frame();`,
      [timeout],
    );
  }

  async source() {
    return this.cmd('GET', '/source');
  }

  // Waits until `predicate(await probe())` holds.
  until(probe, predicate, what, timeout = 10000) {
    return until(probe, predicate, what, timeout);
  }

  async screenshot(dir, name) {
    mkdirSync(dir, { recursive: true });
    await this.settle();
    const png = await this.cmd('GET', '/screenshot');
    writeFileSync(`${dir}/${name}.png`, Buffer.from(png, 'base64'));
  }

  async close() {
    try {
      await fetch(this.url, { method: 'DELETE' });
    } catch {}
  }
}

// Polls `probe` until `predicate` holds (a probe that throws counts as not yet), and
// says what it saw last when it gives up.
export async function until(probe, predicate, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (predicate(last)) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last saw: ${JSON.stringify(last)?.slice(0, 400)}`);
    await sleep(100);
  }
}
