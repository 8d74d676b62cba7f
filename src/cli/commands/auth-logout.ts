/**
 * `openclaw models auth logout <profileId> | --provider <p> [--yes] [--agent <id>] [--json]`.
 * Removes saved profiles from the agent's store, from `auth.profiles` and from every
 * `auth.order` list (an order list that would become empty is deleted, because an authored
 * empty order disables the provider). A whole-provider logout goes through a running gateway
 * when there is one, so that provider's in-flight requests end with `auth-revoked`.
 * This is local only: the provider keeps honouring the key until it is revoked there.
 */
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { scrubProfileFromConfig } from '../../config/auth-config-edit.ts'
import { updateConfig } from '../../config/write.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { confirm } from '../confirm.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { callGateway, resolvedGatewayTarget } from '../gateway-client.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

const NOTE =
  'This removal is local: the provider still accepts the credential until you revoke it in its dashboard.'

interface LogoutResult {
  agentId: string
  provider?: string
  removedProfiles: string[]
  abortedRunIds: string[]
  gateway: 'notified' | 'not running' | string
  revokedAtProvider: false
}

export async function run(ctx: CommandContext): Promise<number> {
  const profileId = ctx.parsed.positionals[0]
  const providerFlag = stringOpt(ctx.parsed, 'provider')
  if ((profileId === undefined) === (providerFlag === undefined)) {
    throw new OpenclawError('usage', 'Give either a profile id or --provider <id>.', {
      hint: 'Examples: openclaw models auth logout anthropic:work --yes | openclaw models auth logout --provider anthropic --yes',
    })
  }
  if (profileId !== undefined) parseProfileId(profileId)
  const provider =
    providerFlag === undefined ? undefined : validateProviderId(normalizeProviderId(providerFlag))
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const agentId = runtime.paths.agentId
    const own = runtime.store().listProfiles()
    const ids = provider
      ? own.filter((p) => normalizeProviderId(p.credential.provider) === provider).map((p) => p.id)
      : [profileId!]
    if (!provider && !own.some((p) => p.id === profileId)) {
      const owner = runtime.ownerOf(profileId!)
      throw new OpenclawError(
        'profile_not_found',
        `Auth profile "${profileId}" not found in ${runtime.paths.agentDir}`,
        {
          hint: owner
            ? `It is inherited from agent ${owner}; remove it there: openclaw models auth logout ${profileId} --agent ${owner}`
            : `List profiles with: openclaw models auth list --agent ${agentId}`,
        },
      )
    }
    if (provider && ids.length === 0) {
      throw new OpenclawError('profile_not_found', `Agent ${agentId} has no saved ${provider} profiles.`, {
        hint: `List profiles with: openclaw models auth list --provider ${provider}`,
      })
    }
    if (!boolOpt(ctx.parsed, 'yes')) {
      const ok = await confirm(ctx, `Remove ${ids.join(', ')} from agent ${agentId}? [y/N] `)
      if (!ok) throw new OpenclawError('cancelled', 'Nothing removed.')
    }
    const target = await resolvedGatewayTarget(runtime.config, runtime.env.values)
    let result: LogoutResult | undefined
    if (provider) {
      const call = await callGateway(target, 'models.authLogout', { provider, agentId })
      if (call.reached && call.ok) {
        const p = call.payload as { removedProfiles: string[]; abortedRunIds: string[] }
        result = {
          agentId,
          provider,
          removedProfiles: p.removedProfiles,
          abortedRunIds: p.abortedRunIds,
          gateway: 'notified',
          revokedAtProvider: false,
        }
      } else if (call.reached && !call.ok) {
        throw new OpenclawError('upstream', `The running gateway refused the logout: ${call.message}`, {
          hint: 'Set OPENCLAW_GATEWAY_TOKEN (or gateway.auth.token) so the CLI can reach it, or stop the gateway first.',
        })
      }
    }
    if (!result) {
      // Config first: if it cannot be written, the credentials are still there and the
      // command can simply be re-run.
      updateConfig(runtime.paths.configPath, ctx.env, (raw) => {
        for (const id of ids) scrubProfileFromConfig(raw, id)
      })
      const store = runtime.writableStore()
      store.batch(() => {
        for (const id of ids) store.deleteProfile(id)
      })
      const notify = await callGateway(target, 'models.reload', {}, 1500)
      result = {
        agentId,
        ...(provider ? { provider } : {}),
        removedProfiles: ids,
        abortedRunIds: [],
        gateway: notify.reached
          ? notify.ok
            ? 'notified'
            : `not notified: ${notify.message}`
          : notify.reason === 'ECONNREFUSED'
            ? 'not running'
            : `not reached: ${notify.reason}`,
        revokedAtProvider: false,
      }
    }
    if (boolOpt(ctx.parsed, 'json')) printJson(ctx, { ...result, note: NOTE })
    else {
      out(ctx, `Removed ${result.removedProfiles.join(', ')} from agent ${agentId}.`)
      if (result.abortedRunIds.length)
        out(ctx, `Ended ${result.abortedRunIds.length} running request(s) (auth-revoked).`)
      out(ctx, NOTE)
    }
    return EXIT.ok
  } finally {
    runtime.close()
  }
}
