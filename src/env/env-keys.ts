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

/**
 * Prefixes read after the DECISIONS section 6 formula (`GOOGLE` for google): OpenClaw has always
 * published Google's keys under GEMINI_*, so both families are read, the formula's first.
 */
const EXTRA_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  google: ['GEMINI'],
  'google-vertex': ['GEMINI'],
}

/** The prefix new keys are written under (onboard): OpenClaw's name, which every build reads. */
const WRITE_PREFIX: Readonly<Record<string, string>> = { google: 'GEMINI', 'google-vertex': 'GEMINI' }

/**
 * Extra single-key vars read after everything else, per provider. `GOOGLE_API_KEY` stays the
 * last resort even though the formula would rank it with the singles: a GEMINI_API_KEY set next
 * to it has always won, and silently swapping which key serves would surprise.
 */
const FALLBACK_VARS: Readonly<Record<string, readonly string[]>> = {
  google: ['GOOGLE_API_KEY'],
  'google-vertex': ['GOOGLE_API_KEY'],
}

function providerKey(provider: string): string {
  return provider.trim().toLowerCase()
}

function formulaPrefix(id: string): string {
  return id.toUpperCase().replace(/-/g, '_')
}

/** The prefix a new key for the provider is written under (`GEMINI` for Google). */
export function providerEnvPrefix(provider: string): string {
  const id = providerKey(provider)
  return WRITE_PREFIX[id] ?? formulaPrefix(id)
}

/** Every prefix read for the provider, in priority order (`GOOGLE`, `GEMINI` for google). */
export function providerEnvPrefixes(provider: string): string[] {
  const id = providerKey(provider)
  return [...new Set([formulaPrefix(id), ...(EXTRA_PREFIXES[id] ?? [])])]
}

/** Comma, semicolon and any whitespace separate keys (the auth docs and the source agree). */
export function splitKeyList(value: string): string[] {
  return value.split(/[\s,;]+/).filter((part) => part.length > 0)
}

interface VarPlan {
  pins: string[]
  lists: string[]
  singles: string[]
  numbered: string[]
  fallbacks: readonly string[]
}

/**
 * The variables read, rank by rank: pins, lists, singles, numbered, fallbacks; within a rank
 * the formula's prefix before OpenClaw's alias.
 */
function varPlan(provider: string, env: Env): VarPlan {
  const prefixes = providerEnvPrefixes(provider)
  const fallbacks = FALLBACK_VARS[providerKey(provider)] ?? []
  return {
    pins: prefixes.map((p) => `OPENCLAW_LIVE_${p}_KEY`),
    lists: prefixes.flatMap((p) => [`${p}_API_KEYS`, `OPENCLAW_LIVE_${p}_KEYS`]),
    singles: prefixes.map((p) => `${p}_API_KEY`).filter((n) => !fallbacks.includes(n)),
    numbered: prefixes.flatMap((p) => numberedKeyVars(p, env)),
    fallbacks,
  }
}

/**
 * Names consulted for the provider, in priority order, for status/doctor output. Numbered
 * `<P>_API_KEY_*` vars are listed only as they exist in `env`.
 */
export function envKeyVarNames(provider: string, env: Env): string[] {
  const v = varPlan(provider, env)
  return [...v.pins, ...v.lists, ...v.singles, ...v.numbered, ...v.fallbacks]
}

/**
 * Deduped candidate keys. A set `OPENCLAW_LIVE_<P>_KEY` pins exactly one key (no rotation).
 * The seed docs' `<P>_API_KEYS` is read before OpenClaw's newer `OPENCLAW_LIVE_<P>_KEYS` so the
 * documented name wins when both are set; both are still honoured.
 */
export function collectEnvApiKeys(provider: string, env: Env): EnvKey[] {
  const v = varPlan(provider, env)
  for (const pinName of v.pins) {
    const pinned = normalize(env[pinName])
    if (pinned !== undefined) return [{ value: pinned, varName: pinName, source: `env: ${pinName}` }]
  }

  const out: EnvKey[] = []
  const seen = new Set<string>()
  const add = (raw: string | undefined, varName: string, source: string): void => {
    const value = normalize(raw)
    if (value === undefined || seen.has(value)) return
    seen.add(value)
    out.push({ value, varName, source })
  }
  for (const varName of v.lists) {
    const raw = env[varName]
    if (raw === undefined) continue
    for (const [i, part] of splitKeyList(raw).entries()) add(part, varName, `env: ${varName}[${i}]`)
  }
  for (const name of [...v.singles, ...v.numbered, ...v.fallbacks]) add(env[name], name, `env: ${name}`)
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
