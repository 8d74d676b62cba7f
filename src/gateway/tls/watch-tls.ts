/**
 * The gateway's TLS at start (flags or gateway.tls), and the watch that installs renewed
 * certificates into the running server: every `pollMs` (default 5 s) and after each config
 * reload, through TlsReloader.
 */
import type https from 'node:https'
import type { GatewayState, Logger } from '../gateway-state.ts'
import { loadServerTls, type ServerTls } from './server-tls.ts'
import { TlsReloader } from './tls-reloader.ts'
import { type TlsFlags, tlsSettings } from './tls-settings.ts'

/** TLS from flags or gateway.tls at start; later rotations go through TlsReloader. */
export function startupTls(state: GatewayState, flags: TlsFlags, log: Logger): ServerTls | undefined {
  const settings = tlsSettings(state.config.gateway?.tls, flags)
  if (!settings) return undefined
  const loaded = loadServerTls(settings, state.clock())
  for (const w of loaded.warnings) log('warn', `tls: ${w}`)
  return loaded
}

/** Starts the watch; returns the function that stops it. */
export function watchTls(opts: {
  server: https.Server
  current: ServerTls
  flags: TlsFlags
  state: GatewayState
  log: Logger
  pollMs?: number
}): () => void {
  const { state, log } = opts
  const reloader = new TlsReloader({
    current: opts.current,
    flags: opts.flags,
    apply: (o) => opts.server.setSecureContext(o),
    log,
  })
  const check = () => {
    try {
      reloader.check(state.config.gateway?.tls, state.clock())
    } catch (err) {
      log('error', `tls: certificate check failed: ${(err as Error).message}`)
    }
  }
  const timer = setInterval(check, opts.pollMs ?? 5000)
  timer.unref()
  state.on('reloaded', check)
  return () => {
    clearInterval(timer)
    state.off('reloaded', check)
  }
}
