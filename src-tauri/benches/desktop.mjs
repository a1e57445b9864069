// Desktop performance, on the release build under Xvfb (`make bench`):
// - cold start to an interactive unlock screen (target: under 1.5 s), measured from the
//   WebDriver new-session request (which launches the app) to the #unlock button being
//   found, so it includes WebKitWebDriver's own start-up: an upper bound;
// - memory of the idle app with 1,000 variables loaded (target: under 150 MB), for the
//   app process and each WebKit process it starts: RSS (resident), PSS (shared pages
//   split between the processes that map them) and USS (pages no other process maps).
//   Also measured at the unlock screen, before any variable is loaded: the floor set
//   by WebKitGTK itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session } from '../../tests/desktop/webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = join(root, 'target/release/latchkey-desktop');
const cli = join(root, 'target/release/latchkey');
const work = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const env = { ...process.env, LATCHKEY_HOME: join(work, 'home'), LATCHKEY_IDENTITY: join(work, 'id.txt') };

execFileSync(cli, ['init', '--identity-file', env.LATCHKEY_IDENTITY], { env, stdio: 'ignore' });
for (let i = 0; i < 1000; i++) {
  const value = `sk-bench-${String(i).padStart(4, '0')}-aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF`;
  execFileSync(cli, ['set', `VAR_${String(i).padStart(4, '0')}`, '--provider', 'openai'], { env, input: value, stdio: ['pipe', 'ignore', 'ignore'] });
}

// The app process and its descendants (WebKit's web and network processes), each
// with its resident (RSS) and proportional (PSS: shared libraries split) memory.
function processTree(pid) {
  const parents = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parents.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parents) if (tree.has(pp) && !tree.has(p)) (tree.add(p), (grew = true));
  }
  const kb = (text, key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  return [...tree].flatMap((p) => {
    try {
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      const rss = kb(readFileSync(`/proc/${p}/status`, 'utf8'), 'VmRSS');
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const uss = kb(rollup, 'Private_Clean') + kb(rollup, 'Private_Dirty');
      return [{ name, rssMb: rss / 1024, pssMb: kb(rollup, 'Pss') / 1024, ussMb: uss / 1024 }];
    } catch {
      return [];
    }
  });
}

const { driver, base } = await startDriver(env);
const starts = [];
let locked = [];
let memory = [];
const appPid = () => Number(execFileSync('pgrep', ['-n', '-f', app]).toString().trim());
try {
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const s = await Session.create(base, app);
    await s.find('#unlock', { timeout: 20000 });
    starts.push(performance.now() - t0);
    if (run === 4) {
      await sleep(5000);
      locked = processTree(appPid());
      await s.click('#unlock');
      await s.find('tr[data-name="VAR_0000"]', { timeout: 20000 });
      await s.until(() => s.source(), (html) => html.includes('1000 variables'), 'all 1,000 variables to load', 20000);
      await sleep(5000);
      memory = processTree(appPid());
    }
    await s.close();
    await sleep(500);
  }
} finally {
  driver.kill();
  rmSync(work, { recursive: true, force: true });
}
starts.sort((a, b) => a - b);
console.log(`cold start to unlock screen: median ${starts[2].toFixed(0)} ms (runs: ${starts.map((t) => t.toFixed(0)).join(', ')})`);
function report(title, tree) {
  const total = (k) => tree.reduce((sum, m) => sum + m[k], 0).toFixed(0);
  console.log(`${title}: RSS ${total('rssMb')} MB, PSS ${total('pssMb')} MB, USS ${total('ussMb')} MB in all`);
  for (const m of tree) {
    const mb = (v) => v.toFixed(0).padStart(4);
    console.log(`  ${m.name.padEnd(16)} RSS ${mb(m.rssMb)} MB  PSS ${mb(m.pssMb)} MB  USS ${mb(m.ussMb)} MB`);
  }
}
report('idle memory with 1,000 variables (target: under 150 MB)', memory);
report('idle memory at the unlock screen (WebKitGTK alone)', locked);
