import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TetherError } from '../errors.js';
import { buildIndex, type BuildIndexOptions } from './build.js';
import type { Chunk } from '../corpus/types.js';
import type { Manifest } from './manifest.js';
import { updateIndex, type ArticleChanges } from './update.js';
import type { LoadedIndex } from './types.js';

/** Options for `buildIndexInPlace`: those of `buildIndex`, plus what to do after waiting for another build. */
export interface BuildInPlaceOptions extends BuildIndexOptions {
  /**
   * Called after waiting for another process's build: the index it finished when it is what this
   * process wanted (then nothing is rebuilt), or undefined to build anyway.
   */
  reuse?: () => Promise<LoadedIndex | undefined>;
  /** How long to wait for another process's build before giving up (default 30 minutes). */
  maxWaitMs?: number;
}

/** What a lock file says: who builds, where, since when. */
interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells two builds of one process apart (two opens at once). */
  token: string;
}

const POLL_MS = 250;
/** A lock file that cannot be read this long after it was written was left half-written by a killed process. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;
/** A lock held by a process on another machine (a shared disk) is stale after this long. */
const FOREIGN_LOCK_STALE_MS = 60 * 60_000;

/** Files of an index folder that are the folder's own, not build output: kept across rebuilds. */
const KEPT_FILES = /^(?:README(?:\.[a-z]+)?|\..+)$/i;

/** The hidden names beside `index/` that builds use: its lock and its temporary folders. */
export function indexWorkPaths(indexDir: string) {
  const parent = path.dirname(path.resolve(indexDir));
  const base = path.basename(path.resolve(indexDir));
  return { parent, base, lock: path.join(parent, `.${base}.lock`), tempPrefix: `.${base}.build-`, oldPrefix: `.${base}.old-` };
}

/**
 * Builds the index into a temporary folder beside `indexDir` and renames it into place, under a
 * lock file beside it (`.index.lock`, holding the builder's pid): a build killed half-way leaves the
 * previous index (or none) and a temporary folder the next build removes, never a half index; a
 * second process waits for the first, then reuses its index when `reuse` accepts it.
 */
export async function buildIndexInPlace(options: BuildInPlaceOptions): Promise<LoadedIndex> {
  return underLock(options, (temp, progress) => buildInto(temp, options, progress));
}

/** Options for `updateIndexInPlace`: a build's, plus how to plan the update. */
export interface UpdateInPlaceOptions extends BuildInPlaceOptions {
  /**
   * Called under the lock: the manifest of the index in place and the articles that changed since,
   * or undefined when only a full build will do (the index changed while this process waited).
   */
  plan: () => Promise<{ manifest: Manifest; changes: ArticleChanges; chunks?: Chunk[] } | undefined>;
}

/**
 * Updates the index incrementally (`updateIndex`) the way `buildIndexInPlace` builds it: under the
 * lock, in a copy of the index folder renamed into place, so readers of the old index and an
 * interrupted update never see half an index. Falls back to a full build, saying why, when the
 * update cannot be made.
 */
export async function updateIndexInPlace(options: UpdateInPlaceOptions): Promise<LoadedIndex> {
  return underLock(options, async (temp, progress) => {
    const plan = await options.plan();
    if (plan) {
      const startedAt = Date.now();
      try {
        // Copying is a fraction of a second even for a large index (134 MB: 0.1 s), against a build's tens of seconds.
        await fs.cp(path.resolve(options.indexDir), temp, { recursive: true });
        return await updateIndex({ ...options, indexDir: temp, manifest: plan.manifest, changes: plan.changes, ...(plan.chunks ? { chunks: plan.chunks } : {}), onProgress: progress, startedAt });
      } catch (error) {
        progress(`The index could not be updated (${describeError(error)}): rebuilding it.`);
        await fs.rm(temp, { recursive: true, force: true });
      }
    }
    return buildInto(temp, options, progress);
  });
}

function buildInto(temp: string, options: BuildIndexOptions, progress: (message: string) => void): Promise<LoadedIndex> {
  return buildIndex({ ...options, indexDir: temp, onProgress: progress });
}

/** Runs `work` on a temporary folder under the index lock, then renames the folder into place (see `buildIndexInPlace`). */
async function underLock(options: BuildInPlaceOptions, work: (temp: string, progress: (message: string) => void) => Promise<LoadedIndex>): Promise<LoadedIndex> {
  const progress = options.onProgress ?? (() => {});
  const paths = indexWorkPaths(options.indexDir);
  await fs.mkdir(paths.parent, { recursive: true });
  const lock = await acquireLock(paths.lock, progress, options.maxWaitMs ?? 30 * 60_000);
  const temp = path.join(paths.parent, `${paths.tempPrefix}${process.pid}-${randomUUID().slice(0, 8)}`);
  try {
    if (lock.waited && options.reuse) {
      const reused = await options.reuse();
      if (reused) {
        progress('Another process has just built the index: using it.');
        return reused;
      }
    }
    await removeLeftovers(paths);
    // Progress names the folder the index ends up in, not the temporary one.
    const done = await work(temp, (message) => progress(message.replaceAll(temp, path.resolve(options.indexDir))));
    await swapIntoPlace(temp, path.resolve(options.indexDir), paths);
    return done;
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
    await lock.release();
  }
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.slice(0, 160);
}

