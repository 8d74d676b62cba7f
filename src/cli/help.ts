/**
 * Help text rendered from the command table, so flags documented are flags parsed.
 */
import { COMMANDS, type CommandDef } from './command-table.ts'
import { VERSION } from './version.ts'

export function renderHelp(path: readonly string[]): string {
  const exact = COMMANDS.find((c) => c.path.length === path.length && c.path.every((w, i) => path[i] === w))
  if (exact) return commandHelp(exact)
  const under = COMMANDS.filter((c) => path.every((w, i) => c.path[i] === w))
  const lines = [
    path.length === 0 ? `openclaw ${VERSION}: model-provider auth gateway` : `openclaw ${path.join(' ')}`,
    '',
    'Commands:',
  ]
  const width = Math.max(...under.map((c) => c.path.join(' ').length))
  for (const c of under) lines.push(`  openclaw ${c.path.join(' ').padEnd(width)}  ${c.summary}`)
  lines.push('', 'Run `openclaw <command> --help` for its options.', '')
  return lines.join('\n')
}

function commandHelp(c: CommandDef): string {
  const args = (c.args ?? []).map((a) => (a.endsWith('...') ? `[${a}]` : `<${a}>`)).join(' ')
  const lines = [`Usage: openclaw ${c.path.join(' ')}${args ? ` ${args}` : ''} [options]`, '', c.summary, '']
  const opts = Object.entries(c.options)
  if (opts.length) {
    lines.push('Options:')
    const labels = opts.map(([n, d]) => `--${n}${d.type === 'string' ? ` <${d.valueName ?? 'value'}>` : ''}`)
    const width = Math.max(...labels.map((l) => l.length))
    for (const [i, [, d]] of opts.entries()) lines.push(`  ${labels[i]!.padEnd(width)}  ${d.description}`)
    lines.push('')
  }
  if (c.examples?.length) lines.push('Examples:', ...c.examples.map((e) => `  ${e}`), '')
  return lines.join('\n')
}
