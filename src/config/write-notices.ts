/**
 * Things a config write did that the user should hear about but that are not errors (today:
 * a hand-written JSON5 file whose comments could not be kept). The writer is deep below the
 * commands, so it leaves them here and whoever runs the command says them: the CLI entry point
 * after every command, the gateway in its log. Its own module so the CLI entry point can drain
 * it without loading the config writer.
 */
const MAX = 20
const notices: string[] = []

export function addWriteNotice(message: string): void {
  if (notices.length < MAX) notices.push(message)
}

/** The notices so far, oldest first; the list is empty afterwards. */
export function takeWriteNotices(): string[] {
  return notices.splice(0)
}
