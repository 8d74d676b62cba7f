/**
 * Glue between `models status` and the probe runner: the agent's own view (so `--agent X`
 * probes X's store, OpenClaw #67235), a TTY progress line, and OAuth refresh through the same
 * refresher the gateway uses (an expired but refreshable profile is refreshed, then probed).
 */
import type { Candidate } from '../auth/resolve.ts'
import type { CommandContext } from '../cli/context.ts'
import type { OAuthRefresher } from '../oauth/index.ts'
import type { AgentRuntime } from '../runtime/agent-runtime.ts'
import { createProgress } from './progress.ts'
import { type ProbeDeps, runProbe } from './run-probe.ts'
import type { ProbeOptions, ProbeReport } from './types.ts'

export async function runStatusProbe(
  ctx: CommandContext,
  runtime: AgentRuntime,
  opts: ProbeOptions,
): Promise<ProbeReport> {
  const progress = createProgress(ctx.io.stderr)
  const view = runtime.view()
  let refresher: OAuthRefresher | undefined
  const refresh: ProbeDeps['refresh'] = async (profileId) => {
    // Loaded only when a profile needs it: most probes never touch OAuth.
    const { createOAuthRefresher } = await import('../oauth/index.ts')
    refresher ??= createOAuthRefresher({
      stateDir: runtime.paths.stateDir,
      config: runtime.config,
      clock: ctx.clock,
    })
    const owner = view.owners.get(profileId) ?? runtime.paths.agentId
    const outcome = await withTimeout(
      refresher.ensureFresh(runtime.writableStore(owner), profileId, { agentId: runtime.paths.agentId }),
      opts.timeoutMs,
    )
    if (outcome === 'timeout') return { error: `OAuth refresh did not finish within ${opts.timeoutMs} ms.` }
    if ('error' in outcome) return { error: `OAuth refresh failed: ${outcome.error.message}` }
    const candidate: Candidate = {
      kind: 'profile',
      profileId,
      mode: 'oauth',
      source: `profile:${profileId}`,
      secret: outcome.access,
      available: true,
    }
    return { candidate }
  }
  try {
    return await runProbe(view, opts, {
      now: ctx.clock,
      onProgress: (n, total, label) => progress.update(n, total, label),
      refresh,
      claudeCli: async (req) => {
        const { probeViaClaudeCli } = await import('../claude-cli/probe-run.ts')
        return probeViaClaudeCli({ config: runtime.config, env: runtime.env.values, ...req })
      },
    })
  } finally {
    progress.done()
    refresher?.close()
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms))),
    ])
  } finally {
    clearTimeout(timer)
  }
}
