/**
 * What openclaw.json may contain (auth-spec 1.8, 1.9, appendix A), written with the tiny DSL.
 * Errors make the config unusable; unknown keys only warn, so a config written by a newer
 * OpenClaw still loads. Secrets are only ever referenced here (`${VAR}` or a SecretRef).
 */
import type { ProfileMode } from '../auth/types.ts'
import { parsePasswordHash } from '../gateway/auth/password-hash.ts'
import { SCOPE_NAMES } from '../gateway/auth/scopes.ts'
import { agentIdViolation } from './paths.ts'
import {
  anyObject,
  boolean,
  type Ctx,
  INVALID,
  type Issue,
  isPlainObject,
  joinPath,
  number,
  optional,
  type Schema,
  SKIP,
  string,
} from './schema-dsl.ts'
import { array, object, record, union } from './schema-dsl-containers.ts'
import {
  modelsSchema,
  nonEmpty,
  PROVIDER_ID_RE,
  positiveInt,
  providerId,
  providerKey,
  secretInput,
  text,
} from './schema-models.ts'
import { secretsSchema } from './schema-secrets.ts'
import type {
  AgentEntry,
  AuthProfileConfig,
  GatewayAuthConfig,
  GatewayClientConfig,
  ModelSelection,
  OpenclawConfig,
} from './types.ts'

export { PROVIDER_APIS, secretRefSchema } from './schema-models.ts'

/** Written by redacting serialisers; a config containing it was copied from redacted output. */
export const REDACTED_SENTINEL = '__OPENCLAW_REDACTED__'

const PROFILE_MODES: readonly ProfileMode[] = ['api_key', 'token', 'oauth', 'aws-sdk']

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/
const PROFILE_NAME_RE = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]{0,127}$/

const AGENT_ID_EXPECTED = 'an agent id matching ^[a-z0-9][a-z0-9_-]{0,63}$ (case-insensitive)'

function profileIdKey(k: string): string | undefined {
  const colon = k.indexOf(':')
  const ok = colon > 0 && PROVIDER_ID_RE.test(k.slice(0, colon)) && PROFILE_NAME_RE.test(k.slice(colon + 1))
  return ok ? undefined : 'expected a profile id <provider>:<name>, e.g. "anthropic:work"'
}

const modelSelection = union<string | ModelSelection>(
  [nonEmpty, object<ModelSelection>({ primary: optional(nonEmpty), fallbacks: optional(array(nonEmpty)) })],
  'a model ref string or {primary, fallbacks}',
)

const agentEntry = object<AgentEntry>({
  id: string({
    validate: (v) => (agentIdViolation(v) === undefined ? undefined : `expected ${AGENT_ID_EXPECTED}`),
    transform: (v) => v.toLowerCase(),
  }),
  default: optional(boolean()),
  name: optional(text),
  model: optional(modelSelection),
})

function checkAgentList(list: AgentEntry[], path: string, ctx: Ctx): AgentEntry[] {
  const seen = new Map<string, number>()
  let defaults = 0
  list.forEach((a, i) => {
    const prev = seen.get(a.id)
    if (prev !== undefined) {
      ctx.errors.push({
        path: joinPath(joinPath(path, i), 'id'),
        message: `duplicate agent id "${a.id}" (also at index ${prev})`,
      })
    }
    seen.set(a.id, i)
    if (a.default === true && ++defaults === 2) {
      ctx.warnings.push({
        path: joinPath(joinPath(path, i), 'default'),
        message: 'more than one agent has default: true; the first one wins',
      })
    }
  })
  return list
}
const agentList = array(agentEntry)
const agentListChecked: Schema<AgentEntry[]> = {
  ...agentList,
  check(value, path, ctx) {
    const r = agentList.check(value, path, ctx)
    return r === INVALID || r === SKIP ? r : checkAgentList(r, path, ctx)
  },
}

const agents = object<NonNullable<OpenclawConfig['agents']>>({
  defaults: optional(
    object<NonNullable<NonNullable<OpenclawConfig['agents']>['defaults']>>({
      model: optional(modelSelection),
      models: optional(
        record(
          object<{ alias?: string }>({
            alias: optional(nonEmpty),
            agentRuntime: optional(object({ id: optional(nonEmpty) }, { unknownKeys: 'allow' })),
            params: optional(anyObject()),
          }),
        ),
      ),
      cliBackends: optional(
        record(object<{ command?: string }>({ command: optional(nonEmpty) }, { unknownKeys: 'allow' })),
      ),
    }),
  ),
  list: optional(agentListChecked),
})

const authProfile = object<AuthProfileConfig>(
  {
    provider: providerId,
    mode: string({ enum: PROFILE_MODES }),
    email: optional(text),
  },
  {
    refine(value, path, ctx) {
      // auth-spec 1.8: OAuth profiles are refreshed by us; a ref would fight the refresh.
      const raw = value as unknown as Record<string, unknown>
      if (value.mode === 'oauth') {
        for (const key of ['keyRef', 'tokenRef']) {
          if (raw[key] !== undefined) {
            ctx.errors.push({
              path: joinPath(path, key),
              message: 'a SecretRef is not allowed on an oauth profile',
            })
          }
        }
      }
      return value
    },
  },
)

