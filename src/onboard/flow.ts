/**
 * The one onboarding pipeline behind both the wizard and `--non-interactive`: pick the model
 * to test with, make the real verification request, and only then save. A credential that
 * fails verification is never written anywhere.
 */
import { agentModelSelection } from '../auth/model-ref.ts'
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { resolveProviderEndpoint } from '../providers/registry.ts'
import type { AgentRuntime } from '../runtime/agent-runtime.ts'
import { RECOMMENDED_MODEL } from './choices.ts'
import { type SavePlan, type SaveResult, saveOnboarding } from './save.ts'
import { verifyCredential } from './verify.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface OnboardInput extends Omit<SavePlan, 'recommendedModel'> {
  skipVerify?: boolean
}

export interface OnboardResult extends SaveResult {
  provider: string
  verified: { model: string; status: number; latencyMs: number; endpoint: string } | undefined
}

/** The model the test request uses: the configured default when it is this provider's. */
export function verificationModel(config: OpenclawConfig, agentId: string, provider: string): string {
  const primary = agentModelSelection(config, agentId).primary
  if (primary) {
    const slash = primary.indexOf('/')
    if (slash > 0 && normalizeProviderId(primary.slice(0, slash)) === provider)
      return primary.slice(slash + 1)
  }
  const rec = RECOMMENDED_MODEL[provider]
  if (rec) return rec.slice(rec.indexOf('/') + 1)
  const configured = resolveProviderEndpoint(provider, config)?.models[0]
  if (configured) return configured
  throw new OpenclawError(
    'invalid_input',
    `No model is known for provider "${provider}" to test the credential with.`,
    {
      hint: `Add models.providers.${provider}.models = [{ "id": "<model>" }] to openclaw.json.`,
    },
  )
}

export async function verifyAndSave(
  runtime: AgentRuntime,
  env: Env,
  input: OnboardInput,
  opts: {
    fetch?: (url: string, init: RequestInit) => Promise<Response>
    onVerifying?: (what: string) => void
  } = {},
): Promise<OnboardResult> {
  const config = runtime.config
  const model = verificationModel(config, runtime.paths.agentId, input.provider)
  let verified: OnboardResult['verified']
  if (!input.skipVerify) {
    const endpoint = resolveProviderEndpoint(input.provider, config)?.baseUrl ?? input.provider
    opts.onVerifying?.(`${input.provider}/${model} at ${endpoint}`)
    const r = await verifyCredential({
      provider: input.provider,
      mode: input.kind,
      secret: input.secret,
      model,
      config,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })
    if (!r.ok) throw r.error
    verified = { model: `${input.provider}/${model}`, status: r.status, latencyMs: r.latencyMs, endpoint }
  }
  const rec = RECOMMENDED_MODEL[input.provider] ?? `${input.provider}/${model}`
  const saved = saveOnboarding(runtime, env, { ...input, recommendedModel: rec })
  return { ...saved, provider: input.provider, verified }
}

/** The closing lines: where it went and the commands to check it. */
export function summaryLines(r: OnboardResult): string[] {
  const lines: string[] = []
  if (r.verified)
    lines.push(
      `Verified ${r.verified.model} with a test request to ${r.verified.endpoint} (HTTP ${r.verified.status}, ${r.verified.latencyMs} ms).`,
    )
  else lines.push('Not verified (--skip-verify).')
  if (r.profileId) lines.push(`Saved ${r.profileId} to ${r.storePath}.`)
  if (r.envFile) lines.push(`Wrote ${r.envVar} to ${r.envFile} (read by the gateway service).`)
  if (r.defaultModel) {
    lines.push(
      r.defaultModel.action === 'set'
        ? `Default model set to ${r.defaultModel.model}.`
        : `Kept the existing default model ${r.defaultModel.model}.`,
    )
  }
  for (const n of r.notes) lines.push(`note: ${n}`)
  lines.push(
    '',
    'Next:',
    '  openclaw models status           # what the gateway will use',
    '  openclaw models status --check   # 0 ok, 1 expired/missing, 2 expiring (for cron)',
  )
  if (r.envFile) lines.push('  openclaw gateway restart         # if the gateway runs as a service')
  else lines.push('  openclaw gateway                 # run the gateway (or: openclaw gateway install)')
  return lines
}
