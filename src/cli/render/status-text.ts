/**
 * Human rendering of the status report (sections as in the spec: overview, missing auth,
 * OAuth/token status, unavailable profiles). Formatting only; all decisions are in the report.
 */
import { formatRemaining } from '../../auth/health.ts'
import type { StatusReport } from '../../auth/status-report.ts'
import { type CommandContext, paint } from '../context.ts'

export interface StatusTextMeta {
  configPath: string
  agentDir: string
  shellEnv: boolean
  shellApplied: string[]
  envFiles: string[]
  now: number
}

export function renderStatusText(ctx: CommandContext, r: StatusReport, meta: StatusTextMeta): string {
  const bold = (t: string) => paint(ctx, 'stdout', 'bold', t)
  const lines: string[] = []
  const kv = (k: string, v: string) => lines.push(`${k.padEnd(16)}: ${v}`)
  kv('Config', meta.configPath)
  kv('Agent', `${r.agentId} (${meta.agentDir})`)
  kv('Default', r.defaultModel ?? '(none configured)')
  kv(`Fallbacks (${r.fallbacks.length})`, r.fallbacks.join(', ') || '-')
  const aliases = Object.entries(r.aliases)
  kv(`Aliases (${aliases.length})`, aliases.map(([a, k]) => `${a} -> ${k}`).join(', ') || '-')
  lines.push('', bold('Auth overview'))
  kv('Auth store', r.auth.storePath)
  kv(
    'Shell env',
    meta.shellEnv
      ? `on${meta.shellApplied.length ? ` (applied: ${meta.shellApplied.join(', ')})` : ''}`
      : 'off',
  )
  kv('Env files', meta.envFiles.join(', ') || '-')
  lines.push(
    `Providers w/ OAuth/tokens (${r.auth.providersWithOAuth.length}): ${r.auth.providersWithOAuth.join(', ') || '-'}`,
  )
  if (r.auth.providers.length === 0) lines.push('- no providers configured and no credentials found')
  for (const p of r.auth.providers) {
    const parts = [
      `effective=${effectiveText(p.effective)}`,
      `profiles=${p.profiles.count} (oauth=${p.profiles.oauth}, token=${p.profiles.token}, api_key=${p.profiles.apiKey})`,
    ]
    if (p.env)
      parts.push(
        `env=${p.env.value}${p.env.count > 1 ? ` (+${p.env.count - 1} more)` : ''}`,
        `source=${p.env.source}`,
      )
    if (p.modelsJson) parts.push(`models.json=${p.modelsJson.value}`)
    lines.push(`- ${bold(p.provider)}${p.inUse ? ' (in use)' : ''} ${parts.join(' | ')}`)
    for (const [model, e] of Object.entries(p.effectiveByModel ?? {}))
      lines.push(`    model ${model}: effective=${e.kind}:${e.detail} (cooldown for this model)`)
    if (p.order.ids.length) lines.push(`    order (${p.order.source}): ${p.order.ids.join(', ')}`)
    for (const e of p.order.excluded) lines.push(`    skipped ${e.profileId}: ${e.reason} - ${e.detail}`)
  }
  const missing = r.auth.providers.filter((p) => r.auth.missingProvidersInUse.includes(p.provider))
  if (missing.length) {
    lines.push('', bold('Missing auth'))
    for (const p of missing) {
      lines.push(`- ${p.provider}: ${p.error ?? 'no credential'}`)
      lines.push(
        `    fix: printf '%s\\n' "$KEY" | openclaw models auth paste-api-key --provider ${p.provider}`,
      )
    }
  }
  if (r.auth.oauth.profiles.length) {
    lines.push('', bold('OAuth/token status'))
    const byProvider = new Map<string, typeof r.auth.oauth.profiles>()
    for (const row of r.auth.oauth.profiles)
      byProvider.set(row.provider, [...(byProvider.get(row.provider) ?? []), row])
    for (const [provider, rows] of byProvider) {
      lines.push(`- ${provider}`)
      for (const row of rows) {
        const status = statusWord(ctx, row.status, row.refreshable)
        const when =
          row.remainingMs === undefined
            ? ''
            : row.remainingMs > 0
              ? ` expires in ${formatRemaining(row.remainingMs)}`
              : ` expired ${formatRemaining(-row.remainingMs)} ago`
        const notes = [row.effective ? '' : 'excluded by auth order', row.reason !== 'ok' ? row.reason : '']
          .filter(Boolean)
          .join(', ')
        lines.push(`    ${row.profileId} ${status}${when}${notes ? ` (${notes})` : ''}`)
        if (row.refresh?.status === 'reauth_required') {
          lines.push(`      re-auth required (${row.refresh.reason}); run: ${row.refresh.command}`)
        }
      }
    }
  }
  const cli = r.auth.claudeCli
  if (cli) {
    lines.push('', bold('Claude CLI login (claude-cli runtime)'))
    const who = cli.account ?? (cli.loggedIn ? 'an account without a recorded email' : 'not logged in')
    const link =
      cli.linkedAccount === null
        ? 'not linked (run: openclaw models auth login --provider anthropic --method cli)'
        : `linked to ${cli.linkedAccount}`
    const when =
      cli.remainingMs === undefined
        ? []
        : cli.remainingMs > 0
          ? [`access token expires in ${formatRemaining(cli.remainingMs)}`]
          : [`access token expired ${formatRemaining(-cli.remainingMs)} ago`]
    const renew = cli.refreshable ? ['claude renews it itself'] : cli.loggedIn ? ['no refresh token'] : []
    const notes = [...when, ...renew].join('; ')
    lines.push(
      `- ${who}, ${link}: ${statusWord(ctx, cli.status, cli.refreshable)}${notes ? ` (${notes})` : ''}`,
    )
    if (cli.refusal)
      lines.push(
        `    refused: ${cli.refusal.message}${cli.refusal.hint ? `\n    fix: ${cli.refusal.hint}` : ''}`,
      )
    lines.push(`    routed to claude-cli: ${cli.routedModels.join(', ')}`)
    lines.push(
      cli.serves.length
        ? `    serves (no OpenClaw credential is selected for them): ${cli.serves.join(', ')}`
        : '    serves no model in use on its own login (an OpenClaw credential is passed to claude, or no routed model is in use)',
    )
    lines.push(`    credentials: ${cli.credentialsPath}`)
  }
  if (r.auth.unusableProfiles.length) {
    lines.push('', bold('Unavailable auth profiles'))
    for (const u of r.auth.unusableProfiles) {
      const scope = u.model === '*' ? 'all models' : `model ${u.model}`
      lines.push(`- ${u.profileId} ${u.kind} (${u.reason}, ${scope}) ${formatRemaining(u.remainingMs)} left`)
      lines.push(`    ${u.recovery}`)
    }
  }
  if (r.auth.unusableKeys.length) {
    lines.push('', bold('Unavailable env/config keys'))
    for (const u of r.auth.unusableKeys) {
      const scope = u.model === '*' ? 'all models' : `model ${u.model}`
      lines.push(`- ${u.key} ${u.kind} (${u.reason}, ${scope}) ${formatRemaining(u.remainingMs)} left`)
      lines.push(`    ${u.recovery}`)
    }
  }
  lines.push('')
  return lines.join('\n')
}

/** `env:ANTHROPIC_API_KEY`, `profile:anthropic:work`: the kind once, even where the detail names it. */
function effectiveText(e: StatusReport['auth']['providers'][number]['effective']): string {
  if (e.kind === 'none') return 'none'
  if (e.kind === 'env') {
    const shell = e.detail.startsWith('shell env: ')
    return `env:${e.detail.replace(/^(shell )?env: /, '')}${shell ? ' (login shell)' : ''}`
  }
  return `${e.kind}:${e.detail}`
}

function statusWord(ctx: CommandContext, status: string, refreshable: boolean): string {
  const word = status === 'expired' && refreshable ? 'expired (refreshable)' : status
  const style = status === 'ok' || status === 'static' ? 'green' : status === 'expiring' ? 'yellow' : 'red'
  return paint(ctx, 'stdout', style, word)
}
