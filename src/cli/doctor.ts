import { installedHnswlib, PORTABLE_SETTING, readCpuInfo, tunedFlags, vectorFlags } from '../../bin/native.mjs';
import { loadConfig, type Config } from '../config.js';
import { DISCORD_DEFAULT_API } from '../discord/reach.js';
import { OPENAI_DEFAULT_BASE_URL } from '../embeddings/openai.js';
import { isTetherError } from '../errors.js';
import { describeSources, formatAge } from './sources.js';

/** One line of `npm run doctor`: what was checked, how it went, and the fix when it did not. */
export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

/** What the checks read: the environment and project root (tests pass their own), and how long an endpoint may take. */
export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  root: string;
  /** Per endpoint; a server that accepts and never answers is "not answering" after this. */
  timeoutMs: number;
  /** The installed hnswlib-node's folder and the CPU's description (`/proc/cpuinfo`): the ones in use unless given. */
  hnswlibDir?: string;
  cpuinfo?: string | undefined;
}

/**
 * Every check `npm run doctor` makes, in order: settings parsed, corpus read (and files skipped), index state,
 * then the Discord API, the chat model and the embeddings endpoint when configured. Never builds or writes.
 */
export async function runChecks(options: DoctorOptions): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig(options.env, options.root);
  } catch (error) {
    if (!isTetherError(error)) throw error;
    return [{ name: 'settings', status: 'fail', detail: error.message, ...(error.hint ? { fix: error.hint } : {}) }];
  }
  const checks: Check[] = [{ name: 'settings', status: 'ok', detail: `parsed (corpus ${config.corpusDir}, index ${config.indexDir})` }];
  checks.push(...(await corpusAndIndex(config)));
  checks.push(vectorSearch(options.hnswlibDir ?? installedHnswlib(), 'cpuinfo' in options ? options.cpuinfo : readCpuInfo()));
  checks.push(await discord(config, options.timeoutMs));
  checks.push(await chatModel(config, options.timeoutMs));
  checks.push(await embeddings(config, options.timeoutMs));
  return checks;
}

async function corpusAndIndex(config: Config): Promise<Check[]> {
  let report;
  try {
    report = await describeSources(config);
  } catch (error) {
    if (!isTetherError(error)) throw error;
    return [{ name: 'corpus', status: 'fail', detail: error.message, ...(error.hint ? { fix: error.hint } : {}) }];
  }
  const checks: Check[] = [{ name: 'corpus', status: 'ok', detail: `${report.articles.length} articles (${[...new Set(report.articles.map((a) => a.lang))].join(', ')})` }];
  if (report.skipped.length > 0) {
    checks.push({
      name: 'corpus files skipped',
      status: 'warn',
      detail: report.skipped.map((file) => `${file.source} (${file.reason})`).join('; '),
      fix: 'Articles are UTF-8 (or UTF-16) .txt, .md or .html files, with an optional NAME.meta.json.',
    });
  }
  const index = report.index;
  if (index.state === 'missing') checks.push({ name: 'index', status: 'warn', detail: `none in ${index.dir}`, fix: 'Run `npm run build-index` (or the first `npm run ask` builds it).' });
  else if (index.state === 'unreadable') checks.push({ name: 'index', status: 'fail', detail: `unreadable in ${index.dir}: ${index.error}`, fix: 'Run `npm run build-index`.' });
  else if (index.state === 'stale') checks.push({ name: 'index', status: 'warn', detail: `stale (${index.reason}), built ${formatAge(index.ageMs)} ago`, fix: 'Run `npm run build-index` (or the next `npm run ask` rebuilds it).' });
  else checks.push({ name: 'index', status: 'ok', detail: `current, ${index.chunks} chunks, built ${formatAge(index.ageMs)} ago` });
  return checks;
}

