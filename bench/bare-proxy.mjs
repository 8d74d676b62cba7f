#!/usr/bin/env node
/**
 * The floor: the smallest node:http proxy that forwards the same request to the upstream and
 * streams the answer back (keep-alive both ways, no parsing, no buffering). No gateway built on
 * node:http can be cheaper than this, so the gateway's figures are read against it.
 * Usage: node bench/bare-proxy.mjs --upstream http://127.0.0.1:N [--port N]; prints {"port":N}.
 */
import http from 'node:http'
import { parseArgs } from 'node:util'

const { values: argv } = parseArgs({
  options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } },
})
const up = new URL(argv.upstream)
// noDelay: client sockets keep Nagle on by default; the gateway turns it off too.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo', noDelay: true })

const server = http.createServer((req, res) => {
  const out = http.request(
    { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers, agent },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers)
      upRes.pipe(res)
    },
  )
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end()
    else res.destroy()
  })
  req.pipe(out)
})
server.keepAliveTimeout = 65_000
server.listen(Number(argv.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, pid: process.pid })}\n`)
})
process.on('SIGTERM', () => process.exit(0))
