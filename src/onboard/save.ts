/**
 * Persists a verified credential the way onboarding was asked to: in the credential store
 * (plaintext or as an env SecretRef), or as `NAME=value` in `<state>/.env` for a daemon
 * (seed "method A"). Records `auth.profiles` when a profile is stored (store first, see
 * save-profile.ts) and sets the default model only when none is configured.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import { saveProfileThenConfig } from '../auth/save-profile.ts'
import type { Credential } from '../auth/types.ts'
import { objectAt } from '../config/object-at.ts'
import { updateConfig } from '../config/write.ts'
import { setDefaultModel } from '../oauth/profile-config.ts'
import type { AgentRuntime } from '../runtime/agent-runtime.ts'
import { upsertDotenvVar } from './dotenv-write.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface SavePlan {
  provider: string
  kind: 'api_key' | 'token'
  secret: string
  profileId: string
  expires?: number
  secretInputMode: 'plaintext' | 'ref'
  keyStorage: 'store' | 'dotenv'
  envVar: string
  recommendedModel?: string
}

export interface SaveResult {
  profileId?: string
  storePath?: string
  envFile?: string
  envVar?: string
  defaultModel: { model: string; action: 'kept' | 'set' } | undefined
  notes: string[]
}

export function saveOnboarding(runtime: AgentRuntime, env: Env, plan: SavePlan): SaveResult {
  const notes: string[] = []
  const out: SaveResult = { defaultModel: undefined, notes }
  if (plan.keyStorage === 'dotenv') {
    const { replaced } = upsertDotenvVar(runtime.paths.envFilePath, plan.envVar, plan.secret)
    out.envFile = runtime.paths.envFilePath
    out.envVar = plan.envVar
    if (replaced) notes.push(`replaced the previous ${plan.envVar} in ${runtime.paths.envFilePath}`)
  }
  let credential: Credential | undefined
  const ref = { source: 'env' as const, provider: 'default', id: plan.envVar }
  if (plan.secretInputMode === 'ref') {
    credential =
      plan.kind === 'api_key'
        ? { type: 'api_key', provider: plan.provider, keyRef: ref }
        : {
            type: 'token',
            provider: plan.provider,
            tokenRef: ref,
            ...(plan.expires ? { expires: plan.expires } : {}),
          }
  } else if (plan.keyStorage === 'store') {
    credential =
      plan.kind === 'api_key'
        ? { type: 'api_key', provider: plan.provider, key: plan.secret }
        : {
            type: 'token',
            provider: plan.provider,
            token: plan.secret,
            ...(plan.expires ? { expires: plan.expires } : {}),
          }
  }
  let model: SaveResult['defaultModel']
  const writeConfig = () =>
    updateConfig(runtime.paths.configPath, env, (raw) => {
      if (credential) {
        const profiles = objectAt(objectAt(raw, 'auth'), 'profiles')
        profiles[plan.profileId] = { provider: plan.provider, mode: plan.kind }
      }
      if (plan.recommendedModel) {
        const set = setDefaultModel(raw, plan.recommendedModel, false)
        model = {
          model: set ? plan.recommendedModel : (currentPrimary(raw) ?? plan.recommendedModel),
          action: set ? 'set' : 'kept',
        }
      }
    })
  if (credential) {
    const store = runtime.writableStore()
    const stored = credential
    saveProfileThenConfig(
      store,
      plan.profileId,
      () => store.upsertProfile(plan.profileId, stored),
      writeConfig,
    )
    out.profileId = plan.profileId
    out.storePath = store.path
  } else {
    writeConfig()
    // An env key is only used when the provider has no stored profile (DECISIONS 4).
    const shadowing = runtime
      .view()
      .profiles.filter((p) => normalizeProviderId(p.credential.provider) === plan.provider)
      .map((p) => p.id)
    if (shadowing.length) {
      notes.push(
        `stored ${plan.provider} profiles (${shadowing.join(', ')}) take precedence over ${plan.envVar}; remove them with: openclaw models auth logout <id>`,
      )
    }
  }
  out.defaultModel = model
  return out
}

function currentPrimary(raw: Record<string, unknown>): string | undefined {
  const m = (
    (raw.agents as Record<string, unknown> | undefined)?.defaults as Record<string, unknown> | undefined
  )?.model
  if (typeof m === 'string') return m
  const p = (m as { primary?: unknown } | undefined)?.primary
  return typeof p === 'string' ? p : undefined
}
