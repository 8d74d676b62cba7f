/**
 * The env source (D-ENV-01..03): reads the layered environment (process env, `.env` files,
 * `env.vars`). Unset, empty, whitespace-only and not-allowlisted are distinct errors that name
 * the variable; there is never a fallback to another source.
 */
import type { EnvSecretProviderConfig } from '../config/types.ts'
import { failure, type RefResult } from './snapshot.ts'
import { checkSecretValue } from './value-check.ts'

type Env = Readonly<Record<string, string | undefined>>

export function resolveEnvIds(
  alias: string,
  config: EnvSecretProviderConfig,
  ids: readonly string[],
  env: Env,
): Map<string, RefResult> {
  const out = new Map<string, RefResult>()
  const allow = config.allowlist ? new Set(config.allowlist) : undefined
  for (const id of ids) {
    if (allow && !allow.has(id)) {
      out.set(
        id,
        failure(
          'secret_ref_invalid',
          `environment variable ${id} is not in the allowlist of secret provider "${alias}"`,
        ),
      )
      continue
    }
    const raw = Object.hasOwn(env, id) ? env[id] : undefined
    if (raw === undefined) {
      out.set(id, failure('secret_ref_unresolved', `environment variable ${id} is not set`))
      continue
    }
    const checked = checkSecretValue(raw, `environment variable ${id}`)
    out.set(id, checked.ok ? checked : failure('secret_ref_unresolved', checked.message))
  }
  return out
}
