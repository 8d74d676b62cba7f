/**
 * Resolves the SecretRefs in openclaw.json itself (provider `apiKey` / `headers`, gateway
 * client auth) in one pass. The gateway calls this at start and on reload; a failed ref is
 * reported by its config path, and nothing falls back to a literal or an env key.
 */
import type { OpenclawConfig } from '../config/types.ts'
import { configRefs } from './collect-refs.ts'
import { formatRef } from './ref.ts'
import { type ResolveOptions, resolveSecretRefs } from './resolver.ts'
import type { RefFailureCode, SecretsSnapshot } from './snapshot.ts'

export interface ConfigSecretError {
  /** Config path, e.g. `models.providers.anthropic.apiKey`. */
  path: string
  /** `source:provider:id` of the ref (coordinates, never the value). */
  ref: string
  code: RefFailureCode
  message: string
}

export interface ConfigSecrets {
  /** Config path -> resolved value, for every ref that resolved. */
  values: ReadonlyMap<string, string>
  errors: ConfigSecretError[]
  snapshot: SecretsSnapshot
}

export async function resolveConfigSecrets(
  config: OpenclawConfig,
  env: Readonly<Record<string, string | undefined>>,
  opts: Omit<ResolveOptions, 'config' | 'env'> = {},
): Promise<ConfigSecrets> {
  const entries = configRefs(config, { gateway: true })
  const snapshot = await resolveSecretRefs(
    entries.map((e) => e.ref),
    { ...opts, config, env },
  )
  const values = new Map<string, string>()
  const errors: ConfigSecretError[] = []
  for (const { ref, use } of entries) {
    if (use.kind !== 'config') continue
    const r = snapshot.result(ref)
    if (r?.ok) values.set(use.path, r.value)
    else if (r) errors.push({ path: use.path, ref: formatRef(ref), code: r.code, message: r.message })
  }
  return { values, errors, snapshot }
}
