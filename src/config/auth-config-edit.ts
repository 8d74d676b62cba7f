/**
 * Edits of the auth section of a raw (unsubstituted) config, shared by the CLI and the
 * gateway's control plane so both log out the same way.
 */

/** Removes the id from auth.profiles and auth.order; returns the providers whose order changed. */
export function scrubProfileFromConfig(raw: Record<string, unknown>, profileId: string): string[] {
  const auth = raw.auth
  if (!auth || typeof auth !== 'object') return []
  const a = auth as Record<string, unknown>
  const profiles = a.profiles as Record<string, unknown> | undefined
  if (profiles && typeof profiles === 'object') delete profiles[profileId]
  const changed: string[] = []
  const order = a.order as Record<string, unknown> | undefined
  if (order && typeof order === 'object') {
    for (const [provider, list] of Object.entries(order)) {
      if (!Array.isArray(list) || !list.includes(profileId)) continue
      const next = list.filter((id) => id !== profileId)
      if (next.length === 0) delete order[provider]
      else order[provider] = next
      changed.push(provider)
    }
  }
  // Leave no empty husks behind (`"order": {}`), so a hand-edited file stays readable.
  for (const key of ['profiles', 'order']) {
    const v = a[key]
    if (v && typeof v === 'object' && Object.keys(v).length === 0) delete a[key]
  }
  if (Object.keys(a).length === 0) delete raw.auth
  return changed
}
