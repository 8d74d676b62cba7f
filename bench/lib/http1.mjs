/**
 * Minimal HTTP/1.1 framing for the benchmark's own mock upstream and load generator. Raw
 * sockets keep both far cheaper per request than node:http, so on a 2-core box the measuring
 * parts stay out of the way of the thing being measured. Only what the benchmark needs:
 * content-length and chunked bodies, keep-alive, no pipelining, no 100-continue.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n')

/** Incremental decoder of one message body after its head (content-length or chunked). */
class BodyDecoder {
  constructor(mode, length) {
    this.mode = mode // 'length' | 'chunked' | 'none'
    this.remaining = length
    this.chunkLeft = 0
    this.state = 'size' // chunked: size | data | data-crlf | trailer
    this.sizeLine = ''
    this.done = mode === 'none' || (mode === 'length' && length === 0)
  }

  /**
   * Consumes bytes from `buf` starting at `pos`; calls onData(slice) for payload bytes.
   * Returns the position after the last consumed byte (the message may end before buf does).
   */
  push(buf, pos, onData) {
    if (this.mode === 'length') {
      const take = Math.min(this.remaining, buf.length - pos)
      if (take > 0 && onData) onData(buf.subarray(pos, pos + take))
      this.remaining -= take
      if (this.remaining === 0) this.done = true
      return pos + take
    }
    while (pos < buf.length && !this.done) {
      if (this.state === 'size') {
        const nl = buf.indexOf(10, pos)
        if (nl === -1) {
          this.sizeLine += buf.toString('latin1', pos)
          return buf.length
        }
        this.sizeLine += buf.toString('latin1', pos, nl)
        pos = nl + 1
        const size = Number.parseInt(this.sizeLine, 16)
        this.sizeLine = ''
        if (!Number.isFinite(size)) throw new Error('bad chunk size')
        if (size === 0) this.state = 'trailer'
        else {
          this.chunkLeft = size
          this.state = 'data'
        }
      } else if (this.state === 'data') {
        const take = Math.min(this.chunkLeft, buf.length - pos)
        if (onData) onData(buf.subarray(pos, pos + take))
        this.chunkLeft -= take
        pos += take
        if (this.chunkLeft === 0) this.state = 'data-crlf'
      } else if (this.state === 'data-crlf') {
        const nl = buf.indexOf(10, pos)
        if (nl === -1) return buf.length
        pos = nl + 1
        this.state = 'size'
      } else {
        // trailer section: lines until an empty one
        const nl = buf.indexOf(10, pos)
        if (nl === -1) {
          this.sizeLine += buf.toString('latin1', pos)
          return buf.length
        }
        const line = this.sizeLine + buf.toString('latin1', pos, nl)
        this.sizeLine = ''
        pos = nl + 1
        if (line === '' || line === '\r') this.done = true
      }
    }
    return pos
  }
}

function headerValue(head, name) {
  const re = new RegExp(`\\r\\n${name}:[ \\t]*([^\\r\\n]*)`, 'i')
  const m = re.exec(head)
  return m ? m[1].trim() : undefined
}

function bodyModeFor(head, isResponse, status) {
  if (isResponse && (status === 204 || status === 304 || (status >= 100 && status < 200))) return ['none', 0]
  const te = headerValue(head, 'transfer-encoding')
  if (te && /chunked/i.test(te)) return ['chunked', 0]
  const cl = headerValue(head, 'content-length')
  if (cl !== undefined) return ['length', Number(cl)]
  return isResponse ? ['close', 0] : ['none', 0]
}

/**
 * Parses a stream of requests on one server-side connection. `onRequest(req)` gets
 * `{ method, path, head, body: Buffer }`; the head string keeps the raw header lines.
 */
export class RequestParser {
  constructor(onRequest) {
    this.onRequest = onRequest
    this.pending = undefined
    this.cur = undefined
  }

  push(data) {
    let buf = this.pending ? Buffer.concat([this.pending, data]) : data
    this.pending = undefined
    let pos = 0
    while (pos < buf.length) {
      if (!this.cur) {
        const end = buf.indexOf(CRLFCRLF, pos)
        if (end === -1) {
          this.pending = buf.subarray(pos)
          return
        }
        const head = buf.toString('latin1', pos, end + 2)
        pos = end + 4
        const sp1 = head.indexOf(' ')
        const sp2 = head.indexOf(' ', sp1 + 1)
        const [mode, len] = bodyModeFor(head, false, 0)
        this.cur = {
          method: head.slice(0, sp1),
          path: head.slice(sp1 + 1, sp2),
          head,
          parts: [],
          decoder: new BodyDecoder(mode, len),
        }
      }
      const cur = this.cur
      pos = cur.decoder.push(buf, pos, (slice) => cur.parts.push(slice))
      if (!cur.decoder.done) return
      this.cur = undefined
      const body = cur.parts.length === 1 ? cur.parts[0] : Buffer.concat(cur.parts)
      this.onRequest({ method: cur.method, path: cur.path, head: cur.head, body })
      if (pos >= buf.length) return
      buf = buf.subarray(pos)
      pos = 0
    }
  }
}

/** Reads one header from a raw head string (case-insensitive). */
export { headerValue }

/**
 * Parses responses on one client-side connection. Callbacks:
 * onHead(status, head), onData(slice) for body bytes, onEnd() when the message is complete.
 */
export class ResponseParser {
  constructor() {
    this.pending = undefined
    this.decoder = undefined
    this.status = 0
    this.head = ''
    this.handlers = undefined
  }

  /** Arms the parser for the next response. */
  expect(handlers) {
    this.handlers = handlers
    this.decoder = undefined
  }

  push(data) {
    const buf = this.pending ? Buffer.concat([this.pending, data]) : data
    this.pending = undefined
    let pos = 0
    if (!this.handlers) throw new Error('unexpected response bytes')
    if (!this.decoder) {
      const end = buf.indexOf(CRLFCRLF)
      if (end === -1) {
        this.pending = buf
        return
      }
      const head = buf.toString('latin1', 0, end + 2)
      this.status = Number(head.slice(9, 12))
      this.head = head
      const [mode, len] = bodyModeFor(head, true, this.status)
      if (mode === 'close') throw new Error('responses without a length are not supported')
      this.decoder = new BodyDecoder(mode, len)
      this.handlers.onHead?.(this.status, head)
      pos = end + 4
    }
    if (!this.decoder.done) pos = this.decoder.push(buf, pos, this.handlers.onData)
    if (this.decoder.done) {
      const h = this.handlers
      this.handlers = undefined
      this.decoder = undefined
      if (pos < buf.length) throw new Error('extra bytes after a response (pipelining is not used)')
      h.onEnd(this.status)
    }
  }
}
