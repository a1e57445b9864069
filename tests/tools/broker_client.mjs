// The agent side of the broker's tests, in Node: its built-in fetch, run under
// `latchkey run --broker`. Writes what it saw to the JSON file OUT (stdout is masked).
//
//   node broker_client.mjs OUT MODE [URL]
//
// MODE:
//   base         GET $OPENAI_BASE_URL/models (the base-URL route: no proxy, no CA)
//   proxy URL    GET URL through HTTPS_PROXY with undici's EnvHttpProxyAgent as the
//                global dispatcher (Node 20's fetch ignores HTTPS_PROXY on its own),
//                trusting NODE_EXTRA_CA_CERTS
//   direct URL   GET URL with Node 20's fetch alone, which goes around the proxy
import { writeFileSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const [out, mode, url] = process.argv.slice(2)
writeFileSync(out + '.environ', readFileSync('/proc/self/environ'))
const key = process.env.OPENAI_API_KEY ?? ''
const headers = { Authorization: `Bearer ${key}` }
let result
try {
  let target = url
  if (mode === 'base') target = `${process.env.OPENAI_BASE_URL}/models`
  if (mode === 'proxy') {
    const tools = process.env.TEST_TOOLS
    const require = createRequire(path.join(tools, 'node', 'package.json'))
    const { EnvHttpProxyAgent, setGlobalDispatcher } = require('undici')
    setGlobalDispatcher(new EnvHttpProxyAgent())
  }
  const r = await fetch(target, { headers })
  result = { status: r.status, text: await r.text() }
} catch (e) {
  result = { error: `${e.name}: ${e.message} ${e.cause ?? ''}` }
}
writeFileSync(out, JSON.stringify(result))
