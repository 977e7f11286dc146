/** An error meant for the user: what went wrong and what to do. Crosses the RPC boundary as {code, message}. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: string = 'user_error',
    readonly hint?: string
  ) {
    super(hint ? `${message} ${hint}` : message)
    this.name = 'UserError'
  }
}

export function toWireError(err: unknown): { code: string; message: string } {
  if (err instanceof UserError) return { code: err.code, message: err.message }
  const e = err as { code?: unknown; message?: unknown; name?: string }
  const code = typeof e?.code === 'string' ? e.code : 'internal'
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err)
  return { code, message }
}

export function isAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string; kind?: string }
  return e?.name === 'AbortError' || e?.code === 'ABORT_ERR' || e?.kind === 'cancelled'
}

/**
 * The one line to show a user for any error (RPC boundary, CLI, notifications): a UserError's own message;
 * a cancellation as such; anything else as an unexpected error with its message, so it can be reported.
 */
export function toUserMessage(err: unknown): string {
  if (err instanceof UserError) return err.message
  if (isAbort(err)) return 'The operation was cancelled.'
  return `Unexpected error: ${toWireError(err).message}`
}
