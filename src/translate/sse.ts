/**
 * Incremental Server-Sent Events decoder (the WHATWG event-stream parsing rules, minus
 * `id`/`retry`, which no LLM upstream relies on). Network reads split frames anywhere — inside
 * a line, between CR and LF, inside a multi-byte UTF-8 sequence — so all state lives here and
 * `push` only returns events whose terminating blank line has arrived.
 */

export interface SseEvent {
  event?: string
  data: string
}

export interface SseDecoder {
  push(chunk: string | Uint8Array): SseEvent[]
  end(): SseEvent[]
}

export function createSseDecoder(): SseDecoder {
  // Byte input goes through a streaming TextDecoder so a code point split across reads survives.
  const utf8 = new TextDecoder('utf-8')
  let buffer = ''
  let started = false
  let eventName: string | undefined
  let dataLines: string[] = []

  const dispatch = (out: SseEvent[]): void => {
    // Per the spec an event with no data lines is not dispatched (e.g. a bare `event:` line).
    if (dataLines.length > 0) {
      const ev: SseEvent = { data: dataLines.join('\n') }
      if (eventName !== undefined) ev.event = eventName
      out.push(ev)
    }
    eventName = undefined
    dataLines = []
  }

  const processLine = (line: string, out: SseEvent[]): void => {
    if (line === '') {
      dispatch(out)
      return
    }
    if (line.startsWith(':')) return // comment / keep-alive
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') dataLines.push(value)
    else if (field === 'event') eventName = value
  }

  const drain = (final: boolean): SseEvent[] => {
    const out: SseEvent[] = []
    let pos = 0
    for (;;) {
      const lf = buffer.indexOf('\n', pos)
      const cr = buffer.indexOf('\r', pos)
      let end: number
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of CRLF: wait for the next chunk.
        if (cr === buffer.length - 1 && !final) break
        end = cr
        processLine(buffer.slice(pos, end), out)
        pos = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1
      } else if (lf !== -1) {
        end = lf
        processLine(buffer.slice(pos, end), out)
        pos = lf + 1
      } else {
        break
      }
    }
    buffer = buffer.slice(pos)
    return out
  }

  const append = (text: string): void => {
    if (!started && text.length > 0) {
      started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    buffer += text
  }

  return {
    push(chunk) {
      append(typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true }))
      return drain(false)
    },
    end() {
      append(utf8.decode())
      const out = drain(true)
      // Be lenient with an upstream that closes without the final blank line.
      if (buffer !== '') processLine(buffer, out)
      buffer = ''
      dispatch(out)
      return out
    },
  }
}
