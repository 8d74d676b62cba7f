/**
 * One probe request: a minimal "Reply with OK." turn sent through the gateway's own upstream
 * code (attemptUpstream: same body building, credential headers and classification), cut at
 * the probe timeout no matter what the upstream does. Never writes routing state: a probe
 * must not put a profile into cooldown or count as a use.
 */
import type { Candidate } from '../auth/resolve.ts'
import { readBody } from '../gateway/upstream.ts'
import { attemptUpstream, type RequestContext } from '../gateway/upstream-attempt.ts'
import type { ProviderEndpoint } from '../providers/registry.ts'
import { redact } from '../util/redact.ts'
import { statusForFailure } from './status-bucket.ts'
import type { ProbeStatus } from './types.ts'

export const PROBE_PROMPT = 'Reply with OK.'

export interface ProbeCall {
  endpoint: ProviderEndpoint
  model: string
  candidate: Candidate
  timeoutMs: number
  maxTokens: number
  now: () => number
}

export interface ProbeOutcome {
  status: ProbeStatus
  error?: string
  latencyMs: number
}

export async function probeOnce(call: ProbeCall): Promise<ProbeOutcome> {
  const controller = new AbortController()
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort()
      resolve('timeout')
    }, call.timeoutMs)
  })
  const work = send(call, controller.signal).catch(
    (err: unknown): Omit<ProbeOutcome, 'latencyMs'> => ({
      status: 'unknown',
      error: err instanceof Error ? err.message : String(err),
    }),
  )
  try {
    const r = await Promise.race([work, timedOut])
    if (r === 'timeout') {
      return {
        status: 'timeout',
        error: `No answer within ${call.timeoutMs} ms (probe timeout).`,
        latencyMs: elapsed(),
      }
    }
    const secrets = call.candidate.secret === undefined ? [] : [call.candidate.secret]
    return { ...r, ...(r.error ? { error: redact(r.error, secrets) } : {}), latencyMs: elapsed() }
  } finally {
    clearTimeout(timer)
  }
}

async function send(call: ProbeCall, signal: AbortSignal): Promise<Omit<ProbeOutcome, 'latencyMs'>> {
  // Anthropic-shaped inbound: passthrough for Anthropic, and for every other API the gateway's
  // own translation (which knows e.g. that OpenAI wants max_completion_tokens).
  const ctx: RequestContext = {
    inbound: 'anthropic',
    body: {
      model: call.model,
      max_tokens: call.maxTokens,
      stream: false,
      messages: [{ role: 'user', content: PROBE_PROMPT }],
    },
    stream: false,
    clientHeaders: {},
    signal,
    now: call.now,
  }
  // The endpoint's idle timeout must not outlast the probe's own deadline.
  const endpoint = { ...call.endpoint, timeoutMs: Math.min(call.endpoint.timeoutMs, call.timeoutMs) }
  const outcome = await attemptUpstream(ctx, endpoint, call.model, call.candidate)
  if (!outcome.ok) {
    const cls = outcome.classification
    const status = outcome.status !== undefined ? `HTTP ${outcome.status}: ` : ''
    const detail = cls.detail.startsWith('HTTP ') ? cls.detail : `${status}${cls.detail}`
    return { status: statusForFailure(cls.reason), error: detail }
  }
  const text = await readBody(outcome.value.up.body, 1024 * 1024)
  try {
    JSON.parse(text)
  } catch {
    return { status: 'format', error: 'The provider answered 2xx with a body that is not JSON.' }
  }
  return { status: 'ok' }
}
