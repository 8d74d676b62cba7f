/**
 * The config side of a login (DECISIONS 3): record `auth.profiles.<id> = { provider, mode,
 * email }` (routing metadata, never a secret), optionally set the default model, and for
 * `login --force` remove a provider's saved profiles from one agent.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { ProfileMode } from '../auth/types.ts'
import { scrubProfileFromConfig } from '../config/auth-config-edit.ts'
import { objectAt } from '../config/object-at.ts'
import { updateConfig } from '../config/write.ts'
import type { CredentialStore } from '../store/credential-store.ts'

type Env = Readonly<Record<string, string | undefined>>

export function recordProfile(
  configPath: string,
  env: Env,
  profileId: string,
  entry: { provider: string; mode: ProfileMode; email?: string },
  opts: { defaultModel?: string; replaceDefault?: boolean } = {},
): { defaultModelSet: boolean } {
  let defaultModelSet = false
  updateConfig(configPath, env, (raw) => {
    const profiles = objectAt(objectAt(raw, 'auth'), 'profiles')
    profiles[profileId] = {
      provider: entry.provider,
      mode: entry.mode,
      ...(entry.email ? { email: entry.email } : {}),
    }
    if (opts.defaultModel)
      defaultModelSet = setDefaultModel(raw, opts.defaultModel, opts.replaceDefault === true)
  })
  return { defaultModelSet }
}

/** Sets agents.defaults.model; an existing primary model is kept unless `replace` (auth-spec 3.5). */
export function setDefaultModel(raw: Record<string, unknown>, model: string, replace: boolean): boolean {
  const defaults = objectAt(objectAt(raw, 'agents'), 'defaults')
  const current = defaults.model
  const primary =
    typeof current === 'string' ? current : (current as { primary?: unknown } | undefined)?.primary
  if (typeof primary === 'string' && primary !== '' && !replace) return false
  if (current && typeof current === 'object' && !Array.isArray(current))
    (current as Record<string, unknown>).primary = model
  else defaults.model = model
  return true
}

/** `login --force`: every stored profile of `provider` in this agent's own store. */
export function removeProviderProfiles(
  store: CredentialStore,
  configPath: string,
  env: Env,
  provider: string,
): string[] {
  const ids = store
    .listProfiles()
    .filter((p) => normalizeProviderId(p.credential.provider) === provider)
    .map((p) => p.id)
  if (ids.length === 0) return []
  // Config first (as logout does): a failed config write leaves the credentials in place.
  updateConfig(configPath, env, (raw) => {
    for (const id of ids) scrubProfileFromConfig(raw, id)
  })
  store.batch(() => {
    for (const id of ids) store.deleteProfile(id)
  })
  return ids
}
