// The benchmarks behind `npm run bench` (scripts/bench.ts declares its arguments): loaded only when it runs.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureStartupCosts, type StartupCosts } from './imports.js';
import { detectRssProbe, lastJsonLine, runMeasured, type MeasuredRun, type RssProbe } from './process.js';
import { formatCorpusScale, runCorpusScale, writeSharedDatasetsCorpus, writeSyntheticCorpus, type CorpusScaleResult, type ScaleCorpus } from './corpus-scale.js';
import { runScale, type ScaleResult } from './scale.js';
import { measureSemantic, type SemanticBenchResult } from './semantic.js';
import { median, roundMs } from './stats.js';
import { sentencePool } from './synthetic.js';
import { measureWarmAnswers, measureWarmRetrieval, type WarmResult } from './warm.js';
import { installedHnswlib, tunedFlags } from '../bin/native.mjs';
import { environmentWith, loadProjectConfig } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { DEV_SET, readEvalSet } from '../src/eval/metrics.js';
import { searchBeam } from '../src/index/hnsw.js';
import { indexFiles } from '../src/index/manifest.js';
import { loadLexicon } from '../src/text/lexicon.js';
import { openIndex } from '../src/index/open.js';
import { createHybridRetriever } from '../src/retrieval/hybrid.js';
import { loadAnswerModel } from '../src/decision/model.js';
import { createTether } from '../src/tether.js';


/** The targets of issue 3, item 9 (cold ask: issue 8, item 9). */
const TARGETS = {
  warmP99Ms: 10,
  coldAskMs: 500,
  rssMb: 300,
  scaleChunks: 50_000,
  scaleP99Ms: 20,
  recallAt10: 0.95,
  semanticLoadMs: 50,
  semanticQuestionP99Ms: 1,
};

/** ef values tried at scale when recall@10 falls short of the target at the index's own beam (`searchBeam`). */
const EF_SWEEP = [160, 200, 256, 320, 400, 512, 768, 1024];

interface Target {
  name: string;
  value: number | undefined;
  limit: number;
  unit: string;
  better: 'lower' | 'higher';
  pass: boolean;
}

interface ColdResult {
  /** What was spawned: the real CLI, or the stand-in script while the CLI does not exist yet. */
  command: string;
  usesCli: boolean;
  runs: Array<{ wallMs: number; cpuMs: number | undefined; maxRssKb: number | undefined; exitCode: number | null }>;
  /** The first, unmeasured run (tsx's transform cache may be cold). */
  primingMs: number;
  medianMs: number;
  /** Median CPU time (user + system, all processes of the run). */
  medianCpuMs: number | undefined;
  maxRssKb: number | undefined;
  /** The same CLI from its TypeScript sources through tsx (as `npm run ask` ran before dist/): what compiling saves. */
  viaTsx: { medianMs: number; medianCpuMs: number | undefined; maxRssKb: number | undefined; runs: number };
  /** Median phases of a cold ask, from the stand-in script that reports them. */
  phases: { bootMs: number; importMs: number; openMs: number; askMs: number; totalMs: number; wallMs: number } | undefined;
}

/** What `npm run bench` was asked for, its numbers parsed (see scripts/bench.ts). */
export interface BenchOptions {
  scale?: boolean;
  'only-scale'?: boolean;
  sizes: number[];
  corpusSizes: number[];
  perDirection: number;
  questions?: string;
  rounds: number;
  /** Answers before the warm rounds (timed apart): the JIT's warm-up. */
  warmup: number;
  coldRuns: number;
  scaleQueries: number;
  imports?: boolean;
  out?: string;
  'keep-index'?: boolean;
  strict?: boolean;
}

