/**
 * Control-plane methods (spec 6.6): auth status, runtime logout with `auth-revoked` aborts,
 * cooldown clearing, sessions, aborting a run, and a reload trigger for the CLI. Results
 * never contain a secret: ids, kinds, expiry, cooldowns and masked summaries only.
 */
import { type ClearTarget, parseClearTarget } from '../../auth/clear-target.ts'
import { formatRemaining } from '../../auth/health.ts'
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { lookupProviderKey } from '../../auth/resolve.ts'
import { buildStatusReport } from '../../auth/status-report.ts'
import { claudeCliStatusInputs } from '../../claude-cli/status-inputs.ts'
import { scrubProfileFromConfig } from '../../config/auth-config-edit.ts'
import { updateConfig } from '../../config/write.ts'
import { OpenclawError } from '../../errors.ts'
import { matchKeyTargets } from '../../runtime/key-targets.ts'
import type { GatewayState } from '../gateway-state.ts'
import type { RunRegistry } from '../runs.ts'
import { ControlError } from './protocol.ts'

export interface MethodDeps {
  state: GatewayState
  runs: RunRegistry
}

type Handler = (params: Record<string, unknown>, deps: MethodDeps) => unknown | Promise<unknown>

export const LOGOUT_NOTE =
  'Removed from this gateway only: the provider still accepts these credentials until you revoke or rotate them in its dashboard.'

function str(params: Record<string, unknown>, key: string, required: true): string
function str(params: Record<string, unknown>, key: string, required?: false): string | undefined
function str(params: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = params[key]
  if (v === undefined || v === null) {
    if (required) throw new ControlError('INVALID_REQUEST', `missing params.${key}`)
    return undefined
  }
  if (typeof v !== 'string' || v.length === 0)
    throw new ControlError('INVALID_REQUEST', `params.${key} must be a non-empty string`)
  return v
}

function agentOf(params: Record<string, unknown>, state: GatewayState) {
  try {
    return state.agent(str(params, 'agentId'))
  } catch (err) {
    throw new ControlError('INVALID_REQUEST', OpenclawError.isInstance(err) ? err.message : 'invalid agentId')
  }
}

const authStatus: Handler = (params, { state }) => {
  const agent = agentOf(params, state)
  const now = state.clock()
  const view = state.view(agent.agentId)
  const report = buildStatusReport(view, now, claudeCliStatusInputs(state.config, state.env, now))
  const lockedOrder = (provider: string) => view.orderOverrides[provider] !== undefined
  return {
    ts: now,
    agentId: agent.agentId,
    providers: report.auth.providers.map((p) => ({
      provider: p.provider,
      inUse: p.inUse,
      effective: p.effective,
      profileOrder: p.order.ids,
      profileOrderSource: p.order.source,
      profileOrderStored: lockedOrder(p.provider),
      excluded: p.order.excluded.map((e) => ({ profileId: e.profileId, reason: e.reason })),
      profiles: view.profiles
        .filter((x) => normalizeProviderId(x.credential.provider) === p.provider)
        .map((x) => {
          const health = report.auth.oauth.profiles.find((h) => h.profileId === x.id)
          const owner = view.owners.get(x.id)
          return {
            id: x.id,
            type: x.credential.type,
            source: owner === agent.agentId ? 'saved' : 'inherited',
            status: health?.status ?? (x.credential.type === 'api_key' ? 'static' : 'ok'),
            ...(health?.expiresAt !== undefined ? { expiresAt: health.expiresAt } : {}),
            logoutSupported: owner === agent.agentId,
            cooldowns: report.auth.unusableProfiles
              .filter((u) => u.profileId === x.id)
              .map((u) => ({
                kind: u.kind,
                reason: u.reason,
                model: u.model,
                until: u.until,
                remaining: formatRemaining(u.remainingMs),
              })),
          }
        }),
      ...(p.env ? { apiKey: { source: p.env.source, count: p.env.count } } : {}),
    })),
  }
}

