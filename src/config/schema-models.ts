/**
 * The `models` section (auth-spec 1.8) plus the leaf schemas shared by every section: ids,
 * SecretRef and SecretInput. A provider whose `api` this build does not know is skipped with a
 * warning instead of failing start-up, so configs written for newer adapters keep working.
 */
import type { SecretRef } from '../auth/types.ts'
import { ALIAS_RE, refIdViolation } from '../secrets/ref.ts'
import {
  anyObject,
  boolean,
  describe,
  INVALID,
  isPlainObject,
  joinPath,
  number,
  optional,
  type Schema,
  SKIP,
  string,
} from './schema-dsl.ts'
import { array, object, preCheck, record, union } from './schema-dsl-containers.ts'
import type {
  OAuthProviderSettings,
  OpenclawConfig,
  ProviderApi,
  ProviderConfig,
  ProviderModelConfig,
  SecretInput,
} from './types.ts'

export const PROVIDER_APIS: readonly ProviderApi[] = [
  'anthropic-messages',
  'openai-completions',
  'google-generative-ai',
]
export const PROVIDER_ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/
const PROVIDER_RULE = 'a provider id matching ^[a-z0-9][a-z0-9._-]{0,63}$'

export { ALIAS_RE }

const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Connection handling and body framing belong to the upstream HTTP client, which refuses them. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'expect',
  'te',
  'trailer',
])

function headerNameProblem(k: string): string | undefined {
  if (!HEADER_NAME_RE.test(k)) return 'expected an HTTP header name'
  if (TRANSPORT_HEADERS.has(k.toLowerCase()))
    return "the gateway's HTTP client sets this header itself; remove it"
  return undefined
}
export const providerKey = (k: string) => (PROVIDER_ID_RE.test(k) ? undefined : `expected ${PROVIDER_RULE}`)

export const providerId = string({ pattern: PROVIDER_ID_RE, rule: PROVIDER_RULE })
export const alias = string({
  pattern: ALIAS_RE,
  rule: 'a secret provider alias matching ^[a-z][a-z0-9_-]{0,63}$',
})
export const text = string()
export const nonEmpty = string({ nonEmpty: true })
export const positiveInt = number({ int: true, gt: 0 })

function httpUrl(value: string): string | { message: string } | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'expected an http:// or https:// URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http:// or https:// URL'
  // Credentials in a URL end up in logs and error messages, so neither accept nor echo them.
  if (url.username !== '' || url.password !== '') {
    return { message: 'expected a URL without user:password@ (credentials belong in apiKey or headers)' }
  }
  return undefined
}
const baseUrl = string({ validate: httpUrl, rule: 'an http:// or https:// URL' })

export const secretRefSchema: Schema<SecretRef> = object<SecretRef>(
  {
    source: string({ enum: ['env', 'file', 'exec'] as const }),
    provider: alias,
    id: nonEmpty,
  },
  {
    unknownKeys: 'error',
    expected: 'a SecretRef {source, provider, id}',
    refine(value, path, ctx) {
      // The id grammar depends on the source; the message quotes the rule, never the id (A-06).
      const bad = refIdViolation(value.source, value.id)
      if (bad === undefined) return value
      ctx.errors.push({ path: joinPath(path, 'id'), message: bad })
      return INVALID
    },
  },
)

export const secretInput: Schema<SecretInput> = union<SecretInput>(
  [string({ secret: true }), secretRefSchema],
  'a string or a SecretRef {source, provider, id}',
)

const providerModel = object<ProviderModelConfig>({
  id: nonEmpty,
  name: optional(text),
  contextWindow: optional(positiveInt),
  maxTokens: optional(positiveInt),
  contextTokens: optional(positiveInt),
  input: optional(array(nonEmpty)),
  reasoning: optional(boolean()),
  cost: optional(anyObject()),
  compat: optional(anyObject()),
})

/** Token endpoints receive refresh tokens: plain http only on loopback (tests, local servers). */
function oauthUrl(value: string): string | { message: string } | undefined {
  const base = httpUrl(value)
  if (base !== undefined) return base
  const url = new URL(value)
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol === 'http:' && !loopback) return 'expected an https:// URL (http:// only on localhost)'
  return undefined
}
const oauthEndpoint = string({ validate: oauthUrl, rule: 'an https:// URL (http:// only on localhost)' })

const oauthSettings = object<OAuthProviderSettings>({
  authorizeUrl: optional(oauthEndpoint),
  tokenUrl: optional(oauthEndpoint),
  clientId: optional(nonEmpty),
  scopes: optional(
    union<string[] | string>([array(nonEmpty), nonEmpty], 'a list of scopes or a space-separated string'),
  ),
  redirectPort: optional(number({ int: true, min: 0, max: 65535 })),
  redirectPath: optional(string({ pattern: /^\/[A-Za-z0-9._~/-]*$/, rule: 'a path starting with /' })),
  authorizeParams: optional(record(text)),
})

const providerBody = object<ProviderConfig>({
  baseUrl: optional(baseUrl),
  api: optional(string({ enum: PROVIDER_APIS })),
  apiKey: optional(secretInput),
  auth: optional(string({ enum: ['api-key', 'token', 'oauth', 'aws-sdk'] as const })),
  authHeader: optional(boolean()),
  headers: optional(
    record(secretInput, {
      key: headerNameProblem,
    }),
  ),
  timeoutSeconds: optional(number({ gt: 0 })),
  maxTokens: optional(positiveInt),
  models: optional(array(providerModel)),
  request: optional(anyObject()),
  localService: optional(anyObject()),
  oauth: optional(oauthSettings),
})

/** auth-spec 1.8: an api this build does not know skips that provider instead of failing startup. */
const provider = preCheck(providerBody, (value, path, ctx) => {
  if (!isPlainObject(value) || typeof value.api !== 'string') return undefined
  if ((PROVIDER_APIS as readonly string[]).includes(value.api)) return undefined
  const legacy =
    value.api === 'openai' ? ' (legacy name; openclaw doctor --fix renames it to "openai-completions")' : ''
  ctx.warnings.push({
    path: joinPath(path, 'api'),
    message: `unsupported api ${describe(value.api)}${legacy}; expected one of ${PROVIDER_APIS.map((a) => `"${a}"`).join(', ')}; provider skipped`,
  })
  return SKIP
})

export const modelsSchema = object<NonNullable<OpenclawConfig['models']>>({
  mode: optional(string({ enum: ['merge', 'replace'] as const })),
  providers: optional(record(provider, { key: providerKey })),
})