/** Runs the benchmarks; 1 when `strict` and a target fails. */
export async function main(values: BenchOptions): Promise<number> {
  const { rounds, warmup, coldRuns, scaleQueries, sizes, corpusSizes, perDirection } = values;

  const config = loadProjectConfig();
  const root = config.root;
  const questionsFile = values.questions ? path.resolve(values.questions) : path.join(root, DEV_SET);
  const questions = (await readEvalSet(questionsFile)).map((testCase) => testCase.question);
  if (questions.length === 0) throw new Error(`${questionsFile} has no questions`);
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-bench-'));
  const indexDir = path.join(scratch, 'index');
  const childEnv = environmentWith({ CORPUS_DIR: config.corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: 'warn' });
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const probe = await detectRssProbe();
  const log = (message: string) => console.error(message);
  const loadAtStart = os.loadavg()[0] ?? 0;
  if (loadAtStart > os.cpus().length / 2) log(`Warning: load average ${loadAtStart.toFixed(1)} on ${os.cpus().length} cores: other processes will inflate the timings.`);

  try {
    if (values['only-scale']) {
      const corpusScale = await runCorpusScales({ root, scratch, env: childEnv, probe, rounds: Math.min(rounds, 3), warmup, coldRuns: Math.min(coldRuns, 3), perDirection, corpusSizes, questions, corpusDir: config.corpusDir, log });
      await writeResults(root, values.out, { date: new Date().toISOString(), machine: describeMachine(loadAtStart), corpusScale });
      return 0;
    }
    log(`Building the index of ${path.relative(root, config.corpusDir) || '.'} into ${indexDir} (fresh process)…`);
    const buildRun = await runMeasured(tsx, ['bench/child/build-index.ts', config.corpusDir, indexDir], { cwd: root, env: childEnv, probe });
    const build = lastJsonLine(buildRun.stdout);
    if (buildRun.exitCode !== 0 || !build) throw new Error(`index build failed:\n${buildRun.stderr.trim()}`);

    log(`Warm answers: ${warmup} to warm up, then ${questions.length} questions × ${rounds} rounds…`);
    const openStartedAt = performance.now();
    const index = await openIndex({ root, corpusDir: config.corpusDir, indexDir, onProgress: log });
    const tether = createTether({ index, model: await loadAnswerModel(root) });
    const warmOpenMs = performance.now() - openStartedAt;
    const openMaxRssKb = process.resourceUsage().maxRSS;
    const warm = await measureWarmAnswers(tether, questions, rounds, warmup);
    // Retrieval alone (HNSW + BM25, rank-fused; 10 chunks as the core takes): its share of an answer.
    const retrieval = await measureWarmRetrieval(createHybridRetriever(index, { k: 10 }), questions, rounds);
    // Read before anything else runs here: the scale run would raise this process's peak.
    const warmMaxRssKb = process.resourceUsage().maxRSS;
    const semantic = index.manifest.semantic ? await measureSemantic(indexFiles(indexDir).semantic, questions, { loads: 5, rounds }) : undefined;

    const cold = await measureCold({ root, tsx, env: childEnv, probe, corpusDir: config.corpusDir, indexDir, questions, runs: coldRuns, log });

    let startup: StartupCosts | undefined;
    if (values.imports !== false) {
      log('Import costs of the heavy modules (fresh processes, median of 3)…');
      startup = await measureStartupCosts({ root, env: childEnv, runs: 3 });
    }

    const scale: ScaleResult[] = [];
    const corpusScale = values.scale
      ? await runCorpusScales({ root, scratch, env: childEnv, probe, rounds: Math.min(rounds, 3), warmup, coldRuns: Math.min(coldRuns, 3), perDirection, corpusSizes, questions, corpusDir: config.corpusDir, log })
      : [];
    if (values.scale) {
      const corpus = await loadCorpus(config.corpusDir, root);
      const pool = sentencePool(corpus.articles);
      // The lexicon of the index just built: CC-CEDICT is read once, not once per scale.
      const lexicon = await loadLexicon(indexFiles(indexDir).lexicon);
      for (const size of sizes) {
        log(`Scale: ${size} synthetic chunks…`);
        const startedAt = performance.now();
        scale.push(
          await runScale({
            chunks: size,
            pool,
            lexicon,
            efSearch: searchBeam(size),
            queries: scaleQueries,
            extraQueries: questions,
            rounds: 3,
            k: 10,
            efSweep: EF_SWEEP,
            recallTarget: TARGETS.recallAt10,
            seed: size,
            onProgress: log,
          }),
        );
        log(`  done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
      }
    }

    const targets = evaluateTargets(warm, cold, warmMaxRssKb, scale, semantic);
    const result = {
      date: new Date().toISOString(),
      machine: describeMachine(loadAtStart),
      rssProbe: probe.kind,
      corpus: { dir: config.corpusDir, articles: build.articles, chunks: build.chunks },
      build: { wallMs: roundMs(buildRun.wallMs), buildIndexMs: roundMs(Number(build.buildMs)), maxRssKb: buildRun.maxRssKb },
      warm: { openMs: roundMs(warmOpenMs), ...warm, retrieval, maxRssKbAfterOpen: openMaxRssKb, maxRssKb: warmMaxRssKb },
      semantic,
      cold,
      startup,
      scale,
      corpusScale,
      targets,
    };

    if (result.machine.loadAverage.end > os.cpus().length / 2) log(`Load average at the end: ${result.machine.loadAverage.end} on ${os.cpus().length} cores (timings inflated).`);
    printReport(result.build, { ...warm, retrieval }, warmOpenMs, { afterOpen: openMaxRssKb, afterAnswers: warmMaxRssKb }, cold, startup, scale, targets, build, semantic);
    if (corpusScale.length > 0) console.log(['\nScale, whole pipeline (TEST-split questions for quality)', ...formatCorpusScale(corpusScale)].join('\n'));
    await writeResults(root, values.out, result);
    return values.strict && targets.some((target) => !target.pass) ? 1 : 0;
  } finally {
    if (values['keep-index']) log(`Kept the index in ${indexDir}.`);
    else await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function writeResults(root: string, out: string | undefined, result: unknown): Promise<void> {
  const files = [path.join(root, 'bench-results/bench.json'), ...(out ? [path.resolve(out)] : [])];
  for (const file of files) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  }
  console.error(`Wrote ${files.map((file) => path.relative(root, file)).join(' and ')}.`);
}

interface CorpusScalesOptions {
  root: string;
  scratch: string;
  env: NodeJS.ProcessEnv;
  probe: RssProbe;
  rounds: number;
  warmup: number;
  coldRuns: number;
  perDirection: number;
  corpusSizes: number[];
  /** The dev questions: asked of synthetic corpora, which have none of their own. */
  questions: string[];
  /** The project corpus, whose sentences synthetic corpora recombine. */
  corpusDir: string;
  log: (message: string) => void;
}

/** The whole-pipeline scale runs: the shared-datasets corpus, then each synthetic size; printed as they finish. */
async function runCorpusScales(options: CorpusScalesOptions): Promise<CorpusScaleResult[]> {
  const { root, scratch, log } = options;
  const results: CorpusScaleResult[] = [];
  const corpora: Array<() => Promise<ScaleCorpus>> = [
    () => writeSharedDatasetsCorpus(root, scratch, options.perDirection),
    ...options.corpusSizes.map((size) => async () => {
      // Recombined from the shared-datasets corpus when it was written (more varied text), else the project's.
      const source = await loadCorpus(path.join(scratch, 'shared-corpus'), root).catch(() => loadCorpus(options.corpusDir, root));
      return writeSyntheticCorpus(sentencePool(source.articles), size, scratch, size);
    }),
  ];
  for (const [i, write] of corpora.entries()) {
    const corpus = await write();
    const result = await runCorpusScale({ root, corpus, indexDir: path.join(scratch, `scale-index-${i}`), fallbackQuestions: options.questions, env: options.env, probe: options.probe, rounds: options.rounds, warmup: options.warmup, coldRuns: options.coldRuns, log });
    results.push(result);
    console.log(formatCorpusScale([result]).join('\n'));
    await fs.rm(path.join(scratch, `scale-index-${i}`), { recursive: true, force: true });
  }
  return results;
}

interface ColdOptions {
  root: string;
  tsx: string;
  env: NodeJS.ProcessEnv;
  probe: RssProbe;
  corpusDir: string;
  indexDir: string;
  questions: string[];
  runs: number;
  log: (message: string) => void;
}

/**
 * Cold `ask`: a fresh `node bin/run.mjs ask --json "question"` process per run (what `npm run ask`
 * runs: the compiled dist/, compiled first when stale) against the built index; the same CLI
 * through tsx (`node --import tsx src/cli/ask.ts`, as before dist/) for comparison; and phase
 * timings from a stand-in script.
 */
async function measureCold(options: ColdOptions): Promise<ColdResult> {
  const usesCli = true;
  const launcher = ['bin/run.mjs', 'ask'];
  const throughTsx = ['--import', 'tsx', 'src/cli/ask.ts'];
  const phasesScript = 'bench/child/ask-once.ts';
  const spawnCli = (entry: string[], question: string) =>
    runMeasured(process.execPath, [...entry, '--json', question], { cwd: options.root, env: options.env, probe: options.probe, timeoutMs: 120_000 });
  const check = (run: MeasuredRun) => {
    if (run.exitCode !== 0 || !lastJsonLine(run.stdout)) throw new Error(`cold ask failed (exit ${run.exitCode}): ${run.command}\n${run.stderr.trim()}`);
    return run;
  };
  const question = (i: number) => options.questions[i % options.questions.length]!;

  options.log(`Cold ask: ${options.runs} fresh processes of node ${launcher.join(' ')} --json…`);
  // The first run compiles what is stale in dist/ and warms the file cache: not measured.
  const primingMs = check(await spawnCli(launcher, question(0))).wallMs;
  const runs: MeasuredRun[] = [];
  for (let i = 0; i < options.runs; i += 1) runs.push(check(await spawnCli(launcher, question(i))));

  const phaseRuns: Array<Record<string, unknown> & { wallMs: number }> = [];
  for (let i = 0; i < Math.min(3, options.runs); i += 1) {
    const run = check(await runMeasured(options.tsx, [phasesScript, options.corpusDir, options.indexDir, question(i)], { cwd: options.root, env: options.env, probe: options.probe, timeoutMs: 120_000 }));
    phaseRuns.push({ ...lastJsonLine(run.stdout)!, wallMs: run.wallMs });
  }
  options.log(`Cold ask through tsx, for comparison: ${options.runs} fresh processes of node ${throughTsx.join(' ')} --json…`);
  check(await spawnCli(throughTsx, question(0)));
  const tsxRuns: MeasuredRun[] = [];
  for (let i = 0; i < options.runs; i += 1) tsxRuns.push(check(await spawnCli(throughTsx, question(i))));

  const medianOf = (key: string) => roundMs(median(phaseRuns.map((run) => Number(run[key]))));
  const summary = (measured: MeasuredRun[]) => {
    const kbs = measured.map((run) => run.maxRssKb).filter((kb): kb is number => kb !== undefined);
    return {
      medianMs: roundMs(median(measured.map((run) => run.wallMs))),
      medianCpuMs: measured.every((run) => run.cpuMs !== undefined) ? roundMs(median(measured.map((run) => run.cpuMs!))) : undefined,
      maxRssKb: kbs.length > 0 ? Math.max(...kbs) : undefined,
    };
  };
  return {
    command: `node ${launcher.join(' ')} --json …`,
    usesCli,
    runs: runs.map((run) => ({ wallMs: roundMs(run.wallMs), cpuMs: run.cpuMs, maxRssKb: run.maxRssKb, exitCode: run.exitCode })),
    primingMs: roundMs(primingMs),
    ...summary(runs),
    viaTsx: { ...summary(tsxRuns), runs: tsxRuns.length },
    phases: phaseRuns.length > 0
      ? { bootMs: medianOf('bootMs'), importMs: medianOf('importMs'), openMs: medianOf('openMs'), askMs: medianOf('askMs'), totalMs: medianOf('totalMs'), wallMs: medianOf('wallMs') }
      : undefined,
  };
}

function evaluateTargets(warm: WarmResult, cold: ColdResult, warmMaxRssKb: number, scale: ScaleResult[], semantic: SemanticBenchResult | undefined): Target[] {
  const atMost = (name: string, value: number | undefined, limit: number, unit: string): Target => ({ name, value, limit, unit, better: 'lower', pass: value !== undefined && value <= limit });
  const atLeast = (name: string, value: number | undefined, limit: number, unit: string): Target => ({ name, value, limit, unit, better: 'higher', pass: value !== undefined && value >= limit });
  const mb = (kb: number | undefined) => (kb === undefined ? undefined : Math.round(kb / 102.4) / 10);
  const targets = [
    atMost('warm answer p99', warm.latency.p99, TARGETS.warmP99Ms, 'ms'),
    atMost(`cold ask (median of ${cold.runs.length})`, cold.medianMs, TARGETS.coldAskMs, 'ms'),
    atMost('peak RSS, warm process', mb(warmMaxRssKb), TARGETS.rssMb, 'MB'),
    atMost('peak RSS, cold ask', mb(cold.maxRssKb), TARGETS.rssMb, 'MB'),
  ];
  if (semantic) {
    targets.push(atMost('semantic tables: load', semantic.loadMs, TARGETS.semanticLoadMs, 'ms'));
    targets.push(atMost('semantic: question embedding p99', semantic.question.p99, TARGETS.semanticQuestionP99Ms, 'ms'));
  }
  for (const run of scale.filter((r) => r.chunks >= TARGETS.scaleChunks)) {
    targets.push(atMost(`${run.chunks} chunks: query p99`, run.search.p99, TARGETS.scaleP99Ms, 'ms'));
    targets.push(atLeast(`${run.chunks} chunks: recall@10 (ef ${run.hnsw.efSearch})`, run.recallAt10, TARGETS.recallAt10, ''));
  }
  return targets;
}

function printReport(
  build: { wallMs: number; buildIndexMs: number; maxRssKb: number | undefined },
  warm: WarmResult & { retrieval: WarmResult['latency'] },
  warmOpenMs: number,
  warmRss: { afterOpen: number; afterAnswers: number },
  cold: ColdResult,
  startup: StartupCosts | undefined,
  scale: ScaleResult[],
  targets: Target[],
  built: Record<string, unknown>,
  semantic: SemanticBenchResult | undefined,
): void {
  const verdict = (name: string) => {
    const target = targets.find((t) => t.name === name);
    return target ? `${target.pass ? 'PASS' : 'FAIL'} (${target.better === 'lower' ? '≤' : '≥'} ${target.limit}${target.unit ? ` ${target.unit}` : ''})` : '';
  };
  const rows: Array<[string, string, string]> = [
    [`index build (${String(built.articles)} articles, ${String(built.chunks)} chunks)`, `${formatMs(build.buildIndexMs)} (process ${formatMs(build.wallMs)}, RSS ${formatKb(build.maxRssKb)})`, 'one-off; CC-CEDICT import'],
    ['warm: open index', formatMs(warmOpenMs), ''],
    [`warm answer p50 / p95 / p99 (${warm.latency.samples} asks)`, `${warm.latency.p50} / ${warm.latency.p95} / ${warm.latency.p99} ms`, `${verdict('warm answer p99')}; CPU ${warm.cpuMsPerAnswer} ms/answer`],
    [`  the first ${warm.warmup.answers} answers after open p50 / p95 / p99`, `${warm.warmup.latency.p50} / ${warm.warmup.latency.p95} / ${warm.warmup.latency.p99} ms`, `CPU ${warm.warmup.cpuMsPerAnswer} ms/answer: V8 optimising on the other core`],
    ['  GC during the warm rounds', `${warm.gc.pauses} pauses, ${formatMs(warm.gc.totalMs)} in all, longest ${formatMs(warm.gc.longestMs)}`, ''],
    ['  retrieval alone p50 / p95 / p99', `${warm.retrieval.p50} / ${warm.retrieval.p95} / ${warm.retrieval.p99} ms`, 'hybrid retriever (HNSW + BM25 fused), k 10'],
    [`cold ask, median of ${cold.runs.length}${cold.usesCli ? ' (CLI)' : ' (stand-in)'}`, `${formatMs(cold.medianMs)} (first ${formatMs(cold.primingMs)})`, `${verdict(`cold ask (median of ${cold.runs.length})`)}${cold.medianCpuMs === undefined ? '' : `; CPU ${formatMs(cold.medianCpuMs)}`}`],
    ['peak RSS, warm process', `${formatKb(warmRss.afterAnswers)} (${formatKb(warmRss.afterOpen)} after open)`, verdict('peak RSS, warm process')],
    ['peak RSS, cold ask', formatKb(cold.maxRssKb), verdict('peak RSS, cold ask')],
  ];
  if (semantic) {
    rows.push([`semantic tables: load (median of ${semantic.loads})`, `${formatMs(semantic.loadMs)} (${formatKb(Math.round(semantic.fileBytes / 1024))} file)`, verdict('semantic tables: load')]);
    rows.push([`semantic: question embedding p50 / p99`, `${semantic.question.p50} / ${semantic.question.p99} ms`, verdict('semantic: question embedding p99')]);
  }
  rows.push([`cold ask through tsx, median of ${cold.viaTsx.runs}`, formatMs(cold.viaTsx.medianMs), `RSS ${formatKb(cold.viaTsx.maxRssKb)}${cold.viaTsx.medianCpuMs === undefined ? '' : `; CPU ${formatMs(cold.viaTsx.medianCpuMs)}`}; node --import tsx src/cli/ask.ts, for comparison`]);
  if (cold.phases) {
    const p = cold.phases;
    rows.push(['cold phases, stand-in through tsx: boot / import / open / ask', `${formatMs(p.bootMs)} / ${formatMs(p.importMs)} / ${formatMs(p.openMs)} / ${formatMs(p.askMs)}`, `process ${formatMs(p.wallMs)}`]);
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  console.log('\nTether bench');
  for (const [name, value, note] of rows) console.log(`  ${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${note}`);

  if (startup) {
    console.log(`\nStartup costs (fresh processes, median): node ${formatMs(startup.nodeMs)}, tsx ${formatMs(startup.tsxMs)}, node --import tsx ${formatMs(startup.tsxLoaderMs)}`);
    const all = [...startup.modules, startup.tetherGraph, ...(startup.compiledGraph ? [startup.compiledGraph] : [])];
    const moduleWidth = Math.max(...all.map((m) => m.module.length));
    console.log(`  ${'module'.padEnd(moduleWidth)}  ${'import'.padStart(9)}  ${'process'.padStart(9)}`);
    for (const m of all) console.log(`  ${m.module.padEnd(moduleWidth)}  ${formatMs(m.importMs).padStart(9)}  ${formatMs(m.processMs).padStart(9)}`);
  }

  if (scale.length > 0) {
    console.log(`\nScale (synthetic chunks; HNSW cosine, M ${scale[0]!.hnsw.m}, efConstruction ${scale[0]!.hnsw.efConstruction}; k 10; ef per run)`);
    const header = ['chunks', 'graphs', 'build', 'features', 'vectors', 'insert', 'search p50', 'p99', 'embed p99', 'recall@10', 'strict', 'queries', ''];
    const table = scale.map((run) => {
      const names = [`${run.chunks} chunks: query p99`, `${run.chunks} chunks: recall@10 (ef ${run.hnsw.efSearch})`];
      const checks = targets.filter((t) => names.includes(t.name));
      return [
        String(run.chunks),
        String(run.hnsw.graphs),
        formatMs(run.buildMs.total),
        formatMs(run.buildMs.features),
        formatMs(run.buildMs.vectorise + run.buildMs.stats),
        formatMs(run.buildMs.hnswInsert),
        `${run.search.p50} ms`,
        `${run.search.p99} ms`,
        `${run.embedQuery.p99} ms`,
        run.recallAt10.toFixed(4),
        run.strictRecallAt10.toFixed(4),
        String(run.queries),
        checks.length === 0 ? '' : checks.every((t) => t.pass) ? 'PASS' : `FAIL: ${checks.filter((t) => !t.pass).map((t) => t.name.split(': ')[1]).join(', ')}`,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    console.log(`  ${header.map((h, i) => h.padStart(widths[i]!)).join('  ')}`);
    for (const row of table) console.log(`  ${row.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}`);
    for (const run of scale.filter((r) => r.efSweep.length > 0)) {
      console.log(`  ${run.chunks} chunks, recall@10 by ef: ${[{ ef: run.hnsw.efSearch, recallAt10: run.recallAt10, search: run.search }, ...run.efSweep].map((p) => `ef ${p.ef} → ${p.recallAt10.toFixed(4)} (p99 ${p.search.p99} ms)`).join(', ')}`);
    }
  }

  const failed = targets.filter((target) => !target.pass);
  console.log(`\nTargets: ${targets.length - failed.length} of ${targets.length} pass${failed.length > 0 ? `; failing: ${failed.map((t) => t.name).join('; ')}` : ''}.`);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function formatKb(kb: number | undefined): string {
  return kb === undefined ? 'unknown' : `${(kb / 1024).toFixed(0)} MB`;
}

/** The machine a run measured, with the build of the HNSW addon it searched with (compiled for the CPU by `npm ci`, or npm's portable one). */
function describeMachine(loadAtStart: number) {
  return {
    loadAverage: { start: round2(loadAtStart), end: round2(os.loadavg()[0] ?? 0) },
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    hnswlibBuild: tunedFlags(installedHnswlib()) ?? 'portable',
  };
}
