/**
 * The one error type whose message is safe to show a user. `hint` says what to run next.
 * Anything else that reaches a boundary is logged in full and shown as a generic failure.
 */
export class TetherError extends Error {
  override readonly name = 'TetherError';
  readonly code: TetherErrorCode;
  readonly hint: string | undefined;

  constructor(code: TetherErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  /** The message and the hint as one line or two, for a user. */
  get userMessage(): string {
    return this.hint ? `${this.message}\n${this.hint}` : this.message;
  }
}

export type TetherErrorCode =
  | 'BAD_QUESTION'
  | 'BAD_CONFIG'
  | 'CORPUS'
  | 'INDEX_CORRUPT'
  | 'INDEX_BUSY'
  | 'INDEX_READ_ONLY'
  | 'EMBEDDER_MISMATCH'
  | 'UPSTREAM'
  | 'MODEL';

/** True for errors that carry a message meant for users. */
export function isTetherError(error: unknown): error is TetherError {
  return error instanceof TetherError;
}

/** The short text to show a user for any error: its own message if it is ours, a generic one otherwise. */
export function toUserMessage(error: unknown): string {
  return isTetherError(error) ? error.userMessage : 'Something went wrong on our side; the details are in the log.';
}
