/**
 * `openclaw models auth clear-cooldown <target> [--agent <id>] [--json]` and
 * `openclaw models auth clear-cooldown --provider <id> --env`: clears every cooldown (all
 * models) and the disabled lane of a profile (in the store that owns it) or of env / config
 * keys (in the root store, see runtime/key-states.ts). Target grammar: auth/clear-target.ts.
 * A running gateway picks the change up from the store (it watches the store's revision).
 */
import { type ClearTarget, parseClearTarget } from '../../auth/clear-target.ts'
import { lookupProviderKey } from '../../auth/resolve.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { matchKeyTargets } from '../../runtime/key-targets.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const target = parseClearTarget(ctx.parsed.positionals[0], {
    provider: stringOpt(ctx.parsed, 'provider'),
    env: boolOpt(ctx.parsed, 'env'),
  })
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    if (target.kind === 'profile') return clearProfile(ctx, runtime, target.profileId)
    // `env:FOO` is also a well-formed profile id (provider "env"): a stored profile wins.
    if (target.kind === 'env-key' && target.alsoProfileId) {
      const id = ctx.parsed.positionals[0]!
      if (runtime.ownerOf(id)) return clearProfile(ctx, runtime, id)
    }
    return await clearKeys(ctx, runtime, target)
  } finally {
    runtime.close()
  }
}

function clearProfile(ctx: CommandContext, runtime: AgentRuntime, profileId: string): number {
  const owner = runtime.ownerOf(profileId)
  if (!owner) {
    throw new OpenclawError(
      'profile_not_found',
      `Auth profile "${profileId}" not found in ${runtime.paths.agentDir}`,
      {
        hint: 'List profiles with: openclaw models auth list',
      },
    )
  }
  const result = runtime.writableStore(owner).clearCooldowns(profileId)
  if (boolOpt(ctx.parsed, 'json')) printJson(ctx, { profileId, agentId: owner, ...result })
  else out(ctx, summary(profileId, result))
  return EXIT.ok
}

async function clearKeys(
  ctx: CommandContext,
  runtime: AgentRuntime,
  target: Exclude<ClearTarget, { kind: 'profile' }>,
): Promise<number> {
  const root = runtime.keyStateAgentId
  const requested = stringOpt(ctx.parsed, 'provider')
  // Only a config key held in a SecretRef needs the secrets resolved (exec providers may run).
  if (target.kind === 'config-key') {
    const cfg = lookupProviderKey(runtime.config.models?.providers, target.provider)?.apiKey
    if (cfg !== undefined && typeof cfg !== 'string') await runtime.activateSecrets()
  }
  const view = runtime.view()
  const matches = matchKeyTargets(target, {
    providers: requested ? [requested] : runtime.providerIds(),
    env: runtime.env.values,
    configSecret: (p) => {
      const cfg = lookupProviderKey(runtime.config.models?.providers, p)?.apiKey
      return typeof cfg === 'string' ? cfg : cfg === undefined ? undefined : view.refValue?.(cfg)
    },
    storedIds: runtime.store(root).listStates().keys(),
  })
  if (matches.length === 0 && target.kind !== 'provider-keys') {
    const shown = ctx.parsed.positionals[0] ?? ''
    throw new OpenclawError(
      'key_not_found',
      target.kind === 'config-key'
        ? `models.providers.${target.provider}.apiKey is not set in ${runtime.paths.configPath}.`
        : `No env key "${shown.slice(0, 80)}" in this environment (process env, ./.env, ${runtime.paths.stateDir}/.env, env.vars).`,
      {
        hint: `See the keys with: openclaw models status. To clear every stored env/config key cooldown of a provider: openclaw models auth clear-cooldown --provider <id> --env`,
        details: { target: shown.slice(0, 80) },
      },
    )
  }
  const cleared = matches.map((m) => {
    const st = view.states.get(m.keyId) ?? runtime.store(root).getState(m.keyId)
    const stored = st.cooldowns.length > 0 || st.disabled !== undefined
    // Nothing stored: leave the store alone (a read-only command must not create one).
    const r = stored
      ? runtime.writableStore(root).clearCooldowns(m.keyId)
      : { clearedCooldowns: 0, clearedDisabled: false }
    return { ...m, ...r }
  })
  if (boolOpt(ctx.parsed, 'json')) {
    printJson(ctx, { agentId: root, keys: cleared })
    return EXIT.ok
  }
  if (cleared.length === 0)
    out(ctx, `No env or config key state is stored for ${requested}; nothing to clear.`)
  for (const c of cleared) out(ctx, summary(`${c.key} (${c.provider})`, c))
  return EXIT.ok
}

function summary(what: string, r: { clearedCooldowns: number; clearedDisabled: boolean }): string {
  if (r.clearedCooldowns === 0 && !r.clearedDisabled)
    return `${what} has no cooldown or disable stored; nothing to clear.`
  const parts = [
    r.clearedCooldowns ? `${r.clearedCooldowns} cooldown${r.clearedCooldowns === 1 ? '' : 's'}` : '',
    r.clearedDisabled ? 'the disable' : '',
  ].filter(Boolean)
  return `Cleared ${parts.join(' and ')} of ${what}.`
}
