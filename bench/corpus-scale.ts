import fs from 'node:fs/promises';
import path from 'node:path';
import { prepareDatasetRuns, type DatasetCase } from '../src/eval/datasets.js';
import { lastJsonLine, runMeasured, type RssProbe } from './process.js';
import { median, roundMs } from './stats.js';
import type { SentencePool } from './synthetic.js';
import { createRandom, syntheticChunks } from './synthetic.js';

/** The dataset corpora that make up the shared-datasets corpus: each file's articles once, in its own language. */
const SHARED_CORPORA = ['xquad-en', 'xquad-zh', 'drcd', 'cmrc'] as const;

/** A question of a scale corpus with the answer texts a quote must hold. */
export interface ScaleCase {
  question: string;
  expect: string[];
}

/** A corpus written for the scale bench, with questions to measure quality on (none for synthetic ones). */
export interface ScaleCorpus {
  name: string;
  corpusDir: string;
  cases: ScaleCase[];
}

/**
 * Writes every article of the public QA sets (`../shared/datasets`: XQuAD en and zh, DRCD, CMRC)
 * into one corpus folder, file names prefixed by their set, and picks up to `perDirection` TEST-split
 * questions of each direction (by a hash of their id, as `npm run eval -- --dataset` samples).
 */
export async function writeSharedDatasetsCorpus(root: string, workDir: string, perDirection: number): Promise<ScaleCorpus> {
  const cacheDir = path.join(workDir, 'datasets');
  const runs = await prepareDatasetRuns({ root, cacheDir, datasets: ['xquad', 'drcd', 'cmrc'], split: 'test', refusal: false, perKindLimit: perDirection });
  const corpusDir = path.join(workDir, 'shared-corpus');
  await fs.mkdir(corpusDir, { recursive: true });
  const cases: DatasetCase[] = [];
  for (const run of runs.filter((r) => (SHARED_CORPORA as readonly string[]).includes(r.name))) {
    for (const name of await fs.readdir(run.corpusDir)) await fs.copyFile(path.join(run.corpusDir, name), path.join(corpusDir, `${run.name}-${name}`));
    cases.push(...run.cases);
  }
  await fs.rm(cacheDir, { recursive: true, force: true });
  return { name: 'shared datasets', corpusDir, cases: cases.map((c) => ({ question: c.question, expect: c.expect })) };
}

/**
 * Writes a synthetic corpus of about `chunks` chunks (real sentences recombined, see synthetic.ts) as
 * articles of `chunksPerArticle` chunk-sized paragraphs, so the whole pipeline (chunking, build, open,
 * answer) runs on it.
 */
export async function writeSyntheticCorpus(pool: SentencePool, chunks: number, workDir: string, seed: number, chunksPerArticle = 20): Promise<ScaleCorpus> {
  const corpusDir = path.join(workDir, `synthetic-${chunks}`);
  await fs.mkdir(corpusDir, { recursive: true });
  const texts = syntheticChunks(pool, chunks, createRandom(seed));
  for (let start = 0, n = 0; start < texts.length; start += chunksPerArticle, n += 1) {
    const stem = `synthetic-${String(n).padStart(6, '0')}`;
    await fs.writeFile(path.join(corpusDir, `${stem}.txt`), `${texts.slice(start, start + chunksPerArticle).join('\n\n')}\n`);
  }
  return { name: `synthetic ${chunks} chunks`, corpusDir, cases: [] };
}

/** What the scale bench measured on one corpus. */
export interface CorpusScaleResult {
  name: string;
  articles: number;
  chunks: number;
  build: { ms: number; wallMs: number; maxRssKb: number | undefined };
  indexBytes: Record<string, number>;
  /** One `npm run ask` (fresh process: open + answer), median of `coldRuns`. */
  coldAsk: { medianMs: number; medianCpuMs: number | undefined; maxRssKb: number | undefined; runs: number };
  /** From the warm child: open time, latencies end to end, RSS, quality. */
  warm: WarmChildReport;
  /** Incremental updates after one article was taken out of the corpus, then put back (fresh processes). */
  update: { removeOne: UpdateRun; addOne: UpdateRun } | undefined;
}

/** One incremental update: its own time (as its message says), the whole process's, and its peak RSS. */
export interface UpdateRun {
  ms: number | undefined;
  wallMs: number;
  maxRssKb: number | undefined;
}

