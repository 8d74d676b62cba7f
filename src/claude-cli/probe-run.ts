/**
 * `models status --probe` for a model routed to the claude-cli runtime: one `claude -p` run
 * with the probe prompt and exactly the credential the gateway would hand it (an OpenClaw
 * credential, or none so `claude` uses its own login after the account check). An HTTP probe
 * of the Anthropic API would test a path the gateway never takes for this model.
 */
import { classifyFailure } from '../auth/classify.ts'
import type { Candidate } from '../auth/resolve.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { statusForFailure } from '../probe/status-bucket.ts'
import type { ProbeStatus } from '../probe/types.ts'
import { createClaudeCliBackend } from './backend.ts'
import type { ClaudeCredential } from './spawn-print.ts'

type Env = Readonly<Record<string, string | undefined>>

export const CLI_PROBE_PROMPT = 'Reply with OK.'

export interface CliProbeOutcome {
  status: ProbeStatus
  error?: string
  latencyMs: number
}

export function credentialForCandidate(c: Candidate | undefined): ClaudeCredential | undefined {
  if (!c) return { kind: 'cli' }
  if (c.secret === undefined) return undefined
  return c.kind === 'profile' && c.mode !== 'api_key'
    ? { kind: 'token', secret: c.secret }
    : { kind: 'api_key', secret: c.secret }
}

/** Probe status of a finished `claude -p`: exit 0 is ok; otherwise its stderr is classified. */
export function cliProbeStatus(done: {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  timedOut: boolean
}): { status: ProbeStatus; error?: string } {
  if (done.timedOut) return { status: 'timeout', error: 'claude -p did not answer within the probe timeout.' }
  if (done.code === 0) return { status: 'ok' }
  const tail = done.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300)
  const why = done.signal ? `was killed by ${done.signal}` : `exited with code ${done.code}`
  const status = tail
    ? statusForFailure(classifyFailure({ message: tail, provider: 'anthropic' }).reason)
    : 'unknown'
  return { status, error: `claude -p ${why}${tail ? `: ${tail}` : ''}` }
}

export async function probeViaClaudeCli(opts: {
  config: OpenclawConfig
  env: Env
  model: string
  candidate: Candidate | undefined
  timeoutMs: number
}): Promise<CliProbeOutcome> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const credential = credentialForCandidate(opts.candidate)
  if (!credential) return { status: 'unknown', error: 'No usable secret.', latencyMs: 0 }
  try {
    // ttlMs 0: a probe reads Claude Code's login as it is now, not as cached.
    const backend = createClaudeCliBackend({ config: opts.config, env: opts.env, ttlMs: 0 })
    const run = backend.start({
      prompt: CLI_PROBE_PROMPT,
      model: opts.model,
      credential,
      timeoutMs: opts.timeoutMs,
    })
    run.stdout.resume()
    const done = await run.done
    return { ...cliProbeStatus(done), latencyMs: elapsed() }
  } catch (err) {
    if (!OpenclawError.isInstance(err)) throw err
    // Refused before spawning (not logged in, another account, no claude): nothing was sent.
    const status: ProbeStatus =
      err.code === 'no_credentials' || err.code === 'invalid_credential' ? 'auth' : 'unknown'
    return {
      status,
      error: `${err.message}${err.hint ? `\n↳ fix: ${err.hint}` : ''}`,
      latencyMs: elapsed(),
    }
  }
}
