/**
 * `secrets.providers.<alias>` and `secrets.defaults` (auth-spec 1.9). Each provider is strict
 * per source: an exec provider is code execution configured by a file (R5), so a misspelt
 * `timeoutMs` or a relative `command` must stop start-up rather than be ignored.
 */
import path from 'node:path'
import { ALIAS_RE, ENV_ID_RE, RULES } from '../secrets/ref.ts'
import {
  type Ctx,
  describe,
  INVALID,
  isPlainObject,
  joinPath,
  number,
  optional,
  type Schema,
  string,
  typeError,
} from './schema-dsl.ts'
import { array, object, record } from './schema-dsl-containers.ts'
import type {
  EnvSecretProviderConfig,
  ExecSecretProviderConfig,
  FileSecretProviderConfig,
  OpenclawConfig,
  SecretProviderConfig,
} from './types.ts'

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/
const MAX_TIMEOUT_MS = 300_000
const MAX_BYTES = 16 * 1024 * 1024

const absolutePath = string({
  rule: 'an absolute path',
  validate: (v) =>
    path.isAbsolute(v) && !/[\u0000-\u001f\u007f]/.test(v) ? undefined : 'expected an absolute path',
})
const timeoutMs = number({ int: true, min: 1, max: MAX_TIMEOUT_MS })
const byteLimit = number({ int: true, min: 1, max: MAX_BYTES })
const envName = string({ pattern: ENV_NAME_RE, rule: 'an environment variable name' })
const strict = { unknownKeys: 'error' } as const

const envProvider = object<EnvSecretProviderConfig>(
  {
    source: string({ enum: ['env'] as const }),
    allowlist: optional(array(string({ pattern: ENV_ID_RE, rule: RULES.env }))),
  },
  strict,
)

const fileProvider = object<FileSecretProviderConfig>(
  {
    source: string({ enum: ['file'] as const }),
    path: absolutePath,
    mode: optional(string({ enum: ['json', 'singleValue'] as const })),
    timeoutMs: optional(timeoutMs),
    maxBytes: optional(byteLimit),
  },
  strict,
)

const execProvider = object<ExecSecretProviderConfig>(
  {
    source: string({ enum: ['exec'] as const }),
    command: absolutePath,
    args: optional(array(string({ secret: true }))),
    passEnv: optional(array(envName)),
    env: optional(
      record(string({ secret: true }), {
        key: (k) => (ENV_NAME_RE.test(k) ? undefined : 'expected an environment variable name'),
      }),
    ),
    trustedDirs: optional(array(absolutePath)),
    timeoutMs: optional(timeoutMs),
    noOutputTimeoutMs: optional(timeoutMs),
    maxOutputBytes: optional(byteLimit),
  },
  strict,
)

const BY_SOURCE: Readonly<Record<string, Schema<SecretProviderConfig>>> = {
  env: envProvider,
  file: fileProvider,
  exec: execProvider,
}

/** Dispatches on `source`, so each source's own keys are the only ones accepted. */
const secretProvider: Schema<SecretProviderConfig> = {
  expected: 'a secret provider {source: "env" | "file" | "exec", ...}',
  optional: false,
  matchesType: isPlainObject,
  check(value, p, ctx) {
    if (!isPlainObject(value)) return typeError(ctx, p, this.expected, value)
    const schema = typeof value.source === 'string' ? BY_SOURCE[value.source] : undefined
    if (!schema) {
      ctx.errors.push({
        path: joinPath(p, 'source'),
        message: `expected one of "env", "file", "exec", got ${describe(value.source)}`,
      })
      return INVALID
    }
    return schema.check(value, p, ctx)
  },
}

type SecretsSection = NonNullable<OpenclawConfig['secrets']>
type Defaults = NonNullable<SecretsSection['defaults']>

const alias = string({ pattern: ALIAS_RE, rule: 'a secret provider alias matching ^[a-z][a-z0-9_-]{0,63}$' })

export const secretsSchema = object<SecretsSection>(
  {
    providers: optional(
      record(secretProvider, {
        key: (k) => (ALIAS_RE.test(k) ? undefined : 'expected an alias matching ^[a-z][a-z0-9_-]{0,63}$'),
      }),
    ),
    defaults: optional(
      object<Defaults>({ env: optional(alias), file: optional(alias), exec: optional(alias) }, strict),
    ),
  },
  { refine: checkDefaults },
)

/** A default alias must name a provider of its own source (env may use the built-in one). */
function checkDefaults(value: SecretsSection, p: string, ctx: Ctx): SecretsSection {
  for (const source of ['env', 'file', 'exec'] as const) {
    const name = value.defaults?.[source]
    if (name === undefined) continue
    const entry = value.providers?.[name]
    const where = joinPath(joinPath(p, 'defaults'), source)
    if (entry && entry.source !== source) {
      ctx.errors.push({
        path: where,
        message: `secrets.providers.${name} is ${entry.source === 'env' ? 'an' : 'a'} ${entry.source} provider, not ${source}`,
      })
    } else if (!entry && source !== 'env') {
      ctx.warnings.push({ path: where, message: `no secrets.providers.${name} is configured` })
    }
  }
  return value
}
