/**
 * The exec source: policy check, minimal environment, one spawn per provider per resolution
 * pass (ids batched into the stdin request, never argv: D-EXEC-13), bounded by the shared
 * limiter. Every failure names the provider alias and the fault only.
 */
import type { ExecSecretProviderConfig } from '../config/types.ts'
import { execCommandViolation } from './exec-command-check.ts'
import { buildRequest, parseResponse } from './exec-protocol.ts'
import { runExec } from './exec-runner.ts'
import type { Limiter } from './limiter.ts'
import { execSettings } from './provider-config.ts'
import { failure, type RefResult } from './snapshot.ts'

type Env = Readonly<Record<string, string | undefined>>

/** OpenClaw's limits: at most 512 ids and 256 KiB of request per spawn. */
export const MAX_IDS_PER_REQUEST = 512
export const MAX_REQUEST_BYTES = 256 * 1024

export async function resolveExecIds(
  alias: string,
  config: ExecSecretProviderConfig,
  ids: readonly string[],
  env: Env,
  limiter: Limiter,
): Promise<Map<string, RefResult>> {
  const s = execSettings(config)
  const label = `exec provider "${alias}"`
  const out = new Map<string, RefResult>()
  const violation = execCommandViolation(s.command, s.trustedDirs)
  if (violation) {
    const f = failure('secret_ref_invalid', `${label}: ${violation}`)
    for (const id of ids) out.set(id, f)
    return out
  }
  const childEnv = minimalEnv(s.passEnv, s.env, env)
  for (const chunk of chunks(alias, ids)) {
    const run = await limiter.run(() =>
      runExec({
        command: s.command,
        args: s.args,
        env: childEnv,
        input: buildRequest(alias, chunk),
        timeoutMs: s.timeoutMs,
        noOutputTimeoutMs: s.noOutputTimeoutMs,
        maxOutputBytes: s.maxOutputBytes,
      }),
    )
    let results: Map<string, RefResult> | string
    if (!run.ok) {
      results = run.message.startsWith('environment too large')
        ? `environment too large for provider "${alias}" (E2BIG; check passEnv/env sizes)`
        : run.message
    } else results = parseResponse(run.stdout, chunk)
    for (const id of chunk) {
      if (typeof results === 'string') out.set(id, failure('secret_ref_unresolved', `${label}: ${results}`))
      else {
        const r = results.get(id)!
        out.set(id, r.ok ? r : failure(r.code, `${label}: ${r.message}`))
      }
    }
  }
  return out
}

/** Empty by default: only `passEnv` names we have, then explicit `env` entries (R5). */
export function minimalEnv(
  passEnv: readonly string[],
  explicit: Readonly<Record<string, string>>,
  env: Env,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of passEnv) {
    const v = Object.hasOwn(env, name) ? env[name] : undefined
    if (v !== undefined) out[name] = v
  }
  for (const [k, v] of Object.entries(explicit)) out[k] = v
  return out
}

function* chunks(alias: string, ids: readonly string[]): Generator<string[]> {
  const base = buildRequest(alias, []).length
  let current: string[] = []
  let bytes = base
  for (const id of ids) {
    const size = JSON.stringify(id).length + 1
    if (current.length > 0 && (current.length >= MAX_IDS_PER_REQUEST || bytes + size > MAX_REQUEST_BYTES)) {
      yield current
      current = []
      bytes = base
    }
    current.push(id)
    bytes += size
  }
  if (current.length > 0) yield current
}
