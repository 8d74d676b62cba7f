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
const systemOpt: OptionDef = {
  type: 'boolean',
  description:
    'The systemd system unit /etc/systemd/system/openclaw-gateway.service (needs root) instead of the user unit',
}
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

/** `models status --probe` flags (auth-spec 3.1); validated in src/probe/options.ts. */
const PROBE_OPTIONS: Readonly<Record<string, OptionDef>> = {
  probe: { type: 'boolean', description: 'Send a real minimal request per credential (may cost tokens)' },
  'probe-provider': { type: 'string', valueName: 'id', description: 'Probe only this provider' },
  'probe-profile': {
    type: 'string',
    multiple: true,
    valueName: 'id,...',
    description: 'Probe only these profiles (repeatable, comma-separated)',
  },
  'probe-timeout': { type: 'string', valueName: 'ms', description: 'Per-probe timeout (default 8000)' },
  'probe-concurrency': { type: 'string', valueName: 'n', description: 'Probes in parallel (default 2)' },
  'probe-max-tokens': {
    type: 'string',
    valueName: 'n',
    description: 'Max output tokens per probe (default 8)',
  },
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
      ...PROBE_OPTIONS,
    },
    examples: [
      'openclaw models status',
      'openclaw models status --check',
      'openclaw models status --json',
      'openclaw models status --probe --probe-provider anthropic --probe-timeout 5000',
    ],
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
    path: ['models', 'auth', 'login'],
    summary: 'Log in to a provider: OAuth in the browser (openai), or an API key / setup-token / Claude CLI',
    options: {
      agent,
      provider,
      'profile-id': {
        type: 'string',
        valueName: 'id',
        description: 'Profile id (default <provider>:<email> from the login, else <provider>:default)',
      },
      method: {
        type: 'string',
        valueName: 'm',
        description: 'oauth (default where available), api-key; anthropic also setup-token, cli',
      },
      force: {
        type: 'boolean',
        description:
          "Delete this provider's saved profiles in the agent first (revokes nothing at the provider)",
      },
      'set-default': {
        type: 'boolean',
        description:
          "Also make the provider's recommended model (with --method cli: --model, else the recommended one, routed to claude-cli) the default",
      },
      model: {
        type: 'string',
        valueName: 'ref',
        description: 'With --method cli: route this anthropic/<model> to the claude-cli runtime',
      },
    },
    examples: [
      'openclaw models auth login --provider openai',
      'openclaw models auth login --provider openai --profile-id openai:work --force',
      'printf \'%s\\n\' "$KEY" | openclaw models auth login --provider anthropic --method api-key',
      'openclaw models auth login --provider anthropic --method cli',
      'openclaw models auth login --provider anthropic --method cli --set-default',
      'openclaw models auth login --provider anthropic --method cli --model anthropic/claude-opus-4-1',
    ],
    load: () => import('./commands/auth-login.ts'),
  },
  {
    path: ['models', 'auth', 'setup-token'],
    summary: 'Run `claude setup-token` (needs a terminal) and store the token it prints',
    options: {
      agent,
      provider,
      'profile-id': { ...profileId, description: 'Profile id anthropic:<name> (default anthropic:default)' },
      'expires-in': {
        type: 'string',
        valueName: 'duration',
        description:
          'Token lifetime to record, e.g. 365d (default: the lifetime claude states, else 365d; --check warns 24h before)',
      },
      yes: { type: 'boolean', description: 'Overwrite an existing profile with the same id without asking' },
    },
    examples: ['openclaw models auth setup-token --provider anthropic'],
    load: () => import('./commands/auth-setup-token.ts'),
  },
  {
    path: ['models', 'auth', 'list'],
    summary: 'List saved auth profiles of an agent (never secrets)',
    options: { agent, provider, json, plain },
    load: () => import('./commands/auth-list.ts'),
  },
  {
    path: ['models', 'auth', 'logout'],
    summary:
      'Remove a saved auth profile, or all of a provider (local only; revoke keys in the provider dashboard)',
    args: ['profileId'],
    minArgs: 0,
    maxArgs: 1,
    options: {
      agent,
      provider: {
        ...provider,
        description: 'Remove every saved profile of this provider (aborts its running requests)',
      },
      yes: { type: 'boolean', description: 'Do not ask for confirmation' },
      json,
    },
    examples: [
      'openclaw models auth logout anthropic:work --yes',
      'openclaw models auth logout --provider anthropic --yes',
    ],
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
    summary: 'Clear cooldowns and disables of a profile or env key (e.g. after topping up credits)',
    args: ['profileId|env:VAR[n]|models.providers.<id>.apiKey'],
    minArgs: 0,
    maxArgs: 1,
    options: {
      agent,
      json,
      provider: { ...provider, description: 'With --env: the provider whose env/config keys to clear' },
      env: { type: 'boolean', description: 'Clear every stored env/config key cooldown of --provider' },
    },
    examples: [
      'openclaw models auth clear-cooldown anthropic:work',
      'openclaw models auth clear-cooldown env:ANTHROPIC_API_KEYS[1]',
      'openclaw models auth clear-cooldown --provider anthropic --env',
    ],
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
    path: ['doctor'],
    summary: 'Check auth health, permissions, env, config, gateway; --fix imports legacy auth files',
    options: {
      agent,
      json,
      fix: {
        type: 'boolean',
        description: 'Apply fixes and migrations (verified before anything is archived)',
      },
      deep: { type: 'boolean', description: 'Also check that each provider origin is reachable' },
      yes: {
        type: 'boolean',
        description: 'Accept offered imports (e.g. a legacy ~/.clawdbot dir) without asking',
      },
      'non-interactive': { type: 'boolean', description: 'Never prompt; only safe fixes' },
      'allow-exec': { type: 'boolean', description: 'Also run exec secret providers to check their refs' },
    },
    examples: ['openclaw doctor', 'openclaw doctor --fix', 'openclaw doctor --json --deep'],
    load: () => import('./commands/doctor.ts'),
  },
  {
    path: ['backup'],
    summary: 'Back up credential stores (consistent online copies, 0700/0600; they hold secrets)',
    options: {
      agent: { ...agent, description: 'Back up only this agent (default: every agent)' },
      all: { type: 'boolean', description: 'Every agent (the default; for scripts that want to say so)' },
      out: {
        type: 'string',
        valueName: 'dir',
        description: 'Where to create openclaw-backup-<timestamp>/ (default <state>/backups)',
      },
      json,
    },
    examples: [
      'openclaw backup',
      'openclaw backup --agent work --out /mnt/private/openclaw',
      'openclaw backup --json',
    ],
    load: () => import('./commands/backup.ts'),
  },
  {
    path: ['onboard'],
    summary: 'Set up a model credential: verify it with a real request, then save it',
    options: {
      agent,
      'non-interactive': {
        type: 'boolean',
        description: 'No prompts; everything comes from flags, env or stdin',
      },
      'auth-choice': {
        type: 'string',
        valueName: 'id',
        description: 'anthropic-api-key (apiKey), openai-api-key, openrouter-api-key, gemini-api-key, token',
      },
      'api-key': {
        type: 'string',
        valueName: 'key',
        description: 'API key (visible in `ps`; prefer stdin or the provider env var)',
      },
      'token-provider': { type: 'string', valueName: 'id', description: 'Provider of --auth-choice token' },
      token: { type: 'string', valueName: 'token', description: 'Token (visible in `ps`; prefer stdin)' },
      'token-profile-id': {
        type: 'string',
        valueName: 'id',
        description: 'Profile id (default <provider>:manual)',
      },
      'token-expires-in': { type: 'string', valueName: 'duration', description: 'Token lifetime, e.g. 365d' },
      'secret-input-mode': {
        type: 'string',
        valueName: 'mode',
        description: 'plaintext (default) stores the secret; ref stores an env SecretRef',
      },
      'key-storage': {
        type: 'string',
        valueName: 'where',
        description: 'store (default): the credential store; dotenv: <state>/.env for systemd/launchd',
      },
      'skip-verify': {
        type: 'boolean',
        description: 'Save without the verification request (not recommended)',
      },
      json,
    },
    examples: [
      'openclaw onboard',
      'printf \'%s\\n\' "$KEY" | openclaw onboard --non-interactive --auth-choice anthropic-api-key --key-storage dotenv',
      'printf \'%s\\n\' "$TOKEN" | openclaw onboard --non-interactive --auth-choice token --token-provider anthropic',
    ],
    load: () => import('./commands/onboard.ts'),
  },
  {
    path: ['gateway', 'install'],
    summary: 'Install the gateway as a user service (systemd user unit; launchd on macOS), or --system',
    options: {
      port: { type: 'string', valueName: 'port', description: 'Port the service listens on (default 18789)' },
      system: systemOpt,
      'run-as': {
        type: 'string',
        valueName: 'user',
        description: 'With --system: the account the gateway runs as (default: the user who ran sudo)',
      },
      json,
    },
    examples: [
      'openclaw gateway install',
      'sudo "$(command -v openclaw)" gateway install --system   # then: sudo systemctl restart openclaw-gateway',
    ],
    load: () => import('./commands/gateway-service.ts'),
  },
  {
    path: ['gateway', 'uninstall'],
    summary: 'Stop and remove the gateway user service (--system: the system unit)',
    options: { system: systemOpt, json },
    load: () => import('./commands/gateway-service.ts'),
  },
  {
    path: ['gateway', 'status'],
    summary: 'Show whether the gateway user service is installed and running (--system: the system unit)',
    options: { system: systemOpt, json },
    load: () => import('./commands/gateway-service.ts'),
  },
  {
    path: ['gateway', 'restart'],
    summary:
      'Restart the gateway user service after editing keys in <state>/.env (--system: the system unit)',
    options: { system: systemOpt, json },
    load: () => import('./commands/gateway-service.ts'),
  },
  {
    path: ['gateway', 'set-password'],
    summary: 'Set the gateway password (stdin or hidden prompt); only its scrypt hash is stored',
    options: { json },
    examples: [
      'openclaw gateway set-password',
      'printf \'%s\\n\' "$PASSWORD" | openclaw gateway set-password',
    ],
    load: () => import('./commands/gateway-set-password.ts'),
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
      'tls-cert': {
        type: 'string',
        valueName: 'file',
        description: 'Serve HTTPS with this PEM certificate (with --tls-key; else gateway.tls)',
      },
      'tls-key': {
        type: 'string',
        valueName: 'file',
        description: 'PEM private key of --tls-cert (mode 0600, owned by you)',
      },
    },
    examples: ['openclaw gateway --tls-cert ./gateway.pem --tls-key ./gateway-key.pem'],
    load: () => import('./commands/gateway.ts'),
  },
]

/** `openclaw models` and `openclaw models --json` are `models status`. */
export const ALIASES: ReadonlyArray<{ from: readonly string[]; to: readonly string[] }> = [
  { from: ['models'], to: ['models', 'status'] },
]
