/**
 * Finds the command in argv and parses its options with node's util.parseArgs. Options may sit
 * anywhere, including between command words (`models auth --agent x order get`), so the
 * command path is found first by skipping option tokens (and the values of string options).
 */
import { parseArgs } from 'node:util'
import { OpenclawError } from '../errors.ts'
import { ALIASES, COMMANDS, type CommandDef } from './command-table.ts'

export interface ParsedCommand {
  command: CommandDef
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

export type ParseOutcome =
  | { kind: 'command'; parsed: ParsedCommand }
  | { kind: 'help'; path: string[] }
  | { kind: 'version' }

const STRING_OPTIONS = new Set<string>()
for (const c of COMMANDS) {
  for (const [name, def] of Object.entries(c.options)) if (def.type === 'string') STRING_OPTIONS.add(name)
}

/** Splits argv into candidate command words and everything else, keeping order of the rest. */
function splitWords(argv: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = []
  const rest: string[] = []
  let i = 0
  let pathDone = false
  while (i < argv.length) {
    const tok = argv[i]!
    if (tok === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (tok.startsWith('-') && tok !== '-') {
      rest.push(tok)
      const name = tok.replace(/^--?/, '')
      if (!tok.includes('=') && STRING_OPTIONS.has(name) && i + 1 < argv.length) {
        rest.push(argv[i + 1]!)
        i += 2
        continue
      }
      i += 1
      continue
    }
    if (!pathDone && isPathPrefix([...words, tok])) words.push(tok)
    else {
      pathDone = true
      rest.push(tok)
    }
    i += 1
  }
  return { words, rest }
}

function isPathPrefix(words: readonly string[]): boolean {
  const all = [...COMMANDS.map((c) => c.path), ...ALIASES.map((a) => a.from)]
  return all.some((p) => words.length <= p.length && words.every((w, i) => p[i] === w))
}

function findCommand(words: readonly string[]): CommandDef | undefined {
  const exact = COMMANDS.find((c) => sameWords(c.path, words))
  if (exact) return exact
  const alias = ALIASES.find((a) => sameWords(a.from, words))
  return alias ? COMMANDS.find((c) => sameWords(c.path, alias.to)) : undefined
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => b[i] === w)
}

export function parseCommandLine(argv: readonly string[]): ParseOutcome {
  if (argv.length === 0) return { kind: 'help', path: [] }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return { kind: 'version' }
  const { words, rest } = splitWords(argv)
  const wantsHelp = rest.includes('--help') || rest.includes('-h') || words.at(-1) === 'help'
  const pathWords = words.at(-1) === 'help' ? words.slice(0, -1) : words
  const command = findCommand(pathWords)
  if (wantsHelp || !command) {
    if (!command && !wantsHelp) {
      const first = rest.find((t) => !t.startsWith('-'))
      const shown = [...pathWords, ...(first ? [first] : [])].join(' ')
      throw new OpenclawError('usage', `Unknown command: openclaw ${shown}`.trimEnd(), {
        hint: `Run: openclaw ${pathWords.length ? `${pathWords.join(' ')} ` : ''}--help`,
      })
    }
    return { kind: 'help', path: pathWords }
  }
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}
  for (const [name, def] of Object.entries(command.options)) {
    options[name] = def.multiple ? { type: def.type, multiple: true } : { type: def.type }
  }
  let values: ParsedCommand['values']
  let positionals: string[]
  try {
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true })
    values = parsed.values as ParsedCommand['values']
    positionals = parsed.positionals
  } catch (err) {
    throw new OpenclawError('usage', usageMessage(err), {
      hint: `Run: openclaw ${command.path.join(' ')} --help`,
    })
  }
  const min = command.minArgs ?? 0
  const max = command.maxArgs ?? 0
  if (positionals.length < min) {
    throw new OpenclawError('usage', `Missing argument <${command.args?.[positionals.length] ?? 'arg'}>.`, {
      hint: `Usage: openclaw ${command.path.join(' ')} ${(command.args ?? []).map((a) => `<${a}>`).join(' ')}`,
    })
  }
  if (positionals.length > max) {
    throw new OpenclawError('usage', `Unexpected argument ${JSON.stringify(positionals[max])}.`, {
      hint: `Run: openclaw ${command.path.join(' ')} --help`,
    })
  }
  return { kind: 'command', parsed: { command, values, positionals } }
}

function usageMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  // util.parseArgs messages are already specific ("Unknown option '--x'"); strip its advice
  // about '--' which makes no sense for our commands.
  return msg.replace(/\. To specify a positional argument.*$/s, '.')
}

export function stringOpt(parsed: ParsedCommand, name: string): string | undefined {
  const v = parsed.values[name]
  return typeof v === 'string' ? v : undefined
}

export function boolOpt(parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true
}
