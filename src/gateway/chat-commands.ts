/**
 * Chat commands answered by the gateway itself when they are the last user message:
 * `/model`, `/model list`, `/model status`, `/model <ref>[@<profileId>]`, `/model @<profileId>`,
 * `/model <n>`, `/model default`, `/new`, `/reset` (DECISIONS section 7). Pure: returns the
 * reply text and the session record to store (null = delete).
 */
import { agentModelSelection, type ModelRef, parseModelRef } from '../auth/model-ref.ts'
import { normalizeProviderId, parseProfileId } from '../auth/profile-id.ts'
import { type AuthView, resolveProviderAuth } from '../auth/resolve.ts'
import { OpenclawError } from '../errors.ts'
import { resolveProviderEndpoint } from '../providers/registry.ts'
import type { SessionRecord } from '../store/session-repo.ts'

export interface CommandResult {
  reply: string
  session?: SessionRecord | null
}

const COMMAND = /^\/(model|new|reset)(?:\s+(.*))?$/s

export function isChatCommand(text: string | undefined): boolean {
  return text !== undefined && COMMAND.test(text.trim())
}

export function runChatCommand(opts: {
  text: string
  view: AuthView
  sessionKey: string | undefined
  session: SessionRecord | undefined
  now: number
  /** The model the request itself names (apps send one with every message). */
  requested?: ModelRef
}): CommandResult {
  const m = COMMAND.exec(opts.text.trim())!
  const verb = m[1]!
  const arg = (m[2] ?? '').trim()
  const { view, now } = opts
  const base: SessionRecord = opts.session ?? { sessionKey: opts.sessionKey ?? '', updatedAt: now }
  const needSession = () => {
    if (!opts.sessionKey) {
      throw new OpenclawError(
        'invalid_input',
        `/${verb} changes the session, but the request has no x-openclaw-session-key header.`,
      )
    }
  }
  if (verb === 'new' || verb === 'reset') {
    needSession()
    const keepUserPin = base.profileOverrideSource === 'user'
    const next: SessionRecord = {
      sessionKey: base.sessionKey,
      ...(keepUserPin
        ? { profileOverride: base.profileOverride!, profileOverrideSource: 'user' as const }
        : {}),
      ...(base.modelOverride ? { modelOverride: base.modelOverride } : {}),
      updatedAt: now,
    }
    const kept = keepUserPin ? ` Your pinned profile ${base.profileOverride} is kept.` : ''
    return { reply: `Started a new session.${kept}`, session: next }
  }
  const models = listModels(view)
  if (arg === '' || arg === 'list') return { reply: renderList(view, models, base) }
  if (arg === 'status') return { reply: renderStatus(view, base, now, opts.requested) }
  needSession()
  if (arg === 'default') {
    const def = agentModelSelection(view.config, view.agentId).primary
    const defProvider = def ? parseModelRef(def, view.config).provider : undefined
    const pinProvider = base.profileOverride
      ? normalizeProviderId(parseProfileId(base.profileOverride).provider)
      : undefined
    const keepPin = pinProvider !== undefined && pinProvider === defProvider
    const next: SessionRecord = {
      sessionKey: base.sessionKey,
      ...(keepPin
        ? {
            profileOverride: base.profileOverride!,
            profileOverrideSource: base.profileOverrideSource ?? 'user',
          }
        : {}),
      updatedAt: now,
    }
    return { reply: `Model reset to the default${def ? ` (${def})` : ''}.`, session: next }
  }
  if (arg.startsWith('@')) {
    // Seed 000's form: keep whatever model the session runs (its override, the request's, the
    // default) and pin only the profile, so a later change of the default still applies.
    const profileId = arg.slice(1)
    const current = currentModel(view, base, opts.requested)
    if (!current)
      throw new OpenclawError('invalid_input', 'No model selected; use /model <provider/model>@<profileId>.')
    const r = pin(view, base, current.key, current.provider, profileId, now)
    const session = { ...r.session! }
    if (!base.modelOverride) delete session.modelOverride
    return {
      reply: `Auth profile ${profileId} pinned for this session (model ${current.key}${base.modelOverride ? '' : ', not pinned'}).`,
      session,
    }
  }
  const picked = /^\d+$/.test(arg) ? models[Number(arg) - 1] : arg
  if (picked === undefined)
    throw new OpenclawError('invalid_input', `No model number ${arg}; send /model list.`)
  const ref = parseModelRef(picked, view.config)
  if (ref.profileId) return pin(view, base, ref.key, ref.provider, ref.profileId, now)
  const pinProvider = base.profileOverride
    ? normalizeProviderId(parseProfileId(base.profileOverride).provider)
    : undefined
  const keepPin = pinProvider === ref.provider
  return {
    reply: `Model set to ${ref.key} for this session.`,
    session: {
      sessionKey: base.sessionKey,
      modelOverride: ref.key,
      ...(keepPin && base.profileOverride
        ? {
            profileOverride: base.profileOverride,
            profileOverrideSource: base.profileOverrideSource ?? 'user',
          }
        : {}),
      updatedAt: now,
    },
  }
}

