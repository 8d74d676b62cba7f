/**
 * Writes one `NAME=value` into `<state>/.env` (seed "method A": where a systemd/launchd
 * gateway reads its keys). Other lines are kept as they are; earlier assignments of the same
 * name are replaced; the file is written atomically with mode 0600.
 */
import fs from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { ensurePrivateDir } from '../util/fs-private.ts'

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

export function upsertDotenvVar(file: string, name: string, value: string): { replaced: boolean } {
  if (!NAME_RE.test(name)) throw new Error(`invalid environment variable name: ${name.slice(0, 40)}`)
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new Error(`the value for ${name} contains control characters`)
  ensurePrivateDir(path.dirname(file))
  let lines: string[] = []
  try {
    lines = fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').split('\n')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (lines.at(-1) === '') lines.pop()
  const assigns = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`)
  const kept = lines.filter((l) => !assigns.test(l))
  const replaced = kept.length !== lines.length
  // Single quotes: no expansion by dotenv parsers or by systemd's EnvironmentFile.
  const quoted = /^[A-Za-z0-9_\-.:/+=@]+$/.test(value) ? value : `'${value.replace(/'/g, '')}'`
  kept.push(`${name}=${quoted}`)
  writeFileAtomic(file, `${kept.join('\n')}\n`, { mode: 0o600 })
  return { replaced }
}
