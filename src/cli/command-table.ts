/**
 * Every command declared as data: path, options, positionals and a lazy loader. Help text and
 * parsing come from the same table so they cannot drift apart, and a command's heavy modules
 * load only when that command runs (start-up time is a feature for cron users).
 */
import type { CommandContext } from './context.ts'

export interface OptionDef {
  type: 'string' | 'boolean'
  description: string
  multiple?: boolean
  valueName?: string
}

export interface CommandDef {
  path: readonly string[]
  summary: string
  /** Positional argument names for the usage line; `...` suffix means variadic. */
  args?: readonly string[]
  minArgs?: number
  maxArgs?: number
  options: Readonly<Record<string, OptionDef>>
  examples?: readonly string[]
  load: () => Promise<{ run: (ctx: CommandContext) => Promise<number> }>
}

const agent: OptionDef = {
  type: 'string',
  valueName: 'id',
  description: 'Target agent (default: the configured default agent)',
}
const json: OptionDef = { type: 'boolean', description: 'Machine-readable JSON on stdout' }
const plain: OptionDef = { type: 'boolean', description: 'Plain output (ids only where it applies)' }
const provider: OptionDef = { type: 'string', valueName: 'id', description: 'Provider id, e.g. anthropic' }
const ref: OptionDef = {
  type: 'string',
  valueName: 'source:provider:id',
  description: 'Store a SecretRef instead of reading a secret (e.g. file:local:/anthropic/prod, env::MY_KEY)',
}
const profileId: OptionDef = {
  type: 'string',
  valueName: 'id',
  description: 'Profile id <provider>:<name> (default <provider>:manual)',
}

export const COMMANDS: readonly CommandDef[] = [
  {
    path: ['models', 'status'],
    summary: 'Show model auth status: profiles, env keys, expiry, cooldowns',
    options: {
      agent,
      json,
      plain,
      check: {
        type: 'boolean',
        description: 'Exit 0 ok, 1 expired or missing, 2 expiring within 24h (for cron)',
      },
    },
    examples: ['openclaw models status', 'openclaw models status --check', 'openclaw models status --json'],
    load: () => import('./commands/models-status.ts'),
  },
  {
    path: ['models', 'auth', 'paste-token'],
    summary: 'Store a token (e.g. a Claude setup-token) read from stdin or a hidden prompt',
    options: {
      agent,
      provider,
      'profile-id': profileId,
      'expires-in': {
        type: 'string',
        valueName: 'duration',
        description: 'Token lifetime, e.g. 365d, 12h, 30m (stored as an absolute expiry)',
      },
      ref,
    },
    examples: [
      'printf \'%s\\n\' "$TOKEN" | openclaw models auth paste-token --provider anthropic --expires-in 365d',
      'openclaw models auth paste-token --provider anthropic --profile-id anthropic:sub --ref exec:vault:claude/token',
    ],
    load: () => import('./commands/auth-paste.ts'),
  },
  {
    path: ['models', 'auth', 'paste-api-key'],
    summary: 'Store an API key read from stdin or a hidden prompt',
    options: { agent, provider, 'profile-id': profileId, ref },
    examples: [
      'printf \'%s\\n\' "$KEY" | openclaw models auth paste-api-key --provider openai',
      'openclaw models auth paste-api-key --provider anthropic --profile-id anthropic:prod --ref file:local:/anthropic/prod',
    ],
    load: () => import('./commands/auth-paste.ts'),
  },
  {
    path: ['models', 'auth', 'list'],
    summary: 'List saved auth profiles of an agent (never secrets)',
    options: { agent, provider, json, plain },
    load: () => import('./commands/auth-list.ts'),
  },
  {
    path: ['models', 'auth', 'logout'],
    summary: 'Remove a saved auth profile (local only; revoke keys in the provider dashboard)',
    args: ['profileId'],
    minArgs: 1,
    maxArgs: 1,
    options: { agent, yes: { type: 'boolean', description: 'Do not ask for confirmation' }, json },
    load: () => import('./commands/auth-logout.ts'),
  },
  {
    path: ['models', 'auth', 'order', 'get'],
    summary: "Show the agent's auth profile order override for a provider",
    options: { agent, provider, json },
    load: () => import('./commands/auth-order.ts'),
  },
  {
    path: ['models', 'auth', 'order', 'set'],
    summary: 'Lock rotation for a provider to exactly these profiles, in this order',
    args: ['profileIds...'],
    minArgs: 0,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { agent, provider, json },
    examples: ['openclaw models auth order set --agent work-agent --provider anthropic anthropic:work'],
    load: () => import('./commands/auth-order.ts'),
  },
  {
    path: ['models', 'auth', 'order', 'clear'],
    summary: 'Remove the override (back to auth.order in config, or round-robin)',
    options: { agent, provider, json },
    load: () => import('./commands/auth-order.ts'),
  },
  {
    path: ['models', 'auth', 'clear-cooldown'],
    summary: 'Clear cooldowns and disables of one profile (e.g. after topping up credits)',
    args: ['profileId'],
    minArgs: 1,
    maxArgs: 1,
    options: { agent, json },
    load: () => import('./commands/auth-clear-cooldown.ts'),
  },
  {
    path: ['secrets', 'audit'],
    summary: 'Find plaintext credentials, shadowed refs and unresolved SecretRefs (never prints values)',
    options: {
      json,
      check: { type: 'boolean', description: 'Exit 0 clean, 1 findings, 2 unresolved refs (for CI/cron)' },
      'allow-exec': { type: 'boolean', description: 'Also run exec providers to check their refs' },
    },
    examples: ['openclaw secrets audit', 'openclaw secrets audit --check --allow-exec'],
    load: () => import('./commands/secrets-audit.ts'),
  },
  {
    path: ['secrets', 'reload'],
    summary: 'Re-resolve every SecretRef now and report each one ok or failed',
    options: { json },
    load: () => import('./commands/secrets-reload.ts'),
  },
  {
    path: ['gateway'],
    summary: 'Run the gateway in the foreground (default 127.0.0.1:18789)',
    options: {
      port: {
        type: 'string',
        valueName: 'port',
        description: 'Port (default 18789 or OPENCLAW_GATEWAY_PORT)',
      },
      bind: { type: 'string', valueName: 'host', description: 'Bind address (default 127.0.0.1)' },
    },
    load: () => import('./commands/gateway.ts'),
  },
]

/** `openclaw models` and `openclaw models --json` are `models status`. */
export const ALIASES: ReadonlyArray<{ from: readonly string[]; to: readonly string[] }> = [
  { from: ['models'], to: ['models', 'status'] },
]
