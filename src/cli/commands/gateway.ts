/**
 * `openclaw gateway [--port <n>] [--bind <host>]`: runs in the foreground until SIGINT/SIGTERM.
 */

import { EXIT, OpenclawError } from '../../errors.ts'
import { DEFAULT_BIND, DEFAULT_PORT, isLoopbackHost, parsePort } from '../../gateway/bind-policy.ts'
import { startGateway } from '../../gateway/server.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { type CommandContext, err } from '../context.ts'
import { stringOpt } from '../parse-args.ts'
import { VERSION } from '../version.ts'

export async function run(ctx: CommandContext): Promise<number> {
  // Validates config and env up front so a broken setup fails at start, not on first request.
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd })
  for (const line of runtime.diagnostics()) err(ctx, line)
  const cfg = runtime.config.gateway ?? {}
  runtime.close()
  let port: number
  try {
    port =
      parsePort(stringOpt(ctx.parsed, 'port'), '--port') ??
      parsePort(ctx.env.OPENCLAW_GATEWAY_PORT, 'OPENCLAW_GATEWAY_PORT') ??
      parsePort(cfg.port, 'gateway.port') ??
      DEFAULT_PORT
  } catch (e) {
    throw new OpenclawError('usage', (e as Error).message)
  }
  const bind = stringOpt(ctx.parsed, 'bind') ?? cfg.bind ?? DEFAULT_BIND
  if (!isLoopbackHost(bind)) {
    throw new OpenclawError(
      'usage',
      `Refusing to bind ${bind}: a non-loopback bind needs client auth (gateway.auth), which this build does not implement yet.`,
      {
        hint: 'Bind to 127.0.0.1 and put an authenticating reverse proxy in front, or wait for gateway auth support.',
      },
    )
  }
  let handle: Awaited<ReturnType<typeof startGateway>>
  try {
    handle = await startGateway({ port, bind, version: VERSION })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new OpenclawError('usage', `Cannot listen on ${bind}:${port}: ${code ?? (e as Error).message}`, {
      hint: code === 'EADDRINUSE' ? 'Another process uses that port; pick one with --port.' : undefined,
    })
  }
  err(ctx, `openclaw gateway listening on ${handle.url}`)
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    void ctx.interrupted.then(resolve)
  })
  await stop
  await handle.close()
  err(ctx, 'openclaw gateway stopped')
  return EXIT.ok
}
