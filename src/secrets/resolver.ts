/**
 * One resolution pass (auth-spec 2.7): validate every ref, group them by provider, ask each
 * provider once (one file read, one exec spawn per provider), at most a few providers at a
 * time, and return a snapshot. A ref that fails never falls back to anything; it is simply
 * recorded as failed, with a message that names the ref's coordinates and never a value.
 */
import type { SecretRef } from '../auth/types.ts'
import type { OpenclawConfig, SecretProviderConfig } from '../config/types.ts'
import { resolveEnvIds } from './env-provider.ts'
import { resolveExecIds } from './exec-provider.ts'
import { resolveFileIds } from './file-provider.ts'
import { Limiter, sharedExecLimiter } from './limiter.ts'
import { lookupProvider } from './provider-config.ts'
import { ALIAS_RE, isSource, RULES, refIdViolation, refKey } from './ref.ts'
import { failure, type RefResult, SecretsSnapshot } from './snapshot.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface ResolveOptions {
  config: OpenclawConfig
  /** The layered environment (env refs and exec `passEnv` read it). */
  env: Env
  /** Bounds concurrent exec spawns; defaults to the process-wide limiter. */
  execLimiter?: Limiter
  /** Providers asked in parallel within this pass. */
  providerConcurrency?: number
  now?: number
}

interface Group {
  alias: string
  config: SecretProviderConfig
  ids: string[]
}

export async function resolveSecretRefs(
  refs: Iterable<SecretRef>,
  opts: ResolveOptions,
): Promise<SecretsSnapshot> {
  const unique = new Map<string, SecretRef>()
  for (const r of refs) unique.set(refKey(r), r)
  const results = new Map<string, RefResult>()
  const groups = new Map<string, Group>()
  for (const [key, ref] of unique) {
    const bad = grammarViolation(ref)
    if (bad) {
      results.set(key, failure('secret_ref_invalid', bad))
      continue
    }
    const found = lookupProvider(opts.config, ref)
    if (!found.ok) {
      results.set(key, failure('secret_ref_invalid', found.message))
      continue
    }
    const gk = `${ref.source}\u0000${found.alias}`
    let g = groups.get(gk)
    if (!g) {
      g = { alias: found.alias, config: found.config, ids: [] }
      groups.set(gk, g)
    }
    if (!g.ids.includes(ref.id)) g.ids.push(ref.id)
  }

  const limit = new Limiter(opts.providerConcurrency ?? 4)
  const answered = await Promise.all(
    [...groups.values()].map((g) => limit.run(async () => ({ g, byId: await askProvider(g, opts) }))),
  )
  const byGroup = new Map(answered.map(({ g, byId }) => [`${g.config.source}\u0000${g.alias}`, byId]))
  for (const [key, ref] of unique) {
    if (results.has(key)) continue
    const r = byGroup.get(`${ref.source}\u0000${ref.provider}`)?.get(ref.id)
    results.set(key, r ?? failure('secret_ref_unresolved', 'no answer from the secret provider'))
  }
  return new SecretsSnapshot(
    [...unique].map(([key, ref]) => [ref, results.get(key)!] as [SecretRef, RefResult]),
    opts.now ?? Date.now(),
  )
}

async function askProvider(g: Group, opts: ResolveOptions): Promise<Map<string, RefResult>> {
  try {
    switch (g.config.source) {
      case 'env':
        return resolveEnvIds(g.alias, g.config, g.ids, opts.env)
      case 'file':
        return await resolveFileIds(g.alias, g.config, g.ids)
      case 'exec':
        return await resolveExecIds(g.alias, g.config, g.ids, opts.env, opts.execLimiter ?? sharedExecLimiter)
    }
  } catch (err) {
    // A bug or an unexpected fs error must fail these refs, not the whole activation; the
    // error code only (a message could quote data).
    const code = (err as NodeJS.ErrnoException)?.code ?? 'internal error'
    const f = failure('secret_ref_unresolved', `${g.config.source} provider "${g.alias}" failed (${code})`)
    return new Map(g.ids.map((id) => [id, f]))
  }
}

function grammarViolation(ref: SecretRef): string | undefined {
  if (!isSource(ref.source)) return 'unknown ref source; expected env, file or exec'
  if (typeof ref.provider !== 'string' || !ALIAS_RE.test(ref.provider)) return RULES.alias
  return refIdViolation(ref.source, ref.id)
}
