/**
 * Preloaded into the gateway with NODE_OPTIONS=--import=<this file> (no --cpu-prof, no code
 * change in the gateway). Measures how long the event loop was blocked, from the moment this
 * module ran (before the gateway's own modules load) onwards, two ways:
 * - perf_hooks.monitorEventLoopDelay (libuv timer histogram, 1 ms resolution);
 * - a 2 ms interval that records every gap longer than expected (the largest ones are kept
 *   with their time since process start, so a report can say *when* the loop was blocked).
 * Writes JSON to $BENCH_ELPROBE_OUT on SIGUSR2 (a snapshot, the process keeps running) and on
 * exit. The interval and the signal handler are unref'd/passive: they never keep the process up.
 */
import fs from 'node:fs'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'

const out = process.env.BENCH_ELPROBE_OUT
if (out) {
  const hist = monitorEventLoopDelay({ resolution: 1 })
  hist.enable()
  const INTERVAL = 2
  const blocks = []
  let last = performance.now()
  let maxGap = 0
  const timer = setInterval(() => {
    const now = performance.now()
    const gap = now - last - INTERVAL
    if (gap > maxGap) maxGap = gap
    if (gap > 5) {
      blocks.push({ atMs: Math.round(last), blockedMs: Math.round(gap * 10) / 10 })
      if (blocks.length > 200) {
        blocks.sort((a, b) => b.blockedMs - a.blockedMs)
        blocks.length = 100
      }
    }
    last = now
  }, INTERVAL)
  timer.unref()
  const snapshot = (reason) => {
    const top = [...blocks].sort((a, b) => b.blockedMs - a.blockedMs)
    const data = {
      reason,
      uptimeMs: performance.now(),
      maxBlockedMs: Math.max(maxGap, 0),
      histMaxMs: hist.max / 1e6,
      histP99Ms: hist.percentile(99) / 1e6,
      topBlocks: top,
    }
    try {
      fs.writeFileSync(out, JSON.stringify(data))
    } catch {
      // the bench reports a missing file
    }
  }
  process.on('SIGUSR2', () => snapshot('signal'))
  process.on('exit', () => snapshot('exit'))
}
