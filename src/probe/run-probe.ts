/**
 * Runs `models status --probe`: selects targets (pure), sends the runnable ones with bounded
 * concurrency, and assembles the report for `auth.probes`. Read-only towards the store: it
 * never records cooldowns, failures or last-used, so probing is safe while a gateway runs.
 */
import type { AuthView, Candidate } from '../auth/resolve.ts'
import type { SecretRef } from '../auth/types.ts'
import { resolveProviderEndpoint } from '../providers/registry.ts'
import { runPool } from './pool.ts'
import { type ProbeOutcome, probeOnce } from './run-one.ts'
import { selectProbeTargets } from './targets.ts'
import type { ProbeOptions, ProbeReport, ProbeResult, ProbeTarget } from './types.ts'

export const REFRESH_PENDING = 'expired OAuth access token; refresh support pending'

export interface ProbeDeps {
  /** Wall clock (epoch ms) for startedAt/finishedAt and upstream header parsing. */
  now: () => number
  /** Called after each finished target (TTY progress line). */
  onProgress?: (finished: number, total: number, label: string) => void
  /**
   * Refreshes an expired OAuth profile and returns the candidate to send, or a reason it
   * could not. Absent: such profiles are reported as `auth` without a request.
   */
  refresh?: (profileId: string) => Promise<{ candidate: Candidate } | { error: string }>
  /**
   * Runs one `claude -p` probe for a model routed to the claude-cli runtime, with the selected
   * credential (undefined: claude's own login). Absent: such targets are reported unprobed.
   */
  claudeCli?: (req: {
    model: string
    candidate: Candidate | undefined
    timeoutMs: number
  }) => Promise<ProbeOutcome>
}

export async function runProbe(view: AuthView, opts: ProbeOptions, deps: ProbeDeps): Promise<ProbeReport> {
  const startedAt = deps.now()
  const t0 = performance.now()
  const targets = selectProbeTargets(view, opts, startedAt)
  let finished = 0
  const results = await runPool(targets, opts.concurrency, async (t) => {
    const r = await runTarget(view, t, opts, deps)
    finished += 1
    deps.onProgress?.(finished, targets.length, t.label)
    return r
  })
  const finishedAt = deps.now()
  return {
    startedAt,
    finishedAt,
    durationMs: Math.round(performance.now() - t0),
    totalTargets: targets.length,
    options: opts,
    results,
  }
}

async function runTarget(
  view: AuthView,
  t: ProbeTarget,
  opts: ProbeOptions,
  deps: ProbeDeps,
): Promise<ProbeResult> {
  if (t.kind === 'done') return t.result
  // Only the printable fields: a run target also carries the candidate (with its secret).
  const base = {
    provider: t.provider,
    model: t.model,
    profileId: t.profileId,
    label: t.label,
    source: t.source,
    mode: t.mode,
  }
  let candidate: Candidate | undefined
  if (t.kind === 'cli') {
    candidate = undefined
  } else if (t.kind === 'refresh') {
    const refreshed = deps.refresh ? await deps.refresh(t.profileId) : { error: REFRESH_PENDING }
    if ('error' in refreshed) return { ...base, status: 'auth', error: refreshed.error, latencyMs: null }
    candidate = refreshed.candidate
  } else {
    candidate = t.candidate
  }
  const model = t.model
  if (model === null) return { ...base, status: 'no_model', reasonCode: 'no_model', latencyMs: null }
  if (t.via === 'claude-cli') {
    if (!deps.claudeCli)
      return {
        ...base,
        status: 'unknown',
        error: 'claude-cli probes are not available here.',
        latencyMs: null,
      }
    const outcome = await deps.claudeCli({
      model: model.slice(t.provider.length + 1),
      candidate,
      timeoutMs: opts.timeoutMs,
    })
    return {
      ...base,
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error } : {}),
      latencyMs: outcome.latencyMs,
    }
  }
  if (!candidate) return { ...base, status: 'unknown', error: 'No usable secret.', latencyMs: null }
  const endpoint = resolveProviderEndpoint(t.provider, view.config, (v) =>
    typeof v === 'string' ? v : view.refValue?.(v as SecretRef),
  )
  if (!endpoint) {
    return {
      ...base,
      status: 'unknown',
      error: `Unknown provider "${t.provider}": not built in and not configured under models.providers.`,
      latencyMs: null,
    }
  }
  if (endpoint.unresolvedHeaders.length > 0) {
    // The gateway refuses to call a provider without its configured headers; so does the probe.
    return {
      ...base,
      status: 'unknown',
      reasonCode: 'unresolved_ref',
      error: `models.providers.${t.provider}.headers.${endpoint.unresolvedHeaders[0]} has no usable value (an unresolved SecretRef or characters HTTP headers cannot carry).`,
      latencyMs: null,
    }
  }
  const outcome = await probeOnce({
    endpoint,
    model: model.slice(t.provider.length + 1),
    candidate,
    timeoutMs: opts.timeoutMs,
    maxTokens: opts.maxTokens,
    now: deps.now,
  })
  return {
    ...base,
    status: outcome.status,
    ...(outcome.error ? { error: outcome.error } : {}),
    latencyMs: outcome.latencyMs,
  }
}
