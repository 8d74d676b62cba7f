/**
 * Env API-key lists for key rotation (DECISIONS section 6, seed docs "API key rotation").
 * Pure: the caller passes the env record. Labels name the variable, never the value.
 */

export interface EnvKey {
  value: string
  varName: string
  /** Human label such as `env: ANTHROPIC_API_KEYS[2]`; safe to print. */
  source: string
}

type Env = Readonly<Record<string, string | undefined>>

/** Google's keys have always been published under GEMINI_*, whichever Google provider id is used. */
const PREFIX_ALIASES: Readonly<Record<string, string>> = { google: 'GEMINI', 'google-vertex': 'GEMINI' }

/** Extra single-key vars read after everything else, per provider. */
const FALLBACK_VARS: Readonly<Record<string, readonly string[]>> = {
  google: ['GOOGLE_API_KEY'],
  'google-vertex': ['GOOGLE_API_KEY'],
}

export function providerEnvPrefix(provider: string): string {
  const id = provider.trim().toLowerCase()
  return PREFIX_ALIASES[id] ?? id.toUpperCase().replace(/-/g, '_')
}

/** Comma, semicolon and any whitespace separate keys (the auth docs and the source agree). */
export function splitKeyList(value: string): string[] {
  return value.split(/[\s,;]+/).filter((part) => part.length > 0)
}

/**
 * Names consulted for the provider, in priority order, for status/doctor output. Numbered
 * `<P>_API_KEY_*` vars are listed only as they exist in `env`.
 */
export function envKeyVarNames(provider: string, env: Env): string[] {
  const p = providerEnvPrefix(provider)
  return [
    `OPENCLAW_LIVE_${p}_KEY`,
    `${p}_API_KEYS`,
    `OPENCLAW_LIVE_${p}_KEYS`,
    `${p}_API_KEY`,
    ...numberedKeyVars(p, env),
    ...(FALLBACK_VARS[provider.trim().toLowerCase()] ?? []),
  ]
}

/**
 * Deduped candidate keys. A set `OPENCLAW_LIVE_<P>_KEY` pins exactly one key (no rotation).
 * The seed docs' `<P>_API_KEYS` is read before OpenClaw's newer `OPENCLAW_LIVE_<P>_KEYS` so the
 * documented name wins when both are set; both are still honoured.
 */
export function collectEnvApiKeys(provider: string, env: Env): EnvKey[] {
  const p = providerEnvPrefix(provider)
  const pinName = `OPENCLAW_LIVE_${p}_KEY`
  const pinned = normalize(env[pinName])
  if (pinned !== undefined) return [{ value: pinned, varName: pinName, source: `env: ${pinName}` }]

  const out: EnvKey[] = []
  const seen = new Set<string>()
  const add = (raw: string | undefined, varName: string, source: string): void => {
    const value = normalize(raw)
    if (value === undefined || seen.has(value)) return
    seen.add(value)
    out.push({ value, varName, source })
  }
  const addList = (varName: string): void => {
    const raw = env[varName]
    if (raw === undefined) return
    for (const [i, part] of splitKeyList(raw).entries()) add(part, varName, `env: ${varName}[${i}]`)
  }
  const addSingle = (varName: string): void => add(env[varName], varName, `env: ${varName}`)

  addList(`${p}_API_KEYS`)
  addList(`OPENCLAW_LIVE_${p}_KEYS`)
  addSingle(`${p}_API_KEY`)
  for (const name of numberedKeyVars(p, env)) addSingle(name)
  for (const name of FALLBACK_VARS[provider.trim().toLowerCase()] ?? []) addSingle(name)
  return out
}

/** Shells and .env files leak these literal strings when a variable was interpolated unset. */
const PLACEHOLDERS = new Set(['undefined', 'null'])

function normalize(raw: string | undefined): string | undefined {
  const value = raw?.trim()
  if (!value || PLACEHOLDERS.has(value)) return undefined
  return value
}

/** Every `<P>_API_KEY_<suffix>` in natural order, so `_2` comes before `_10`. */
function numberedKeyVars(prefix: string, env: Env): string[] {
  const stem = `${prefix}_API_KEY_`
  return Object.keys(env)
    .filter((name) => name.startsWith(stem) && name.length > stem.length)
    .sort((a, b) => naturalCompare(a.slice(stem.length), b.slice(stem.length)))
}

const RUN = /\d+|\D+/g

/**
 * `_2` before `_10`: digit runs compare as numbers, everything else by code unit. Written out
 * rather than Intl.Collator, whose construction alone cost every CLI start ~14 ms.
 */
export function naturalCompare(a: string, b: string): number {
  const x = a.match(RUN) ?? []
  const y = b.match(RUN) ?? []
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!
    const q = y[i]!
    if (p === q) continue
    const pd = p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57
    const qd = q.charCodeAt(0) >= 48 && q.charCodeAt(0) <= 57
    if (pd && qd) {
      const ps = p.replace(/^0+(?=\d)/, '')
      const qs = q.replace(/^0+(?=\d)/, '')
      if (ps.length !== qs.length) return ps.length - qs.length
      if (ps !== qs) return ps < qs ? -1 : 1
      continue
    }
    return p < q ? -1 : 1
  }
  if (x.length !== y.length) return x.length - y.length
  return a < b ? -1 : a > b ? 1 : 0
}