/** The JSON line the warm child prints. */
export interface WarmChildReport {
  openMs: number;
  /** CPU time of the open and per answer: less sensitive than wall time to other load on the machine. */
  openCpuMs: number;
  cpuMsPerAnswer: number;
  rssAfterOpenKb: number;
  /** The answers before the measured rounds (the first scoring the quotes), timed apart: the JIT's warm-up. */
  warmup: { answers: number; p50: number; p99: number; cpuMsPerAnswer: number };
  p50: number;
  p95: number;
  p99: number;
  samples: number;
  maxRssKb: number;
  questions: number;
  /** Share of answerable questions with a quote holding an expected text among the first one or three. */
  hitAt1: number | undefined;
  hitAt3: number | undefined;
  /** Share of answers whose every quote is its file's text between its offsets. */
  faithful: number;
}

/** Options for one corpus's scale run. */
export interface CorpusScaleOptions {
  root: string;
  corpus: ScaleCorpus;
  indexDir: string;
  /** Questions for the warm and cold runs when the corpus has none of its own. */
  fallbackQuestions: string[];
  env: NodeJS.ProcessEnv;
  probe: RssProbe;
  rounds: number;
  /** Answers before the measured rounds (see WarmChildReport.warmup). */
  warmup: number;
  coldRuns: number;
  log: (message: string) => void;
}

/**
 * Builds the corpus's index in a fresh process, asks one question cold through the CLI
 * (`node bin/run.mjs ask --json`, what `npm run ask` runs) a few times, then opens it in a warm child that
 * scores the answers, warms up, and asks every question `rounds` times.
 */
export async function runCorpusScale(options: CorpusScaleOptions): Promise<CorpusScaleResult> {
  const { root, corpus, indexDir, probe, log } = options;
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const env = { ...options.env, CORPUS_DIR: corpus.corpusDir, INDEX_DIR: indexDir };
  log(`${corpus.name}: building the index (fresh process)…`);
  const buildRun = await runMeasured(tsx, ['bench/child/build-index.ts', corpus.corpusDir, indexDir], { cwd: root, env, probe });
  const built = lastJsonLine(buildRun.stdout);
  if (buildRun.exitCode !== 0 || !built) throw new Error(`index build failed:\n${buildRun.stderr.trim()}`);
  const indexBytes: Record<string, number> = {};
  for (const name of await fs.readdir(indexDir)) indexBytes[name] = (await fs.stat(path.join(indexDir, name))).size;

  const questions = corpus.cases.length > 0 ? corpus.cases.map((c) => c.question) : options.fallbackQuestions;
  log(`${corpus.name}: ${options.coldRuns} cold asks through the CLI…`);
  const cold = [];
  for (let i = 0; i < options.coldRuns; i += 1) {
    const run = await runMeasured(process.execPath, ['bin/run.mjs', 'ask', '--json', questions[i % questions.length]!], { cwd: root, env, probe, timeoutMs: 300_000 });
    if (run.exitCode !== 0) throw new Error(`cold ask failed (exit ${run.exitCode}):\n${run.stderr.trim()}`);
    cold.push(run);
  }
  const coldRss = cold.map((run) => run.maxRssKb).filter((kb): kb is number => kb !== undefined);

  log(`${corpus.name}: warm answers, ${options.warmup} to warm up, then ${questions.length} questions × ${options.rounds} rounds (child process)…`);
  const casesFile = path.join(path.dirname(indexDir), `cases-${path.basename(indexDir)}.json`);
  const cases = corpus.cases.length > 0 ? corpus.cases : questions.map((question) => ({ question, expect: [] }));
  await fs.writeFile(casesFile, JSON.stringify(cases));
  const warmRun = await runMeasured(tsx, ['bench/child/warm-corpus.ts', corpus.corpusDir, indexDir, casesFile, String(options.rounds), String(options.warmup)], { cwd: root, env, probe, timeoutMs: 3_600_000 });
  const warm = lastJsonLine(warmRun.stdout) as WarmChildReport | undefined;
  if (warmRun.exitCode !== 0 || !warm) throw new Error(`warm child failed:\n${warmRun.stderr.trim()}`);

  log(`${corpus.name}: incremental updates, one article out and back in (fresh processes)…`);
  const update = await measureUpdates(root, corpus.corpusDir, indexDir, env, probe);

  return {
    name: corpus.name,
    update,
    articles: Number(built.articles),
    chunks: Number(built.chunks),
    build: { ms: roundMs(Number(built.buildMs)), wallMs: roundMs(buildRun.wallMs), maxRssKb: buildRun.maxRssKb },
    indexBytes,
    coldAsk: {
      medianMs: roundMs(median(cold.map((run) => run.wallMs))),
      medianCpuMs: cold.every((run) => run.cpuMs !== undefined) ? roundMs(median(cold.map((run) => run.cpuMs!))) : undefined,
      maxRssKb: coldRss.length > 0 ? Math.max(...coldRss) : undefined, runs: cold.length },
    warm,
  };
}