function pin(
  view: AuthView,
  base: SessionRecord,
  modelKey: string,
  provider: string,
  profileId: string,
  now: number,
): CommandResult {
  parseProfileId(profileId)
  const profile = view.profiles.find((p) => p.id === profileId)
  if (!profile) {
    throw new OpenclawError(
      'profile_not_found',
      `Auth profile "${profileId}" not found for agent ${view.agentId}.`,
      {
        hint: `Send /model list to see profiles, or add one with openclaw models auth paste-api-key --provider ${provider} --profile-id ${profileId}`,
      },
    )
  }
  const actual = normalizeProviderId(profile.credential.provider)
  if (actual !== provider)
    throw new OpenclawError(
      'profile_provider_mismatch',
      `Auth profile "${profileId}" is for ${actual}, not ${provider}.`,
    )
  return {
    reply: `Model set to ${modelKey} with auth profile ${profileId} for this session.`,
    session: {
      sessionKey: base.sessionKey,
      modelOverride: modelKey,
      profileOverride: profileId,
      profileOverrideSource: 'user',
      updatedAt: now,
    },
  }
}

function currentModel(view: AuthView, s: SessionRecord, requested?: ModelRef): ModelRef | undefined {
  if (s.modelOverride) return parseModelRef(s.modelOverride, view.config)
  if (requested) return requested
  const text = agentModelSelection(view.config, view.agentId).primary
  return text ? parseModelRef(text, view.config) : undefined
}

export function listModels(view: AuthView): string[] {
  const sel = agentModelSelection(view.config, view.agentId)
  const out = new Set<string>()
  for (const m of [sel.primary, ...(sel.fallbacks ?? [])]) if (m) out.add(m)
  for (const k of Object.keys(view.config.agents?.defaults?.models ?? {})) out.add(k)
  for (const [p, cfg] of Object.entries(view.config.models?.providers ?? {}))
    for (const m of cfg.models ?? []) out.add(`${p}/${m.id}`)
  return [...out]
}

function renderList(view: AuthView, models: string[], s: SessionRecord): string {
  const lines = ['Models:']
  for (const [i, m] of models.entries())
    lines.push(`  ${i + 1}. ${m}${s.modelOverride === m ? ' (session)' : ''}`)
  if (models.length === 0) lines.push('  (none configured; use /model <provider>/<model>)')
  const providers = [...new Set(view.profiles.map((p) => normalizeProviderId(p.credential.provider)))]
  if (providers.length) lines.push('Auth profiles:')
  for (const p of providers) {
    const ids = view.profiles.filter((x) => normalizeProviderId(x.credential.provider) === p).map((x) => x.id)
    lines.push(`  ${p}: ${ids.join(', ')}`)
  }
  lines.push('Pick with /model <n>, /model <provider/model>[@<profileId>], or /model @<profileId>.')
  return lines.join('\n')
}

function renderStatus(view: AuthView, s: SessionRecord, now: number, requested?: ModelRef): string {
  const cur = currentModel(view, s, requested)
  const from = s.modelOverride ? ' (session override)' : requested ? ' (from the request)' : ' (default)'
  const lines = [`Model: ${cur?.key ?? '(none)'}${from}`]
  lines.push(
    `Pinned profile: ${s.profileOverride ? `${s.profileOverride} (${s.profileOverrideSource ?? 'user'})` : '(none)'}`,
  )
  if (cur) {
    const pinSrc = s.profileOverride
      ? { profileId: s.profileOverride, source: s.profileOverrideSource ?? 'user' }
      : undefined
    const r = resolveProviderAuth(view, {
      provider: cur.provider,
      model: cur.model,
      now,
      ...(pinSrc ? { pin: pinSrc } : {}),
    })
    lines.push(
      `Candidates: ${r.candidates.map((c) => (c.kind === 'profile' ? `${c.profileId}${c.available ? '' : ' (cooling)'}` : c.source)).join(', ') || '(none)'}`,
    )
    lines.push(
      `Next auth profile: ${r.effective ? (r.effective.kind === 'profile' ? r.effective.profileId : r.effective.source) : '(none available)'}`,
    )
    const ep = resolveProviderEndpoint(cur.provider, view.config)
    if (ep) lines.push(`Endpoint: ${ep.baseUrl} (${ep.api})`)
  }
  return lines.join('\n')
}
