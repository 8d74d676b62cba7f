/**
 * The object under `key` in a raw config document, created when absent or not an object:
 * config edits write into nested sections (`auth.profiles`, `gateway.auth`) that a fresh or
 * hand-written file may not have yet.
 */
export function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = parent[key]
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  const created: Record<string, unknown> = {}
  parent[key] = created
  return created
}
