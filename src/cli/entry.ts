import { isTetherError, toUserMessage } from '../errors.js';

/**
 * The boundary of a script (`npm run eval`, `bench`, `build-index`): runs its main, exits with the
 * code it returns, and on failure prints the short message, plus the full error when it is not
 * one of ours (a bug to report, not a user's mistake).
 */
export function runEntryPoint(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(toUserMessage(error));
      if (!isTetherError(error)) console.error(error);
      process.exit(1);
    },
  );
}
