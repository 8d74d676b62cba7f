/**
 * `openclaw models auth paste-token|paste-api-key --provider <p> [--profile-id <id>] [--expires-in <d>]
 * [--ref <source>:<provider>:<id>]`. Writes the credential to the agent's SQLite store and
 * records `auth.profiles.<id> = { provider, mode }` in openclaw.json (no secret ever goes into
 * the config file). With `--ref` no secret is read at all: the profile stores a keyRef/tokenRef,
 * which must resolve now so a typo fails here rather than at request time.
 */
import { parseDuration } from '../../auth/duration.ts'
import { formatRemaining } from '../../auth/health.ts'
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { lookupProviderKey } from '../../auth/resolve.ts'
import { saveProfileThenConfig } from '../../auth/save-profile.ts'
import { normalizeSecretInput } from '../../auth/secret-input.ts'
import type { Credential, SecretRef } from '../../auth/types.ts'
import { objectAt } from '../../config/object-at.ts'
import { updateConfig } from '../../config/write.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { formatRef, parseRefSpec } from '../../secrets/ref.ts'
import { type CommandContext, err, out } from '../context.ts'
import { stringOpt } from '../parse-args.ts'
import { readSecret } from '../read-secret.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const kind = ctx.parsed.command.path.at(-1) === 'paste-token' ? 'token' : 'api_key'
  const providerFlag = stringOpt(ctx.parsed, 'provider')
  if (!providerFlag) {
    throw new OpenclawError('usage', 'Missing --provider <id>.', {
      hint: `Example: openclaw models auth ${kind === 'token' ? 'paste-token' : 'paste-api-key'} --provider anthropic`,
    })
  }
  const provider = validateProviderId(normalizeProviderId(providerFlag))
  const profileId = stringOpt(ctx.parsed, 'profile-id') ?? `${provider}:manual`
  const idProvider = normalizeProviderId(parseProfileId(profileId).provider)
  if (idProvider !== provider) {
    throw new OpenclawError(
      'profile_provider_mismatch',
      `Auth profile "${profileId}" is for ${idProvider}, not ${provider}.`,
      {
        hint: `Use --profile-id ${provider}:<name>.`,
      },
    )
  }
  const expiresIn = stringOpt(ctx.parsed, 'expires-in')
  const ttlMs = expiresIn === undefined ? undefined : parseDuration(expiresIn)

  // Open (and validate) config and store before reading the secret, so a broken setup fails
  // without the user having pasted anything.
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const store = runtime.writableStore()
    const label = `profile ${profileId}`
    const refSpec = stringOpt(ctx.parsed, 'ref')
    const now = ctx.clock()
    const expiry = ttlMs !== undefined ? { expires: now + ttlMs } : {}
    let credential: Credential
    let refNote = ''
    if (refSpec !== undefined) {
      // A ref-backed profile reads no secret here: it stores coordinates and checks they resolve.
      const ref = await checkedRef(runtime, refSpec, profileId, kind, provider)
      credential =
        kind === 'token'
          ? { type: 'token', provider, tokenRef: ref, ...expiry }
          : { type: 'api_key', provider, keyRef: ref }
      refNote = `, ${kind === 'token' ? 'tokenRef' : 'keyRef'} ${formatRef(ref)}`
    } else {
      const secret = normalizeSecretInput(
        await readSecret(ctx, `Paste the ${kind === 'token' ? 'token' : 'API key'} for ${profileId}: `),
        label,
      )
      checkShape(provider, kind, secret, profileId)
      credential =
        kind === 'token'
          ? { type: 'token', provider, token: secret, ...expiry }
          : { type: 'api_key', provider, key: secret }
    }

    saveProfileThenConfig(
      store,
      profileId,
      () => store.upsertProfile(profileId, credential),
      () =>
        updateConfig(runtime.paths.configPath, ctx.env, (raw) => {
          const auth = objectAt(raw, 'auth')
          const profiles = objectAt(auth, 'profiles')
          const prev = profiles[profileId]
          const email = prev && typeof prev === 'object' ? (prev as Record<string, unknown>).email : undefined
          profiles[profileId] = { provider, mode: kind, ...(typeof email === 'string' ? { email } : {}) }
        }),
    )

    const detail = ttlMs !== undefined ? `, expires in ${formatRemaining(ttlMs)}` : ''
    out(ctx, `Saved ${profileId} (${kind}${refNote}${detail}) to ${store.path}`)
    warnIfExcluded(ctx, runtime, provider, profileId)
    return EXIT.ok
  } finally {
    runtime.close()
  }
}

