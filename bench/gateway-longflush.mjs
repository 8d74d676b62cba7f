#!/usr/bin/env node
/**
 * The gateway exactly as `openclaw gateway` runs it (GatewayState + startGateway from dist/),
 * except that the periodic bookkeeping flush is pushed out to one hour. Used only by the
 * "no store write on the success path" check: with the flush out of the way, any commit to the
 * store during a run of successful requests was made on the request path.
 * Usage: OPENCLAW_STATE_DIR=... node bench/gateway-longflush.mjs --port N
 */
import { parseArgs } from 'node:util'
import { GatewayState } from '../dist/gateway/gateway-state.js'
import { startGateway } from '../dist/gateway/server.js'

const { values: argv } = parseArgs({ options: { port: { type: 'string', default: '0' } } })
const env = process.env
const cwd = process.cwd()
const log = (level, message) => process.stderr.write(`[gateway] ${level}: ${message}\n`)
const state = GatewayState.open({ env, cwd, log, flushMs: 3_600_000 })
const handle = await startGateway({
  port: Number(argv.port),
  bind: '127.0.0.1',
  version: 'bench',
  env,
  cwd,
  log,
  state,
})
state.startWatching()
process.stderr.write(`openclaw gateway listening on ${handle.url}\n`)
process.once('SIGTERM', async () => {
  await handle.close()
  state.close()
  process.exit(0)
})
