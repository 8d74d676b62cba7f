/**
 * One-time warnings from the store layer (journal mode chosen for a network filesystem, a
 * switch out of WAL that has to wait). The store has no logger of its own; by default they go
 * to stderr with a plain write (no stream objects on the CLI's start path), where both the CLI
 * and the gateway's log end up. Each distinct key is said once per process.
 */
import fs from 'node:fs'

let sink: (line: string) => void = (line) => {
  try {
    fs.writeSync(2, `${line}\n`)
  } catch {
    // stderr closed: a warning must never fail the store open.
  }
}
const said = new Set<string>()

export function noticeOnce(key: string, line: string): void {
  if (said.has(key)) return
  said.add(key)
  sink(line)
}

/** Replaces where notices go (tests, or a host with its own log); returns the previous sink. */
export function setStoreNoticeSink(next: (line: string) => void): (line: string) => void {
  const prev = sink
  sink = next
  said.clear()
  return prev
}
