/**
 * Reading what `claude setup-token` prints: the token is taken from the output (ANSI stripped,
 * re-joined when the terminal wrapped it), and the copy of the output we echo to the user has
 * the token hidden - from its first characters until the next blank line, so no part of a
 * wrapped token reaches our stdout.
 */

export const SETUP_TOKEN_PREFIX = 'sk-ant-oat01-'
const TOKEN_CHARS = /[A-Za-z0-9_-]/
export const SETUP_TOKEN_RE = /^sk-ant-oat01-[A-Za-z0-9_-]{20,}$/

const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '')
}

/** The last token in the output, or undefined. */
export function extractSetupToken(raw: string): string | undefined {
  const text = stripAnsi(raw).replace(/\r/g, '')
  const at = text.lastIndexOf(SETUP_TOKEN_PREFIX)
  if (at < 0) return undefined
  let token = ''
  let i = at
  for (;;) {
    while (i < text.length && TOKEN_CHARS.test(text[i]!)) token += text[i++]
    // A wrapped token continues on the next line when that line is token characters only.
    if (text[i] !== '\n') break
    const end = text.indexOf('\n', i + 1)
    const next = text.slice(i + 1, end < 0 ? undefined : end).trim()
    if (next === '' || !/^[A-Za-z0-9_-]+$/.test(next)) break
    i = text.indexOf(next, i + 1)
  }
  return token.startsWith(SETUP_TOKEN_PREFIX) ? token : undefined
}

/** Streaming echo with the token hidden. `write` gets safe text only. */
export function createTokenMasker(write: (s: string) => void): { push(chunk: string): void; end(): void } {
  let pending = ''
  let hiding = false
  const flush = (final: boolean) => {
    for (let guard = 0; guard < 10_000; guard++) {
      if (hiding) {
        const blank = /\r?\n[ \t]*\r?\n/.exec(pending)
        if (!blank) {
          // Drop the hidden text; keep a short tail that may begin the blank line.
          pending = final ? '' : pending.slice(-8)
          return
        }
        pending = pending.slice(blank.index)
        hiding = false
        continue
      }
      const at = pending.indexOf(SETUP_TOKEN_PREFIX)
      if (at >= 0) {
        write(`${pending.slice(0, at)}${SETUP_TOKEN_PREFIX}[hidden by openclaw]`)
        pending = pending.slice(at + SETUP_TOKEN_PREFIX.length)
        hiding = true
        continue
      }
      // Hold back a tail that could be the start of the prefix split across chunks.
      const keep = final ? 0 : prefixTail(pending)
      if (pending.length > keep) write(pending.slice(0, pending.length - keep))
      pending = pending.slice(pending.length - keep)
      return
    }
  }
  return {
    push(chunk) {
      pending += chunk
      flush(false)
    },
    end() {
      flush(true)
    },
  }
}

function prefixTail(s: string): number {
  for (let k = Math.min(s.length, SETUP_TOKEN_PREFIX.length - 1); k > 0; k--) {
    if (SETUP_TOKEN_PREFIX.startsWith(s.slice(-k))) return k
  }
  return 0
}

const DAY_MS = 24 * 60 * 60 * 1000

/** `claude setup-token` tokens are valid for one year; used when its output names no lifetime. */
export const SETUP_TOKEN_DEFAULT_TTL_MS = 365 * DAY_MS

const VALIDITY_UNIT_MS: Readonly<Record<string, number>> = {
  year: 365 * DAY_MS,
  month: 30 * DAY_MS,
  week: 7 * DAY_MS,
  day: DAY_MS,
  hour: 60 * 60 * 1000,
}

/**
 * The lifetime `claude setup-token` states ("Your OAuth token (valid for 1 year):"), in ms, or
 * undefined when it states none. Only the phrase "valid for <n> <unit>" counts: a bare number
 * elsewhere on the screen is not a lifetime.
 */
export function extractSetupTokenValidity(raw: string): number | undefined {
  const text = stripAnsi(raw).replace(/\r/g, '')
  const m = /valid\s+for\s+(\d{1,4}|an?|one)\s+(year|month|week|day|hour)s?\b/i.exec(text)
  if (!m) return undefined
  const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : 1
  const unit = VALIDITY_UNIT_MS[m[2]!.toLowerCase()]
  return n > 0 && unit ? n * unit : undefined
}
