/**
 * One rejected legacy entry for humans. Ids come from files doctor did not write, so they are
 * escaped (a hostile key must not drive the terminal, and NFC/NFD spellings must look apart).
 */
import { escapeForMessage } from '../auth/profile-id.ts'
import type { Rejected } from '../migrate/types.ts'

export function describeRejected(r: Rejected): string {
  return `${escapeForMessage(r.id, 200)} (${r.reason}${r.detail ? `: ${r.detail}` : ''})`
}