/** Whether the HNSW addon was compiled for this CPU (`npm ci`'s prepare, bin/native.mjs), and can run on it. */
function vectorSearch(packageDir: string, cpuinfo: string | undefined): Check {
  const name = 'vector search';
  const suited = vectorFlags(cpuinfo)?.join(' ');
  const built = tunedFlags(packageDir);
  if (built && !suited) {
    return { name, status: 'fail', detail: `hnswlib-node was compiled with ${built}, for instructions this CPU lacks: a search would crash`, fix: 'Run `npm rebuild hnswlib-node` (node_modules was installed on another machine).' };
  }
  if (built) return { name, status: 'ok', detail: `hnswlib-node compiled for this CPU (${built})` };
  if (suited) {
    return { name, status: 'warn', detail: `hnswlib-node is npm's portable build: its searches take about half as long again as with ${suited}`, fix: `Run \`npm run prepare\` (without ${PORTABLE_SETTING}=1) to compile it for this CPU.` };
  }
  return { name, status: 'ok', detail: "hnswlib-node is npm's portable build (the CPU has no AVX2 and FMA)" };
}

/** A GET with a deadline: the response, or why there was none ("ECONNREFUSED", "no answer in 5 s"). */
async function probe(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number } | { error: string }> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { error: `no answer in ${timeoutMs / 1000} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)) };
  }
}

async function discord(config: Config, timeoutMs: number): Promise<Check> {
  const { token, apiBase } = config.discord;
  if (!token) return { name: 'Discord', status: 'skip', detail: 'DISCORD_TOKEN is not set (only `npm start` needs it)' };
  const url = `${apiBase ?? DISCORD_DEFAULT_API}/v10/users/@me`;
  const result = await probe(url, { Authorization: `Bot ${token}` }, timeoutMs);
  if ('error' in result) {
    return {
      name: 'Discord',
      status: 'fail',
      detail: `unreachable at ${url} (${result.error})`,
      fix: apiBase ? 'Check that DISCORD_API_BASE points at a running server, or unset it.' : 'Check the network connection (proxy, firewall) to discord.com.',
    };
  }
  if (result.status === 401) return { name: 'Discord', status: 'fail', detail: `the token was refused (401 from ${url})`, fix: 'Put the current token (developer portal → Bot → Reset Token) in DISCORD_TOKEN.' };
  if (result.status >= 400) return { name: 'Discord', status: 'fail', detail: `HTTP ${result.status} from ${url}`, fix: 'Check DISCORD_TOKEN and DISCORD_API_BASE.' };
  return { name: 'Discord', status: 'ok', detail: `token accepted by ${url}` };
}

/** An OpenAI-compatible server: any HTTP answer to GET /models means it is there; 401/403 means the key is wrong. */
async function openAiEndpoint(name: string, baseUrl: string, apiKey: string | undefined, timeoutMs: number, settings: string): Promise<Check> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  const result = await probe(url, apiKey ? { Authorization: `Bearer ${apiKey}` } : {}, timeoutMs);
  if ('error' in result) return { name, status: 'fail', detail: `unreachable at ${url} (${result.error})`, fix: `Start the server, or fix ${settings}.` };
  if (result.status === 401 || result.status === 403) return { name, status: 'fail', detail: `the key was refused (${result.status} from ${url})`, fix: `Check the API key in ${settings}.` };
  return { name, status: 'ok', detail: `reachable at ${baseUrl} (HTTP ${result.status} for /models)` };
}

async function chatModel(config: Config, timeoutMs: number): Promise<Check> {
  if (!config.llm) return { name: 'chat model', status: 'skip', detail: 'LLM_BASE_URL and LLM_MODEL are not set (answers are extractive)' };
  return openAiEndpoint('chat model', config.llm.baseUrl, config.llm.apiKey, timeoutMs, 'LLM_BASE_URL / LLM_API_KEY');
}

async function embeddings(config: Config, timeoutMs: number): Promise<Check> {
  const settings = config.embeddings;
  if (settings.kind !== 'openai') return { name: 'embeddings', status: 'skip', detail: 'EMBEDDINGS=local (built in, offline)' };
  return openAiEndpoint('embeddings', settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL, settings.apiKey, timeoutMs, 'EMBEDDINGS_BASE_URL / EMBEDDINGS_API_KEY');
}

const MARKS: Record<Check['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** The checks as aligned lines, each failure or warning followed by its fix. */
export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => `${MARKS[c.status]}  ${c.name.padEnd(width)}  ${c.detail}${c.fix && c.status !== 'ok' ? `\n${' '.repeat(width + 8)}→ ${c.fix}` : ''}`)
    .join('\n');
}
