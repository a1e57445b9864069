#!/usr/bin/env node
// Print, as a JSON object, what dotenvx parses from FILE.
//
// Usage: node dotenvx_parse.mjs FILE [FILE...]   (one JSON object per line, per FILE)
//
// Uses @dotenvx/dotenvx from the test-tool directory installed by
// tests/tools/install.sh: $LATCHKEY_TEST_TOOLS/node, default
// <repo>/target/test-tools/node.
//
// API: require('@dotenvx/dotenvx').parse(src, { processEnv, overload: true }).
// parse() runs the same parseSync() of @dotenvx/primitives that
// `dotenvx run` / config() use (quote handling, \n \r \t in double quotes,
// $(command) substitution, ${VAR} / $VAR expansion, \$ unescaping) but only
// returns the object: it never writes to process.env.  processEnv is a *copy*
// of process.env so ${HOME} etc. resolve as under `dotenvx run`;
// overload: true makes the file's own values win over the environment (as
// `dotenvx run --overload`, and as python-dotenv's dotenv_values does), so
// the output is what the file says, whatever the caller's environment holds.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..', '..')
const tools = path.resolve(process.env.LATCHKEY_TEST_TOOLS || path.join(repo, 'target', 'test-tools'))
const nodeDir = path.join(tools, 'node')
const pkg = path.join(nodeDir, 'node_modules', '@dotenvx', 'dotenvx', 'package.json')

if (!fs.existsSync(pkg)) {
  console.error(`@dotenvx/dotenvx not found in ${nodeDir}; run tests/tools/install.sh first`)
  process.exit(1)
}
if (process.argv.length < 3) {
  console.error('usage: dotenvx_parse.mjs FILE [FILE...]')
  process.exit(2)
}

// dotenvx logs some levels with console.log: keep stdout for the JSON only.
console.log = console.error
console.info = console.error

const require = createRequire(path.join(nodeDir, 'package.json'))
const dotenvx = require('@dotenvx/dotenvx')

let out = ''
for (const file of process.argv.slice(2)) {
  const src = fs.readFileSync(file)
  const parsed = dotenvx.parse(src, { processEnv: { ...process.env }, overload: true })
  out += JSON.stringify(parsed) + '\n'
}
process.stdout.write(out)
