/**
 * A single self-overwriting progress line on stderr, only when stderr is a terminal: piped
 * output and JSON consumers never see carriage-return noise.
 */
export interface ProgressStream {
  write(chunk: string): unknown
  isTTY?: boolean
}

export interface Progress {
  update(finished: number, total: number, label: string): void
  done(): void
}

export function createProgress(stream: ProgressStream): Progress {
  if (!stream.isTTY) return { update() {}, done() {} }
  let shown = false
  return {
    update(finished, total, label) {
      shown = true
      stream.write(`\r\x1b[2KProbing ${finished}/${total}: ${label.slice(0, 60)}`)
    },
    done() {
      if (shown) stream.write('\r\x1b[2K')
    },
  }
}
