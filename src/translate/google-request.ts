/**
 * IR -> Gemini `generateContent` / `streamGenerateContent` request body. The model and the
 * streaming choice are part of the URL there, not the body, so neither appears below.
 */

import type { ChatPart, ChatRequest, ToolChoice } from './ir.ts'
import { argumentsToObject, compact, fail, type Json } from './json-path.ts'

/**
 * Gemini 3 rejects a replayed functionCall without the thoughtSignature it originally came
 * with. Calls produced by another provider, or relayed through a client format with no place
 * for it, never have one; Google documents this sentinel for exactly that case.
 */
export const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator'

/** Gemini 1.x/2.x do not validate signatures, so they are sent the history unchanged. */
function needsSignature(model: string): boolean {
  return !/(^|\/)gemini-[12][.-]/.test(model)
}

function toolConfig(c: ToolChoice | undefined): Json | undefined {
  if (c === undefined) return undefined
  if (c === 'auto') return { functionCallingConfig: { mode: 'AUTO' } }
  if (c === 'none') return { functionCallingConfig: { mode: 'NONE' } }
  if (c === 'required') return { functionCallingConfig: { mode: 'ANY' } }
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [c.name] } }
}

export function renderGeminiRequest(req: ChatRequest): Json {
  const signed = needsSignature(req.model)
  // Gemini's functionResponse is matched by function name, not call id.
  const nameById = new Map<string, string>()
  const contents: Array<{ role: string; parts: Json[] }> = []

  req.messages.forEach((m, i) => {
    const role = m.role === 'user' ? 'user' : 'model'
    const parts: Json[] = []
    let firstCall = true
    m.content.forEach((p: ChatPart, j) => {
      const path = `messages[${i}].content[${j}]`
      switch (p.type) {
        case 'text':
          if (p.text !== '') parts.push({ text: p.text })
          return
        case 'image':
          if (p.data !== undefined) parts.push({ inlineData: { mimeType: p.mediaType, data: p.data } })
          else if (p.url !== undefined) parts.push({ fileData: { mimeType: p.mediaType, fileUri: p.url } })
          else fail(path, 'image has neither data nor url')
          return
        case 'tool_call': {
          nameById.set(p.id, p.name)
          const part: Json = {
            functionCall: { name: p.name, args: argumentsToObject(p.arguments, `${path}.arguments`) },
          }
          // Only the first call of a turn carries a signature, as in Gemini's own parallel calls.
          if (signed && firstCall) part.thoughtSignature = GEMINI_SKIP_SIGNATURE
          firstCall = false
          parts.push(part)
          return
        }
        case 'tool_result': {
          const name = nameById.get(p.toolCallId)
          if (name === undefined)
            fail(`${path}.toolCallId`, `no earlier tool call has id ${JSON.stringify(p.toolCallId)}`)
          // Gemini documents `output` for a result and `error` for a failure.
          const response = p.isError ? { error: p.content } : { output: p.content }
          parts.push({ functionResponse: { name, response } })
          return
        }
      }
    })
    if (parts.length === 0) return
    const prev = contents.at(-1)
    if (prev?.role === role) prev.parts.push(...parts)
    else contents.push({ role, parts })
  })

  const declarations = req.tools?.map((t) =>
    // parametersJsonSchema takes JSON Schema as clients write it; the older `parameters` field is
    // an OpenAPI subset that rejects `$schema`, `additionalProperties` and friends.
    compact({ name: t.name, description: t.description, parametersJsonSchema: t.parameters }),
  )
  const generationConfig = compact({
    maxOutputTokens: req.maxTokens,
    temperature: req.temperature,
    topP: req.topP,
    stopSequences: req.stop && req.stop.length > 0 ? req.stop : undefined,
  })
  return compact({
    contents,
    systemInstruction: req.system ? { parts: [{ text: req.system }] } : undefined,
    tools: declarations && declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined,
    toolConfig: toolConfig(req.toolChoice),
    generationConfig: Object.keys(generationConfig).length > 0 ? generationConfig : undefined,
  })
}
