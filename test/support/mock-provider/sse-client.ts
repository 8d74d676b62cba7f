/**
 * Client-side helpers for tests: parse SSE text (LF or CRLF framing) into events, and read a
 * fetch Response body incrementally.
 */

export interface SseEvent {
  event: string | undefined
  data: string
}

/** Parses complete SSE events; an unterminated trailing event is ignored. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = []
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    if (block.trim() === '') continue
    let event: string | undefined
    const data: string[] = []
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
    }
    if (data.length > 0 || event !== undefined) events.push({ event, data: data.join('\n') })
  }
  return events
}

/** JSON payloads of the events, skipping OpenAI's `[DONE]` sentinel. */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary provider payloads
export function sseJson(text: string): any[] {
  return parseSse(text)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data))
}

/** Reads a response body chunk by chunk (as decoded text), e.g. to stop after the first chunk. */
export async function* readChunks(res: Response): AsyncGenerator<string> {
  if (!res.body) return
  const decoder = new TextDecoder()
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      yield decoder.decode(value, { stream: true })
    }
  } finally {
    reader.releaseLock()
  }
}

/** Reads until `predicate(textSoFar)` holds; returns the text read so far (stream stays open). */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  predicate: (text: string) => boolean,
  initial = '',
): Promise<string> {
  const decoder = new TextDecoder()
  let text = initial
  while (!predicate(text)) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  return text
}
