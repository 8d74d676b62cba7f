/**
 * What importing a legacy `.env` into `<state>/.env` would do: entries the target lacks are
 * appended, entries it already has are never overwritten (same value: identical; another
 * value: a conflict, reported by name). Pure; names only in the results, never values.
 */
import type { Rejected } from './types.ts'

export interface DotenvMergePlan {
  /** Lines to append, in the legacy file's order. */
  add: Array<{ name: string; line: string }>
  identical: string[]
  conflicts: string[]
  rejected: Rejected[]
}

export function planDotenvMerge(
  legacy: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): DotenvMergePlan {
  const plan: DotenvMergePlan = { add: [], identical: [], conflicts: [], rejected: [] }
  for (const [name, value] of Object.entries(legacy)) {
    if (value === '') continue
    if (Object.hasOwn(current, name)) {
      if (current[name] === value) plan.identical.push(name)
      else plan.conflicts.push(name)
      continue
    }
    const line = dotenvLine(name, value)
    if (line === undefined) plan.rejected.push({ id: name, reason: 'invalid_value' })
    else plan.add.push({ name, line })
  }
  return plan
}

const BARE = /^[A-Za-z0-9_\-.:/+=@,]+$/

/**
 * One `NAME=value` line that Node's parser and systemd's EnvironmentFile both read back as the
 * same bytes; undefined when no quoting does (control characters, or every quote kind plus
 * characters a double-quoted value would expand).
 */
export function dotenvLine(name: string, value: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined
  if (BARE.test(value)) return `${name}=${value}`
  if (!value.includes("'")) return `${name}='${value}'`
  if (!/["\\$`]/.test(value)) return `${name}="${value}"`
  return undefined
}
