// An HTTP/2-only server on 127.0.0.1 for the broker's tests, with the certificate
// provider_fake.py made in DIR. Prints its port; logs each request as a JSON line in LOG
// with the HTTP version it came over.
//
//   node h2_fake.mjs DIR LOG
import http2 from 'node:http2'
import { readFileSync, appendFileSync } from 'node:fs'
import path from 'node:path'

const [dir, log] = process.argv.slice(2)
const server = http2.createSecureServer({
  key: readFileSync(path.join(dir, 'leaf.key')),
  cert: readFileSync(path.join(dir, 'leaf.pem')),
  allowHTTP1: false,
})
server.on('request', (req, res) => {
  let body = ''
  req.on('data', (c) => { body += c })
  req.on('end', () => {
    appendFileSync(log, JSON.stringify({ version: req.httpVersion, path: req.url, authorization: req.headers.authorization ?? null, body }) + '\n')
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ version: req.httpVersion, authorization: req.headers.authorization ?? null }))
  })
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