/** Parses `--ref`, enforces the OAuth policy and resolves the ref once, so a typo fails now. */
async function checkedRef(
  runtime: AgentRuntime,
  spec: string,
  profileId: string,
  kind: 'token' | 'api_key',
  provider: string,
): Promise<SecretRef> {
  const parsed = parseRefSpec(spec, runtime.config.secrets?.defaults)
  if (typeof parsed === 'string') {
    throw new OpenclawError('secret_ref_invalid', `Invalid --ref for ${profileId}: ${parsed}.`, {
      hint: 'Form: --ref <source>:<provider>:<id>, e.g. --ref file:local:/anthropic/prod (see docs/secrets.md)',
    })
  }
  const configured = runtime.config.auth?.profiles?.[profileId]?.mode
  const stored = runtime.store().getProfile(profileId)?.credential.type
  if (configured === 'oauth' || stored === 'oauth') {
    throw new OpenclawError(
      'secret_ref_invalid',
      `Auth profile "${profileId}" is an OAuth profile; OAuth profiles cannot use SecretRefs.`,
      { hint: 'Use another --profile-id, or log in again to refresh the OAuth tokens.' },
    )
  }
  const { resolveSecretRefs } = await import('../../secrets/resolver.ts')
  const snapshot = await resolveSecretRefs([parsed], { config: runtime.config, env: runtime.env.values })
  const r = snapshot.result(parsed)
  if (!r?.ok) {
    const field = kind === 'token' ? 'tokenRef' : 'keyRef'
    throw new OpenclawError(
      r?.code ?? 'secret_ref_unresolved',
      `Not saved: ${field} ${formatRef(parsed)} for ${profileId} could not be resolved: ${r?.message ?? 'no answer'}.`,
      { hint: 'Fix the secret provider in openclaw.json (secrets.providers) or the ref, then retry.' },
    )
  }
  checkShape(provider, kind, r.value, profileId)
  return parsed
}

/** Catch the classic mix-up of Anthropic key kinds before it becomes a confusing 401 later. */
function checkShape(provider: string, kind: 'token' | 'api_key', secret: string, profileId: string): void {
  if (provider !== 'anthropic') return
  if (kind === 'token' && secret.startsWith('sk-ant-api')) {
    throw new OpenclawError(
      'invalid_credential',
      `That looks like an Anthropic API key, not a setup-token (${profileId}).`,
      {
        hint: 'Store API keys with: openclaw models auth paste-api-key --provider anthropic',
      },
    )
  }
  if (kind === 'api_key' && secret.startsWith('sk-ant-oat')) {
    throw new OpenclawError(
      'invalid_credential',
      `That looks like a Claude setup-token, not an API key (${profileId}).`,
      {
        hint: 'Store setup-tokens with: openclaw models auth paste-token --provider anthropic',
      },
    )
  }
}

function warnIfExcluded(
  ctx: CommandContext,
  runtime: AgentRuntime,
  provider: string,
  profileId: string,
): void {
  const override = runtime.store().getOrderOverride(provider)
  const configOrder = lookupProviderKey(runtime.config.auth?.order, provider)
  const order = override ?? configOrder
  if (order && !order.includes(profileId)) {
    const where = override ? `the order override of agent ${runtime.paths.agentId}` : `auth.order.${provider}`
    err(ctx, `note: ${where} does not list ${profileId}, so it will not be used until you add it:`)
    err(ctx, `  openclaw models auth order set --provider ${provider} ${[...order, profileId].join(' ')}`)
  }
}
