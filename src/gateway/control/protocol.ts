/**
 * Frames of the `/ws` control protocol (DECISIONS section 7):
 *   client: {"type":"connect","auth":{"token"|"password"}}  then  {"type":"req","id","method","params"}
 *   server: {"type":"res","id","ok":true,"payload"} | {"type":"res","id","ok":false,"error":{code,message}}
 *           {"type":"event","event":"chat"|"health","payload"}
 */
export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'UNAVAILABLE'
  | 'INTERNAL'

export class ControlError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

export interface RequestFrame {
  type: 'req'
  id: string
  method: string
  params: Record<string, unknown>
}

export interface ConnectFrame {
  type: 'connect'
  auth?: { token?: unknown; password?: unknown }
}

export function parseFrame(text: string): RequestFrame | ConnectFrame {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new ControlError('INVALID_REQUEST', 'frame is not valid JSON')
  }
  if (!v || typeof v !== 'object') throw new ControlError('INVALID_REQUEST', 'frame must be a JSON object')
  const f = v as Record<string, unknown>
  if (f.type === 'connect') {
    const auth = f.auth && typeof f.auth === 'object' ? (f.auth as ConnectFrame['auth']) : undefined
    return { type: 'connect', ...(auth ? { auth } : {}) }
  }
  if (f.type === 'req') {
    if (typeof f.id !== 'string' || f.id.length === 0 || f.id.length > 128)
      throw new ControlError('INVALID_REQUEST', 'req.id must be a string of 1-128 characters')
    if (typeof f.method !== 'string') throw new ControlError('INVALID_REQUEST', 'req.method must be a string')
    const params =
      f.params && typeof f.params === 'object' && !Array.isArray(f.params)
        ? (f.params as Record<string, unknown>)
        : {}
    return { type: 'req', id: f.id, method: f.method, params }
  }
  throw new ControlError('INVALID_REQUEST', 'unknown frame type (expected "connect" or "req")')
}

export function res(id: string, payload: unknown): string {
  return JSON.stringify({ type: 'res', id, ok: true, payload })
}

export function resError(id: string, e: ControlError): string {
  return JSON.stringify({ type: 'res', id, ok: false, error: { code: e.code, message: e.message } })
}

export function event(name: string, payload: unknown): string {
  return JSON.stringify({ type: 'event', event: name, payload })
}
