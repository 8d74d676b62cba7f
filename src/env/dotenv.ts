/**
 * `.env` parsing. Node's own `util.parseEnv` (20.12+) is used when present so we accept exactly
 * what `node --env-file` accepts; a small fallback covers older runtimes. Parsing never
 * touches process.env: layering and precedence are the caller's job (load-env.ts).
 */
import util from 'node:util'

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/

type ParseEnv = (text: string) => Record<string, string>
const nodeParseEnv = (util as unknown as { parseEnv?: ParseEnv }).parseEnv

export function parseDotenv(text: string): Record<string, string> {
  // A BOM would become part of the first name; CRLF files come from Windows editors.
  const clean = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n')
  const parsed = nodeParseEnv ? nodeParseEnv(dropStrayLines(clean)) : parseDotenvSimple(clean)
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(parsed)) {
    if (NAME_RE.test(name) && name !== '__proto__') out[name] = value
  }
  return out
}

const ASSIGN_RE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*(["'`])?(.*)$/

/**
 * Node's parser glues a line without `=` to the next one, silently eating that variable.
 * Such stray lines are dropped first; lines inside a multi-line quoted value are kept.
 */
function dropStrayLines(text: string): string {
  const kept: string[] = []
  let openQuote: string | undefined
  for (const line of text.split('\n')) {
    if (openQuote !== undefined) {
      kept.push(line)
      if (line.includes(openQuote)) openQuote = undefined
      continue
    }
    const m = ASSIGN_RE.exec(line)
    if (m === null) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) kept.push(line)
      continue
    }
    const quote = m[1]
    if (quote !== undefined && !(m[2] ?? '').includes(quote)) openQuote = quote
    kept.push(line)
  }
  return kept.join('\n')
}

/** Fallback parser: `KEY=value`, `export KEY=...`, quotes ('', "", ``), `#` comments. */
export function parseDotenvSimple(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(lines[i] ?? '')
    if (!m) continue
    const name = m[1]!
    let rest = m[2]!
    const quote = rest[0]
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value may span lines until the matching close quote.
      let body = rest.slice(1)
      while (!body.includes(quote) && i + 1 < lines.length) body += `\n${lines[++i]}`
      const end = body.indexOf(quote)
      rest = end >= 0 ? body.slice(0, end) : body
      out[name] = quote === '"' ? rest.replace(/\\n/g, '\n') : rest
    } else {
      out[name] = rest.replace(/\s+#.*$/, '').trim()
    }
  }
  return out
}
