/**
 * Client side of the load rows (H-01..H-04): `concurrency` lanes, each sending one streaming
 * request after another (alternately OpenAI and Anthropic format) until the time budget or the
 * request cap runs out, whichever comes first. Every request carries `<tag> <n>` as its prompt
 * so the test can find it among the mock provider's recorded requests. A stream only counts as
 * a success when it ended properly and carried the mock's text for that very prompt.
 */
import { sseJson } from '../../support/mock-provider/index.ts'
import { now } from './gateway-process.ts'

export type StreamKind = 'success' | 'refused' | 'aborted' | 'bad'

export interface StreamOutcome {
  n: number
  api: 'openai' | 'anthropic'
  /** Which token the lane presented (a label, never the value). */
  tokenLabel: string
  status: number
  startedAt: number
  endedAt: number
  kind: StreamKind
  /** For 'refused' and 'bad': the error type/kind and a bounded piece of the body. */
  why?: string
  body?: string
}

export interface StreamLoadOptions {
  url: () => string
  /** The gateway token to present on the next request, with a label for reports. */
  token: () => { value: string; label: string }
  model: string
  tag: string
  concurrency: number
  durationMs: number
  maxRequests: number
  /** Aborts every request in flight (e.g. the gateway was killed); they end as 'aborted'. */
  signal?: AbortSignal
  /** Per-request deadline; a stream that exceeds it is 'bad' (a hang). */
  requestTimeoutMs?: number
}

export interface StreamLoad {
  outcomes: StreamOutcome[]
  done: Promise<StreamOutcome[]>
  /** Ends the run early: lanes finish their current request and stop. */
  stop(): void
}

export function startStreamLoad(o: StreamLoadOptions): StreamLoad {
  const outcomes: StreamOutcome[] = []
  const deadline = now() + o.durationMs
  let next = 0
  let stopped = false
  const lane = async () => {
    while (!stopped && !o.signal?.aborted && next < o.maxRequests && now() < deadline) {
      outcomes.push(await oneStream(o, next++))
    }
  }
  const done = Promise.all(Array.from({ length: o.concurrency }, lane)).then(() => outcomes)
  return {
    outcomes,
    done,
    stop() {
      stopped = true
    },
  }
}

export async function oneStream(o: StreamLoadOptions, n: number): Promise<StreamOutcome> {
  const api = n % 2 === 0 ? 'openai' : 'anthropic'
  const token = o.token()
  const prompt = `${o.tag} ${n}`
  const messages = [{ role: 'user', content: prompt }]
  const req: { path: string; headers: Record<string, string>; body: unknown } =
    api === 'openai'
      ? { path: '/v1/chat/completions', headers: {}, body: { model: o.model, messages, stream: true } }
      : {
          path: '/v1/messages',
          headers: { 'anthropic-version': '2023-06-01' },
          body: { model: o.model, max_tokens: 32, messages, stream: true },
        }
  const startedAt = now()
  const base = { n, api, tokenLabel: token.label, startedAt } as const
  const timeout = AbortSignal.timeout(o.requestTimeoutMs ?? 30_000)
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout
  let status = 0
  let text = ''
  try {
    const res = await fetch(`${o.url()}${req.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.value}`, ...req.headers },
      body: JSON.stringify(req.body),
      signal,
    })
    status = res.status
    text = await res.text()
  } catch (err) {
    const aborted = o.signal?.aborted === true
    return {
      ...base,
      status,
      endedAt: now(),
      kind: aborted ? 'aborted' : 'bad',
      why: aborted ? 'aborted by the test' : `no complete response: ${(err as Error).message}`,
    }
  }
  const endedAt = now()
  if (status === 200) {
    const finished = api === 'openai' ? text.includes('data: [DONE]') : text.includes('event: message_stop')
    // The mock echoes the prompt; a stream for another request, or a cut one, is not a success.
    const echoed = streamedText(text).includes(prompt)
    if (finished && echoed) return { ...base, status, endedAt, kind: 'success' }
    return {
      ...base,
      status,
      endedAt,
      kind: 'bad',
      why: finished ? 'wrong content' : 'stream did not finish',
      body: text.slice(0, 300),
    }
  }
  let why = 'error body is not JSON'
  try {
    const b = JSON.parse(text) as {
      error?: { type?: string; message?: string }
      openclaw?: { kind?: string }
    }
    why = `${b.openclaw?.kind ?? b.error?.type ?? '?'}: ${b.error?.message ?? ''}`
  } catch {}
  return { ...base, status, endedAt, kind: 'refused', why, body: text.slice(0, 500) }
}

/** The text deltas of an OpenAI or Anthropic stream, concatenated. */
export function streamedText(sse: string): string {
  let out = ''
  try {
    for (const ev of sseJson(sse)) {
      out += ev.choices?.[0]?.delta?.content ?? ev.delta?.text ?? ''
    }
  } catch {
    return ''
  }
  return out
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

/** Counts by a key, for compact reports. */
export function tally<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1
  return out
}
