/**
 * Finds the host's `claude` executable: `agents.defaults.cliBackends.claude-cli.command` when
 * set (seed: "or set it to the real binary path"), else the first `claude` on PATH. Never a
 * shell: the result is spawned directly.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'

type Env = Readonly<Record<string, string | undefined>>

export const CLAUDE_BACKEND = 'claude-cli'

export function resolveClaudeCommand(config: OpenclawConfig, env: Env): string {
  const configured = config.agents?.defaults?.cliBackends?.[CLAUDE_BACKEND]?.command
  if (typeof configured === 'string' && configured.trim() !== '') {
    const p = configured.startsWith('~/') && env.HOME ? path.join(env.HOME, configured.slice(2)) : configured
    if (!path.isAbsolute(p) && !p.includes(path.sep)) {
      const found = searchPath(p, env)
      if (found) return found
    } else if (isExecutable(p)) return path.resolve(p)
    throw new OpenclawError(
      'invalid_input',
      `agents.defaults.cliBackends.${CLAUDE_BACKEND}.command is "${configured.slice(0, 120)}", which is not an executable file.`,
      { hint: 'Point it at the claude binary (for example the output of `command -v claude`).' },
    )
  }
  const found = searchPath('claude', env)
  if (found) return found
  throw new OpenclawError('invalid_input', 'The Claude Code CLI (`claude`) is not on PATH.', {
    hint: `Install Claude Code, or set agents.defaults.cliBackends.${CLAUDE_BACKEND}.command in openclaw.json to the claude binary.`,
  })
}

export function searchPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p)
    if (!st.isFile()) return false
    fs.accessSync(p, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}
