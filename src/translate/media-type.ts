/**
 * A URL image has no declared media type in OpenAI's or Anthropic's format, but Gemini's
 * fileData requires one. Guess from the extension; JPEG is the most common photo format.
 */

const EXT_MEDIA: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
}

export function mediaTypeOfUrl(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase()
  return (ext && EXT_MEDIA[ext]) || 'image/jpeg'
}
