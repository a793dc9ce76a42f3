import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TetherError } from './errors.js';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A whole-number setting of at least `min`, `fallback` when unset. */
const integer = (fallback: number, min: 0 | 1) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a whole number ${min === 1 ? 'above 0' : '(0 or more)'}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });
const positiveInt = (fallback: number) => integer(fallback, 1);
const nonNegativeInt = (fallback: number) => integer(fallback, 0);

const boolean = (fallback: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be true or false, got "${value}"` });
      return z.NEVER;
    });

const url = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be an http(s) URL, got "${value}"` });
      return z.NEVER;
    }
  });

const idList = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return [];
    const ids = value.split(/[\s,]+/).filter(Boolean);
    const bad = ids.filter((id) => !/^\d{5,25}$/.test(id));
    if (bad.length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be Discord ids separated by commas, got "${bad.join(', ')}"` });
      return z.NEVER;
    }
    return ids;
  });

/** Shard ids such as `0,2` or `0-3` (ranges inclusive), for SHARD_IDS. */
const shardIdList = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    const ids: number[] = [];
    for (const part of value.split(/[\s,]+/).filter(Boolean)) {
      const range = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
      const from = Number(range?.[1]);
      const to = Number(range?.[2] ?? range?.[1]);
      if (!range || to < from) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be shard ids or ranges separated by commas (e.g. 0,1 or 0-3), got "${part}"` });
        return z.NEVER;
      }
      for (let id = from; id <= to; id += 1) if (!ids.includes(id)) ids.push(id);
    }
    return ids.sort((a, b) => a - b);
  });

const schema = z.object({
  CORPUS_DIR: optionalString,
  INDEX_DIR: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),

  DISCORD_TOKEN: optionalString,
  DISCORD_CLIENT_ID: z.string().trim().regex(/^\d{5,25}$/, 'must be a Discord application id').optional().or(z.literal('').transform(() => undefined)),
  DISCORD_GUILD_ID: z.string().trim().regex(/^\d{5,25}$/, 'must be a Discord guild id').optional().or(z.literal('').transform(() => undefined)),
  DISCORD_API_BASE: url,
  ALLOWED_CHANNEL_IDS: idList,
  ALLOW_DMS: boolean(true),
  RATE_LIMIT_PER_MINUTE: positiveInt(5),
  MAX_QUESTION_LENGTH: positiveInt(500),
  SHARD_SPAWN_DELAY_MS: nonNegativeInt(5_500),
  SHARDS: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      if (value === 'auto') return 'auto' as const;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be "auto" or a whole number above 0, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    }),
  SHARD_IDS: shardIdList,
  SHARD_COUNT: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a whole number above 0, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    }),
  FEEDBACK_LOG: optionalString,

  LLM_BASE_URL: url,
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_TIMEOUT_MS: positiveInt(15_000),

  EMBEDDINGS: z.enum(['local', 'openai']).default('local'),
  EMBEDDINGS_BASE_URL: url,
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_API_KEY: optionalString,
  EMBEDDINGS_TIMEOUT_MS: positiveInt(15_000),
});

/**
 * The project root: the folder holding package.json, found from this file's place (src/ or dist/),
 * never from the working directory, so `npm --prefix`, another folder or a process manager all
 * read the same corpus, index and .env.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');

/** Every setting Tether reads, parsed and validated once. */
export interface Config {
  /** What every relative path setting is resolved against, and what quote `source` paths are relative to. */
  root: string;
  corpusDir: string;
  indexDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log lines for people (`pretty`), for a collector (`json`), or pretty on a terminal only (`auto`). */
  logFormat: 'auto' | 'json' | 'pretty';
  discord: {
    token: string | undefined;
    clientId: string | undefined;
    guildId: string | undefined;
    apiBase: string | undefined;
    allowedChannelIds: string[];
    allowDms: boolean;
    rateLimitPerMinute: number;
    maxQuestionLength: number;
    shards: 'auto' | number | undefined;
    /** Wait between starting shards, and before starting a crashed one again (Discord lets a bot identify once per 5 s). */
    shardSpawnDelayMs: number;
    /**
     * The shards this process runs when several machines share one bot (SHARD_IDS of SHARD_COUNT); undefined
     * runs every shard here.
     */
    shardSlice: { ids: number[]; count: number } | undefined;
    /** True in a process that discord.js's ShardingManager started: it runs one shard. */
    isShard: boolean;
    feedbackLog: string;
  };
  llm: { baseUrl: string; model: string; apiKey: string | undefined; timeoutMs: number } | undefined;
  embeddings:
    | { kind: 'local' }
    | { kind: 'openai'; baseUrl: string | undefined; model: string; apiKey: string | undefined; timeoutMs: number };
}