const authLogout: Handler = (params, { state, runs }) => {
  const provider = normalizeProviderId(str(params, 'provider', true))
  try {
    validateProviderId(provider)
  } catch (err) {
    throw new ControlError('INVALID_REQUEST', (err as Error).message)
  }
  const agent = agentOf(params, state)
  const own = agent.store
    .listProfiles()
    .filter((p) => normalizeProviderId(p.credential.provider) === provider)
  const requested = params.profileIds
  let ids: string[]
  if (requested !== undefined) {
    if (!Array.isArray(requested) || requested.some((x) => typeof x !== 'string')) {
      throw new ControlError('INVALID_REQUEST', 'params.profileIds must be an array of profile ids')
    }
    const unknown = (requested as string[]).filter((id) => !own.some((p) => p.id === id))
    if (unknown.length)
      throw new ControlError(
        'INVALID_REQUEST',
        `unavailable auth profiles for ${provider} in agent ${agent.agentId}: ${unknown.join(', ')}`,
      )
    ids = requested as string[]
  } else {
    ids = own.map((p) => p.id)
  }
  try {
    if (ids.length) {
      updateConfig(state.configPath, state.env, (raw) => {
        for (const id of ids) scrubProfileFromConfig(raw, id)
      })
      agent.store.batch(() => {
        for (const id of ids) agent.store.deleteProfile(id)
      })
    }
  } catch (err) {
    throw new ControlError(
      'UNAVAILABLE',
      `failed to remove saved auth profiles for provider ${provider}: ${(err as Error).message}`,
    )
  }
  state.invalidateAll()
  // Only a whole-provider logout aborts runs: a targeted one lets in-flight runs fail over on
  // their next attempt. Runs of agents reading through the default agent are affected too.
  const aborted: string[] = []
  if (requested === undefined) {
    for (const r of runs.list()) {
      const affected = r.agentId === agent.agentId || agent.agentId === state.defaultAgentId
      if (affected && r.provider === provider && runs.abort(r.id, 'auth-revoked')) aborted.push(r.id)
    }
  }
  return {
    provider,
    agentId: agent.agentId,
    removedProfiles: ids,
    abortedRunIds: aborted,
    revokedAtProvider: false,
    note: LOGOUT_NOTE,
  }
}

const clearCooldown: Handler = (params, { state }) => {
  const key = str(params, 'key')
  if (key !== undefined) return clearKeyCooldown(key, params, state)
  const profileId = str(params, 'profileId', true)
  try {
    parseProfileId(profileId)
  } catch (err) {
    throw new ControlError('INVALID_REQUEST', (err as Error).message)
  }
  const agent = agentOf(params, state)
  const owner = agent.ownerOf(profileId)
  if (!owner)
    throw new ControlError('NOT_FOUND', `auth profile ${profileId} not found for agent ${agent.agentId}`)
  const result = owner.store.clearCooldowns(profileId)
  state.invalidateAll()
  return { profileId, agentId: owner.agentId, ...result }
}

/** `key`: an env / config key as status names it, or its stored id, in this gateway's own env. */
function clearKeyCooldown(key: string, params: Record<string, unknown>, state: GatewayState) {
  let target: ClearTarget
  try {
    target = parseClearTarget(key, { env: false })
  } catch (err) {
    throw new ControlError('INVALID_REQUEST', (err as Error).message)
  }
  if (target.kind === 'profile')
    throw new ControlError('INVALID_REQUEST', 'a profile id goes in params.profileId')
  const agent = agentOf(params, state)
  const root = agent.parent ?? agent
  const view = state.view(root.agentId)
  const matches = matchKeyTargets(target, {
    providers: [...new Set([...BUILT_IN_PROVIDERS, ...Object.keys(state.config.models?.providers ?? {})])],
    env: state.env,
    configSecret: (p) => {
      const cfg = lookupProviderKey(state.config.models?.providers, p)?.apiKey
      return typeof cfg === 'string' ? cfg : cfg === undefined ? undefined : view.refValue?.(cfg)
    },
    storedIds: root.store.listStates().keys(),
  })
  if (matches.length === 0)
    throw new ControlError('NOT_FOUND', `no env or config key ${key} in this gateway's environment`)
  const keys = matches.map((m) => ({ ...m, ...root.store.clearCooldowns(m.keyId) }))
  state.invalidateAll()
  return { key, agentId: root.agentId, keys }
}

const BUILT_IN_PROVIDERS = ['anthropic', 'openai', 'openrouter', 'google']

const sessionsList: Handler = (params, { state }) => {
  const agent = agentOf(params, state)
  return { agentId: agent.agentId, sessions: agent.listSessions() }
}

const chatAbort: Handler = (params, { runs }) => {
  const runId = str(params, 'runId', true)
  if (!runs.get(runId)) throw new ControlError('NOT_FOUND', `no running request ${runId}`)
  return { runId, aborted: runs.abort(runId, 'user-abort') }
}

const reload: Handler = async (_params, { state }) => {
  const ok = await state.reloadAll()
  state.invalidateAll()
  return { reloaded: ok, secretErrors: state.gatewaySecrets.errors, refs: state.secretCounts }
}

const runsList: Handler = (_params, { runs }) => ({
  runs: runs.list().map((r) => ({
    runId: r.id,
    agentId: r.agentId,
    sessionKey: r.sessionKey,
    provider: r.provider,
    model: r.model,
    startedAt: r.startedAt,
  })),
})

export const METHODS: Readonly<Record<string, Handler>> = {
  'models.authStatus': authStatus,
  'models.authLogout': authLogout,
  'models.clearCooldown': clearCooldown,
  'models.reload': reload,
  'sessions.list': sessionsList,
  'chat.abort': chatAbort,
  'runs.list': runsList,
}