const auth = object<NonNullable<OpenclawConfig['auth']>>(
  {
    profiles: optional(record(authProfile, { key: profileIdKey })),
    order: optional(record(array(nonEmpty), { key: providerKey })),
  },
  { retired: { cooldowns: 'retired in 2026.7 (cooldowns are built in); openclaw doctor --fix removes it' } },
)

const env = object<NonNullable<OpenclawConfig['env']>>({
  vars: optional(
    record(text, { key: (k) => (ENV_NAME_RE.test(k) ? undefined : 'expected an environment variable name') }),
  ),
  shellEnv: optional(object({ enabled: optional(boolean()), timeoutMs: optional(positiveInt) })),
})

const CLIENT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

const scopeList = array(string({ enum: SCOPE_NAMES }))
const gatewayClient = object<GatewayClientConfig>({
  name: string({ pattern: CLIENT_NAME_RE, rule: 'a client name of 1-64 letters, digits, ".", "_" or "-"' }),
  token: secretInput,
  scopes: {
    ...scopeList,
    check(value, path, ctx) {
      if (Array.isArray(value) && value.length === 0) {
        ctx.errors.push({
          path,
          message: `expected at least one of ${SCOPE_NAMES.map((n) => `"${n}"`).join(', ')}`,
        })
        return INVALID
      }
      return scopeList.check(value, path, ctx)
    },
  },
})
const gatewayClients = array(gatewayClient)
const gatewayClientsChecked: Schema<GatewayClientConfig[]> = {
  ...gatewayClients,
  check(value, path, ctx) {
    const r = gatewayClients.check(value, path, ctx)
    if (r === INVALID || r === SKIP) return r
    const seen = new Map<string, number>()
    r.forEach((c, i) => {
      const prev = seen.get(c.name)
      if (prev !== undefined)
        ctx.errors.push({
          path: joinPath(joinPath(path, i), 'name'),
          message: `duplicate client name "${c.name}" (also at index ${prev})`,
        })
      seen.set(c.name, i)
    })
    return r
  },
}

const gatewayAuth = object<GatewayAuthConfig>({
  mode: optional(string({ enum: ['none', 'token', 'password', 'trusted-proxy'] as const })),
  token: optional(secretInput),
  password: optional(secretInput),
  passwordHash: optional(
    string({
      validate: (v) => {
        const r = parsePasswordHash(v)
        return 'error' in r ? { message: r.error } : undefined
      },
    }),
  ),
  clients: optional(gatewayClientsChecked),
  allowTailscale: optional(boolean()),
  rateLimit: optional(
    object({
      maxAttempts: optional(positiveInt),
      windowMs: optional(positiveInt),
      lockoutMs: optional(number({ int: true, min: 0 })),
      exemptLoopback: optional(boolean()),
    }),
  ),
  trustedProxy: optional(anyObject()),
})

const gateway = object<NonNullable<OpenclawConfig['gateway']>>({
  port: optional(number({ int: true, min: 1, max: 65535 })),
  bind: optional(nonEmpty),
  auth: optional(gatewayAuth),
  trustedProxies: optional(array(nonEmpty)),
  tls: optional(
    object({
      enabled: optional(boolean()),
      autoGenerate: optional(boolean()),
      certPath: optional(nonEmpty),
      keyPath: optional(nonEmpty),
      caPath: optional(nonEmpty),
      clientAuth: optional(string({ enum: ['none', 'require'] as const })),
      cliCertPath: optional(nonEmpty),
      cliKeyPath: optional(nonEmpty),
    }),
  ),
  remote: optional(anyObject()),
})

export const configSchema: Schema<OpenclawConfig> = object<OpenclawConfig>(
  {
    $schema: optional(text),
    agents: optional(agents),
    auth: optional(auth),
    models: optional(modelsSchema),
    env: optional(env),
    secrets: optional(secretsSchema),
    gateway: optional(gateway),
  },
  { expected: 'a JSON object' },
)

/** The sentinel may hide anywhere (including sections we pass through), so walk everything. */
function findRedacted(value: unknown, path: string, ctx: Ctx): void {
  if (value === REDACTED_SENTINEL) {
    ctx.errors.push({
      path,
      message: `"${REDACTED_SENTINEL}" is a placeholder from redacted output, not a value; put the real value or a SecretRef here`,
    })
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      findRedacted(v, joinPath(path, i), ctx)
    })
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) findRedacted(v, joinPath(path, k), ctx)
  }
}

export interface ConfigValidation {
  config: OpenclawConfig
  errors: Issue[]
  warnings: Issue[]
}

export function validateConfig(raw: unknown): ConfigValidation {
  const ctx: Ctx = { errors: [], warnings: [] }
  findRedacted(raw, '', ctx)
  const result = configSchema.check(raw, '', ctx)
  const config = result === INVALID || result === SKIP ? {} : result
  return { config, errors: ctx.errors, warnings: ctx.warnings }
}
