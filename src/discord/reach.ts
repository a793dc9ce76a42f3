import { TetherError } from '../errors.js';

/** Discord's REST base when DISCORD_API_BASE is unset. */
export const DISCORD_DEFAULT_API = 'https://discord.com/api';

/** Network failures that mean nothing answered at the address (as opposed to Discord answering "no"). */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** The first `code` (ECONNREFUSED, TokenInvalid…) and HTTP status along an error's cause chain. */
function inspect(error: unknown): { code: string | undefined; status: number | undefined; timedOut: boolean } {
  let code: string | undefined;
  let status: number | undefined;
  let timedOut = false;
  for (let current: unknown = error, depth = 0; current instanceof Object && depth < 6; current = (current as { cause?: unknown }).cause, depth += 1) {
    const record = current as { code?: unknown; status?: unknown; name?: unknown };
    if (code === undefined && typeof record.code === 'string') code = record.code;
    if (status === undefined && typeof record.status === 'number') status = record.status;
    if (record.name === 'TimeoutError' || record.name === 'AbortError') timedOut = true;
  }
  return { code, status, timedOut };
}

/**
 * A failed call to Discord as a message that says which of the two it is: Discord unreachable at `apiBase`
 * (network, proxy, DISCORD_API_BASE) or Discord refusing the token; the token itself never appears.
 */
export function explainDiscordFailure(error: unknown, apiBase: string | undefined, doing: string): TetherError {
  if (error instanceof TetherError) return error;
  const url = apiBase ?? DISCORD_DEFAULT_API;
  const { code, status, timedOut } = inspect(error);
  if (status === 401 || code === 'TokenInvalid') {
    return new TetherError('UPSTREAM', `${doing}: Discord refused the bot token (401 from ${url}).`, {
      hint: 'Put the current token (developer portal → Bot → Reset Token) in DISCORD_TOKEN, then try again.',
      cause: error,
    });
  }
  if (timedOut || (code !== undefined && unreachableCodes.has(code))) {
    return new TetherError('UPSTREAM', `${doing}: Discord is unreachable at ${url} (${timedOut ? 'no answer in time' : code}).`, {
      hint: apiBase
        ? 'Check that DISCORD_API_BASE points at a running server (or unset it), then try again.'
        : 'Check the network connection (and any proxy or firewall) to discord.com, then try again.',
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new TetherError('UPSTREAM', `${doing}: ${detail} (${url}).`, {
    hint: 'Check DISCORD_TOKEN (and DISCORD_API_BASE if you set it), then try again.',
    cause: error,
  });
}
