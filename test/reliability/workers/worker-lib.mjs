/**
 * Worker side of the fault-injection harness (test/reliability/harness/workers.ts).
 *
 * - marker(name, data): one JSON line on fd 3, written synchronously, so the parent holds the
 *   marker before the worker does anything else (it may block right after, inside a transaction).
 * - block(ms): parks the thread (Atomics.wait) without returning to the event loop, so a
 *   better-sqlite3 transaction stays open until the parent SIGKILLs the process group.
 * - clock(): Date.now() shifted by RELIABILITY_CLOCK_OFFSET_MS or frozen at
 *   RELIABILITY_CLOCK_FIXED_MS: the injectable clock for cross-process skew.
 * - report(result): the final `result <json>` line on stdout.
 */
import fs from 'node:fs'

const MARKER_FD = 3

export function marker(name, data) {
  const line = `${JSON.stringify({ name, data, at: Date.now() })}\n`
  try {
    fs.writeSync(MARKER_FD, line)
  } catch {
    // Started without a marker pipe (run by hand): markers are optional.
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))

export function block(ms) {
  Atomics.wait(sleeper, 0, 0, ms)
}

const fixed = process.env.RELIABILITY_CLOCK_FIXED_MS
const offset = Number(process.env.RELIABILITY_CLOCK_OFFSET_MS ?? 0)

export function clock() {
  return fixed !== undefined && fixed !== '' ? Number(fixed) : Date.now() + offset
}

export function report(result) {
  process.stdout.write(`result ${JSON.stringify(result)}\n`)
}

/** A bound on every worker loop, whatever the test asks for. */
export function deadline(ms = 20_000) {
  const end = Date.now() + ms
  return () => Date.now() < end
}

export function errorInfo(err) {
  return { code: err?.code, message: String(err?.message ?? err), name: err?.name }
}
