/**
 * `openclaw gateway [--port <n>] [--bind <host>] [--tls-cert <f> --tls-key <f>]`: runs in the foreground until SIGINT/SIGTERM.
 * Config, env and stores are validated at start, so a broken setup fails here, not on the
 * first request. Logs go to stderr, never a secret.
 */

import { EXIT, OpenclawError } from '../../errors.ts'
import { DEFAULT_BIND, DEFAULT_PORT, parsePort } from '../../gateway/bind-policy.ts'
import { GatewayState } from '../../gateway/gateway-state.ts'
import { lazyRequire } from '../../util/lazy-require.ts'
import { yieldToLoop } from '../../util/yield-to-loop.ts'
import { type CommandContext, err } from '../context.ts'
import { stringOpt } from '../parse-args.ts'
import { VERSION } from '../version.ts'

const SERVER_MODULES: ReadonlyArray<() => Promise<unknown>> = [
  async () => lazyRequire('node:http'),
  async () => lazyRequire('node:https'),
  () => import('../../translate/index.ts'),
  () => import('../../gateway/handle-chat.ts'),
]

export async function run(ctx: CommandContext): Promise<number> {
  // A long-lived daemon's lines need their time (a journal adds its own, a plain log file does not).
  const log = (level: string, message: string) =>
    err(ctx, `[gateway] ${new Date().toISOString()} ${level}: ${message}`)
  // Start-up is a series of synchronous phases (this command's modules, config and env, the
  // server's modules, the default store): a turn of the event loop between them keeps any one
  // block short.
  await yieldToLoop()
  const state = GatewayState.open({ env: ctx.env, cwd: ctx.cwd, log })
  const cfg = state.config.gateway ?? {}
  let port: number
  try {
    port =
      parsePort(stringOpt(ctx.parsed, 'port'), '--port') ??
      parsePort(ctx.env.OPENCLAW_GATEWAY_PORT, 'OPENCLAW_GATEWAY_PORT') ??
      parsePort(cfg.port, 'gateway.port') ??
      DEFAULT_PORT
  } catch (e) {
    state.close()
    throw new OpenclawError('usage', (e as Error).message)
  }
  const bind = stringOpt(ctx.parsed, 'bind') ?? cfg.bind ?? DEFAULT_BIND
  // A non-loopback bind without client auth is refused by the auth setup in startGateway.
  let handle: Awaited<ReturnType<typeof import('../../gateway/server.ts').startGateway>>
  try {
    // Loaded after the config is validated, piece by piece with a turn of the event loop in
    // between: the server's module graph (node:http, node:https with TLS, our request path) is
    // the largest synchronous work of a start, and loaded at once it blocked the loop for its sum.
    for (const load of SERVER_MODULES) {
      await yieldToLoop()
      await load()
    }
    const { startGateway } = await import('../../gateway/server.ts')
    await yieldToLoop()
    const tlsCert = stringOpt(ctx.parsed, 'tls-cert')
    const tlsKey = stringOpt(ctx.parsed, 'tls-key')
    const tls = tlsCert !== undefined || tlsKey !== undefined ? { cert: tlsCert, key: tlsKey } : undefined
    handle = await startGateway({
      port,
      bind,
      version: VERSION,
      env: ctx.env,
      cwd: ctx.cwd,
      log,
      state,
      ...(tls ? { tls } : {}),
    })
  } catch (e) {
    state.close()
    if (OpenclawError.isInstance(e)) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw new OpenclawError('usage', `Cannot listen on ${bind}:${port}: ${code ?? (e as Error).message}`, {
      hint: code === 'EADDRINUSE' ? 'Another process uses that port; pick one with --port.' : undefined,
    })
  }
  state.startWatching()
  err(ctx, `openclaw gateway listening on ${handle.url}`)
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    void ctx.interrupted.then(resolve)
  })
  await stop
  await handle.close()
  state.close()
  err(ctx, 'openclaw gateway stopped')
  return EXIT.ok
}