/**
 * Takes the corpus's last article (and its sidecar) out and updates the index, then puts it back and
 * updates again: `npm run build-index` after a user removed or added one article. Undefined when an
 * update fell back to a full build (it says why on stderr).
 */
async function measureUpdates(root: string, corpusDir: string, indexDir: string, env: NodeJS.ProcessEnv, probe: RssProbe): Promise<CorpusScaleResult['update']> {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const names = (await fs.readdir(corpusDir)).sort();
  const last = names.filter((name) => /\.(?:txt|md|html?)$/.test(name)).at(-1);
  if (!last) return undefined;
  const stem = last.replace(/\.[^.]+$/, '');
  const moved = names.filter((name) => name === last || name === `${stem}.meta.json`);
  const aside = path.join(path.dirname(corpusDir), `${path.basename(corpusDir)}-aside`);
  await fs.mkdir(aside, { recursive: true });
  const run = async (): Promise<UpdateRun | undefined> => {
    const result = await runMeasured(tsx, ['bench/child/update-index.ts', corpusDir, indexDir], { cwd: root, env, probe, timeoutMs: 3_600_000 });
    const report = lastJsonLine(result.stdout);
    if (result.exitCode !== 0 || !report) throw new Error(`index update failed:\n${result.stderr.trim()}`);
    return report.updated === true ? { ms: roundMs(Number(report.updateMs)), wallMs: roundMs(result.wallMs), maxRssKb: result.maxRssKb } : undefined;
  };
  try {
    for (const name of moved) await fs.rename(path.join(corpusDir, name), path.join(aside, name));
    const removeOne = await run();
    for (const name of moved) await fs.rename(path.join(aside, name), path.join(corpusDir, name));
    const addOne = await run();
    return removeOne && addOne ? { removeOne, addOne } : undefined;
  } finally {
    for (const name of await fs.readdir(aside)) await fs.rename(path.join(aside, name), path.join(corpusDir, name));
    await fs.rm(aside, { recursive: true, force: true });
  }
}

/** The scale runs as printable rows. */
export function formatCorpusScale(results: readonly CorpusScaleResult[]): string[] {
  const mb = (kb: number | undefined) => (kb === undefined ? '?' : `${Math.round(kb / 1024)} MB`);
  const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
  const lines: string[] = [];
  for (const r of results) {
    const disk = Object.entries(r.indexBytes).sort(([, a], [, b]) => b - a).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(1)} MB`).join(', ');
    lines.push(`  ${r.name}: ${r.articles} articles, ${r.chunks} chunks`);
    lines.push(`    build ${s(r.build.ms)} (process ${s(r.build.wallMs)}, peak RSS ${mb(r.build.maxRssKb)})`);
    lines.push(`    one ask (CLI, fresh process) median of ${r.coldAsk.runs}: ${s(r.coldAsk.medianMs)}${r.coldAsk.medianCpuMs === undefined ? '' : ` (CPU ${s(r.coldAsk.medianCpuMs)})`}, peak RSS ${mb(r.coldAsk.maxRssKb)}`);
    lines.push(`    open ${s(r.warm.openMs)} (CPU ${s(r.warm.openCpuMs)}, RSS ${mb(r.warm.rssAfterOpenKb)}); warm answer p50 / p95 / p99 ${r.warm.p50} / ${r.warm.p95} / ${r.warm.p99} ms over ${r.warm.samples} asks (CPU ${r.warm.cpuMsPerAnswer.toFixed(1)} ms/answer), the first ${r.warm.warmup.answers} p50 / p99 ${r.warm.warmup.p50} / ${r.warm.warmup.p99} ms (CPU ${r.warm.warmup.cpuMsPerAnswer.toFixed(1)}); peak RSS ${mb(r.warm.maxRssKb)}`);
    const update = (u: UpdateRun) => `${u.ms === undefined ? '?' : s(u.ms)} (process ${s(u.wallMs)}, peak RSS ${mb(u.maxRssKb)})`;
    if (r.update) lines.push(`    incremental update: add one article ${update(r.update.addOne)}; remove one ${update(r.update.removeOne)}`);
    else lines.push('    incremental update: fell back to a full build (see stderr)');
    if (r.warm.hitAt3 !== undefined) lines.push(`    quality on ${r.warm.questions} TEST-split questions: hit@1 ${pct(r.warm.hitAt1)}, hit@3 ${pct(r.warm.hitAt3)}, faithful ${pct(r.warm.faithful)}`);
    lines.push(`    on disk: ${disk}`);
  }
  return lines;
}