/** Temporary folders of builds that were killed: whoever holds the lock may remove them. */
async function removeLeftovers(work: ReturnType<typeof indexWorkPaths>): Promise<void> {
  for (const name of await fs.readdir(work.parent)) {
    if (name.startsWith(work.tempPrefix) || name.startsWith(work.oldPrefix)) await fs.rm(path.join(work.parent, name), { recursive: true, force: true });
  }
}

/**
 * Replaces `indexDir` by `temp` with two renames (the old folder aside, the new one in), keeping
 * the folder's own files (README, dotfiles). Readers in between see no index and wait on the lock.
 */
async function swapIntoPlace(temp: string, indexDir: string, work: ReturnType<typeof indexWorkPaths>): Promise<void> {
  const entries = await fs.readdir(indexDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  for (const name of entries?.filter((entry) => KEPT_FILES.test(entry)) ?? []) {
    await fs.cp(path.join(indexDir, name), path.join(temp, name), { recursive: true });
  }
  if (!entries) {
    await fs.rename(temp, indexDir);
    return;
  }
  const old = path.join(work.parent, `${work.oldPrefix}${process.pid}-${randomUUID().slice(0, 8)}`);
  await fs.rename(indexDir, old);
  try {
    await fs.rename(temp, indexDir);
  } catch (error) {
    await fs.rename(old, indexDir);
    throw error;
  }
  await fs.rm(old, { recursive: true, force: true });
}

/** True when this machine has no process with this id (so its lock is stale). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function readHolder(lockFile: string): Promise<{ holder: LockHolder | undefined; ageMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
    let holder: LockHolder | undefined;
    try {
      const parsed = JSON.parse(text) as Partial<LockHolder>;
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.startedAt === 'string' && typeof parsed.token === 'string') holder = parsed as LockHolder;
    } catch {
      holder = undefined;
    }
    return { holder, ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale({ holder, ageMs }: { holder: LockHolder | undefined; ageMs: number }): boolean {
  if (!holder) return ageMs > UNREADABLE_LOCK_GRACE_MS;
  if (holder.host !== os.hostname()) return ageMs > FOREIGN_LOCK_STALE_MS;
  return holder.pid !== process.pid && isGone(holder.pid);
}

/**
 * Takes the build lock: creates the lock file exclusively, or waits while a live process holds it.
 * A stale lock (its process gone) is moved aside and checked before it is deleted, so two waiters
 * breaking it at once never delete the lock a third has just taken.
 */
async function acquireLock(lockFile: string, progress: (message: string) => void, maxWaitMs: number): Promise<{ waited: boolean; release: () => Promise<void> }> {
  const me: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), token: randomUUID() };
  const startedAt = Date.now();
  let waited = false;
  for (;;) {
    try {
      await fs.writeFile(lockFile, JSON.stringify(me), { flag: 'wx' });
      return { waited, release: () => releaseLock(lockFile, me) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = await readHolder(lockFile);
    if (!seen) continue;
    if (isStale(seen)) {
      progress(`Removing a stale index lock left by ${seen.holder ? `process ${seen.holder.pid}` : 'a killed process'}.`);
      await breakStaleLock(lockFile, seen.holder);
      continue;
    }
    if (!waited) progress(`Another process (pid ${seen.holder?.pid ?? '?'}) is building the index: waiting for it…`);
    waited = true;
    if (Date.now() - startedAt > maxWaitMs) {
      throw new TetherError('INDEX_BUSY', `Another process (pid ${seen.holder?.pid ?? '?'}) has been building the index for over ${Math.round(maxWaitMs / 60_000)} minutes.`, {
        hint: `If it hung, end it and run \`npm run build-index\` again (or delete ${lockFile}).`,
      });
    }
    await delay(POLL_MS);
  }
}

async function breakStaleLock(lockFile: string, stale: LockHolder | undefined): Promise<void> {
  const aside = `${lockFile}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    await fs.rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  const same = moved?.holder?.token === stale?.token;
  // Someone else broke the stale lock and took a new one in between: put theirs back.
  if (moved && !same) await fs.rename(aside, lockFile).catch(() => undefined);
  else await fs.rm(aside, { force: true });
}

async function releaseLock(lockFile: string, me: LockHolder): Promise<void> {
  const seen = await readHolder(lockFile).catch(() => undefined);
  if (seen?.holder?.token === me.token) await fs.rm(lockFile, { force: true });
}

/** True for the errors of writing where one may not: a read-only folder or file system. */
export function isReadOnlyError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EROFS' || code === 'EPERM';
}