/**
 * Reads every setting from `env` (the process environment by default). Throws one TetherError that
 * names every bad setting, so a broken .env is fixed in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): Config {
  // ShardingManager puts the shard's own id in SHARDS and the total in SHARD_COUNT: in a shard they are not the
  // `auto|N` setting nor a slice of the shards.
  const isShard = env.SHARDING_MANAGER === 'true';
  const parsed = schema.safeParse(isShard ? { ...env, SHARDS: undefined, SHARD_IDS: undefined, SHARD_COUNT: undefined } : env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const values = parsed.success ? parsed.data : undefined;

  if (values) {
    const llmSet = [values.LLM_BASE_URL, values.LLM_MODEL].filter((v) => v !== undefined).length;
    if (llmSet === 1) problems.push('LLM_BASE_URL and LLM_MODEL: set both to use a chat model, or neither for the offline answerer');
    if (values.EMBEDDINGS === 'openai' && !values.EMBEDDINGS_MODEL) problems.push('EMBEDDINGS_MODEL: required when EMBEDDINGS=openai');
    if ((values.SHARD_IDS === undefined) !== (values.SHARD_COUNT === undefined)) {
      problems.push('SHARD_IDS and SHARD_COUNT: set both (this process\'s shards, and the total over all machines), or neither');
    } else if (values.SHARD_IDS && values.SHARD_COUNT !== undefined) {
      const count = values.SHARD_COUNT;
      const outside = values.SHARD_IDS.filter((id) => id >= count);
      if (outside.length > 0) problems.push(`SHARD_IDS: shard ids run from 0 to SHARD_COUNT - 1 (${count - 1}), got ${outside.join(', ')}`);
      if (values.SHARDS !== undefined) problems.push('SHARDS and SHARD_IDS: use SHARDS for all shards on one machine, or SHARD_IDS with SHARD_COUNT for a part of them, not both');
    }
  }

  if (problems.length > 0 || !values) {
    throw new TetherError('BAD_CONFIG', `Bad settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'Fix them in your environment or .env (see .env.example).',
    });
  }

  return {
    root,
    corpusDir: path.resolve(root, values.CORPUS_DIR ?? 'corpus'),
    indexDir: path.resolve(root, values.INDEX_DIR ?? 'index'),
    logLevel: values.LOG_LEVEL,
    logFormat: values.LOG_FORMAT,
    discord: {
      token: values.DISCORD_TOKEN,
      clientId: values.DISCORD_CLIENT_ID,
      guildId: values.DISCORD_GUILD_ID,
      apiBase: values.DISCORD_API_BASE,
      allowedChannelIds: values.ALLOWED_CHANNEL_IDS,
      allowDms: values.ALLOW_DMS,
      rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
      maxQuestionLength: values.MAX_QUESTION_LENGTH,
      shards: values.SHARDS,
      shardSpawnDelayMs: values.SHARD_SPAWN_DELAY_MS,
      shardSlice: values.SHARD_IDS && values.SHARD_COUNT !== undefined ? { ids: values.SHARD_IDS, count: values.SHARD_COUNT } : undefined,
      isShard,
      feedbackLog: path.resolve(root, values.FEEDBACK_LOG ?? 'data/feedback.jsonl'),
    },
    llm:
      values.LLM_BASE_URL && values.LLM_MODEL
        ? { baseUrl: values.LLM_BASE_URL, model: values.LLM_MODEL, apiKey: values.LLM_API_KEY, timeoutMs: values.LLM_TIMEOUT_MS }
        : undefined,
    embeddings:
      values.EMBEDDINGS === 'openai'
        ? { kind: 'openai', baseUrl: values.EMBEDDINGS_BASE_URL, model: values.EMBEDDINGS_MODEL ?? '', apiKey: values.EMBEDDINGS_API_KEY, timeoutMs: values.EMBEDDINGS_TIMEOUT_MS }
        : { kind: 'local' },
  };
}

/**
 * Adds the settings of the project's `.env` (when there is one) to `process.env`; variables already
 * set win. For entry points only, before `loadConfig`.
 */
export function loadDotEnv(root = PROJECT_ROOT): void {
  const file = path.join(root, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** The settings of an entry point: the project's `.env` under the process environment. */
export function loadProjectConfig(): Config {
  loadDotEnv();
  return loadConfig();
}

/** This process's environment with some settings replaced: for child processes (the bench's). */
export function environmentWith(overrides: Record<string, string>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, ...overrides };
}
