import fs from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, runCli, UsageError, wholeNumber } from '../src/cli/boundary.js';
import { loadProjectConfig, type Config } from '../src/config.js';
import { TetherError, toUserMessage } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { evaluateDatasetRuns, formatDatasetReport } from '../src/eval/dataset-eval.js';
import { DATASET_NAMES, prepareDatasetRuns, type DatasetName, type SplitChoice } from '../src/eval/datasets.js';
import { createFaithfulnessCheck, DEV_SET, failedCase, readEvalSet, scoreCase, summarise, type CaseResult, type Summary } from '../src/eval/metrics.js';

const NOTES = `Runs an eval set (default eval/dev.jsonl) and prints hit@1, hit@3, the share of short answer lines
containing the expected text ("answer"), MRR, abstention and faithfulness per kind and overall.
--gate fails (exit 1) when a figure falls below the file's minimums. --llm answers through the
configured chat model (LLM_BASE_URL, LLM_MODEL) and also counts its quotes verified, repaired and
dropped; without it the offline extractive answerer is measured.
--dataset runs the public QA sets of ../shared/datasets (optional; see its README) with the offline
answerer: corpora and indexes are cached in .cache/datasets. Articles at odd positions in each file
are the test split (reported), even ones the train split (for tuning). --limit keeps at most N
questions per direction and refusal group, the same ones every time.`;

const SPLITS = ['test', 'train', 'all'] as const;

/** `npm run eval`: an eval set, or the public QA sets with --dataset. */
const evalCommand = defineCommand({
  meta: { name: 'eval', description: 'Measures answer quality on an eval set (default eval/dev.jsonl) or on the public QA sets' },
  args: {
    file: { type: 'positional', required: false, description: 'JSONL eval set (default eval/dev.jsonl)', valueHint: 'file.jsonl' },
    json: { type: 'boolean', description: 'print the figures and every result as JSON' },
    gate: { type: 'string', valueHint: 'file.json', description: 'exit 1 when a figure falls below the minimums in this file' },
    llm: { type: 'boolean', description: 'answer through the configured chat model' },
    verbose: { type: 'boolean', description: 'print each question and its first quote' },
    dataset: { type: 'enum', options: [...DATASET_NAMES, 'all'], description: 'run a public QA set instead of an eval file' },
    split: { type: 'enum', options: [...SPLITS], description: 'with --dataset: which split (default test)' },
    limit: { type: 'string', valueHint: 'N', description: 'with --dataset: at most N questions per direction and refusal group' },
    'datasets-dir': { type: 'string', valueHint: 'DIR', description: 'with --dataset: where the public sets are (default ../shared/datasets)' },
    'cache-dir': { type: 'string', valueHint: 'DIR', description: 'with --dataset: where corpora and indexes are cached (default .cache/datasets)' },
  },
  run: ({ args }) => main({ ...args, positionals: args.file ? [args.file, ...args._.slice(1)] : [] }),
});

interface EvalFlags {
  json?: boolean;
  gate?: string;
  llm?: boolean;
  verbose?: boolean;
  dataset?: string;
  split?: string;
  limit?: string;
  'datasets-dir'?: string;
  'cache-dir'?: string;
  positionals: string[];
}

async function main(values: EvalFlags): Promise<number> {
  const positionals = values.positionals;
  if (positionals.length > 1) throw new UsageError(`One eval file at a time, got ${positionals.length}.`);
  if (values.dataset === undefined) {
    for (const option of ['split', 'limit', 'datasets-dir', 'cache-dir'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} applies to --dataset only.`);
    }
  }
  const loaded = loadProjectConfig();
  if (values.dataset !== undefined) return runDatasets(loaded, { ...values, dataset: values.dataset });
  if (values.llm && !loaded.llm) {
    throw new TetherError('BAD_CONFIG', '--llm needs a chat model.', { hint: 'Set LLM_BASE_URL and LLM_MODEL (see .env.example).' });
  }
  const config = values.llm ? loaded : { ...loaded, llm: undefined };
  const file = positionals[0] ? path.resolve(positionals[0]) : path.join(config.root, DEV_SET);
  const cases = await readEvalSet(file);
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  // The core is loaded here: `--help` and usage errors need none of it.
  const { openConfiguredTether } = await import('../src/tether.js');
  const tether = await openConfiguredTether(config, { logger, onProgress: (m) => console.error(m) });
  const verification = { verified: 0, repaired: 0, dropped: 0, citationsRemoved: 0, fallbacks: {} as Record<string, number> };
  const isFaithful = createFaithfulnessCheck(config.root);

  const results: CaseResult[] = [];
  for (const testCase of cases) {
    const startedAt = performance.now();
    try {
      const answer = await tether.ask(testCase.question, testCase.context ? { context: testCase.context } : {});
      if (answer.verification) {
        const v = answer.verification;
        verification.verified += v.verified;
        verification.repaired += v.repaired;
        verification.dropped += v.dropped;
        verification.citationsRemoved += v.citationsRemoved;
        if (v.fallbackReason) verification.fallbacks[v.fallbackReason] = (verification.fallbacks[v.fallbackReason] ?? 0) + 1;
      }
      results.push(scoreCase(testCase, answer, await isFaithful(answer), performance.now() - startedAt));
      if (values.verbose) {
        const r = results.at(-1)!;
        console.error(`${r.id} ${r.kind} found=${r.found} hit=${r.hitRank ?? '-'} ${testCase.question}\n   [1] ${answer.quotes[0]?.text.slice(0, 140) ?? ''} (${answer.quotes[0]?.score})`);
      }
    } catch (error) {
      results.push(failedCase(testCase, toUserMessage(error)));
    }
  }

  const kinds = [...new Set(results.map((r) => r.kind))];
  const byKind = Object.fromEntries(kinds.map((kind) => [kind, summarise(results.filter((r) => r.kind === kind))]));
  const overall = summarise(results);
  const llm = values.llm ? { verification } : {};
  if (values.json) {
    console.log(JSON.stringify({ file, overall, byKind, ...llm, results }, null, 2));
  } else {
    printTable(overall, byKind, results);
    if (values.llm) {
      const fallbacks = Object.entries(verification.fallbacks).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
      console.log(`model quotes: ${verification.verified} verified, ${verification.repaired} repaired, ${verification.dropped} dropped; citations removed: ${verification.citationsRemoved}; fallbacks: ${fallbacks}`);
    }
  }
  return values.gate ? checkGate(values.gate, overall, byKind) : 0;
}

/** `--dataset`: the public QA sets, each corpus variant opened with the offline core over its cached index. */
async function runDatasets(
  config: Config,
  values: EvalFlags & { dataset: string },
): Promise<number> {
  if (values.positionals.length > 0 || values.gate !== undefined || values.llm) throw new UsageError('--dataset takes no eval file, --gate or --llm.');
  const datasets: DatasetName[] = values.dataset === 'all' ? [...DATASET_NAMES] : DATASET_NAMES.filter((name) => name === values.dataset);
  const split = (values.split ?? 'test') as SplitChoice;
  const limit = values.limit === undefined ? undefined : wholeNumber(values.limit, '--limit', { fallback: 0 });

  const runs = await prepareDatasetRuns({
    root: config.root,
    datasetsDir: values['datasets-dir'] ? path.resolve(values['datasets-dir']) : undefined,
    cacheDir: values['cache-dir'] ? path.resolve(values['cache-dir']) : undefined,
    datasets,
    split,
    perKindLimit: limit,
  });
  const [{ openTether }, { memoLexiconSources }] = await Promise.all([import('../src/tether.js'), import('../src/index/build-lexicon.js')]);
  // The dictionaries are read once for every index the runs build (most of a build's time).
  const lexiconSources = memoLexiconSources();
  const report = await evaluateDatasetRuns(
    runs,
    {
      open: (run) => openTether({ root: run.root, corpusDir: run.corpusDir, indexDir: run.indexDir, lexiconSources, onProgress: (m) => console.error(m) }),
      onProgress: (m) => console.error(m),
      onResult: values.verbose
        ? (r, c, top) => console.error(`${r.id} ${c.refusal ?? r.kind} found=${r.found} (${r.confidence}) hit=${r.hitRank ?? '-'}${r.error ? ` error: ${r.error}` : ''} ${c.question}\n   [1] ${top?.slice(0, 140) ?? ''}`)
        : undefined,
    },
    { split, perKindLimit: limit },
  );
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else console.log(formatDatasetReport(report));
  return 0;
}

function printTable(overall: Summary, byKind: Record<string, Summary>, results: CaseResult[]): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  console.log(`${'kind'.padEnd(8)} ${'n'.padStart(3)} ${'hit@1'.padStart(7)} ${'hit@3'.padStart(7)} ${'answer'.padStart(7)} ${'MRR'.padStart(6)} ${'abstain'.padStart(8)} ${'unsure'.padStart(7)} ${'refused'.padStart(8)} ${'faithful'.padStart(8)}`);
  const row = (name: string, s: Summary) =>
    console.log(
      `${name.padEnd(8)} ${String(s.questions).padStart(3)} ${s.answerable ? pct(s.hitAt1) : '      -'} ${s.answerable ? pct(s.hitAt3) : '      -'} ${s.answerable ? pct(s.answerLine) : '      -'} ${s.answerable ? s.mrr.toFixed(3).padStart(6) : '     -'} ${(s.unanswerable ? `${s.abstained}/${s.unanswerable}` : '-').padStart(8)} ${String(s.falseAbstentions - s.refusedOutright).padStart(7)} ${String(s.refusedOutright).padStart(8)} ${pct(s.faithfulness).padStart(8)}`,
    );
  for (const [kind, summary] of Object.entries(byKind)) row(kind, summary);
  row('overall', overall);
  const misses = results.filter((r) => (r.kind === 'none' ? r.found : r.hitRank === undefined || r.hitRank > 3 || !r.found) || r.error);
  for (const miss of misses) console.log(`  miss ${miss.id} (${miss.kind}) found=${miss.found} hit=${miss.hitRank ?? '-'}${miss.error ? ` error: ${miss.error}` : ''}: ${miss.question}`);
}

interface Gate {
  hitAt1: number;
  hitAt3: number;
  kindHitAt3: number;
  /** Most answerable questions that may be refused outright (shown as "may answer it" is not refused). */
  maxRefusedOutright: number;
  faithfulness: number;
}

async function checkGate(file: string, overall: Summary, byKind: Record<string, Summary>): Promise<number> {
  const gate = JSON.parse(await fs.readFile(file, 'utf8')) as Gate;
  const failures: string[] = [];
  if (overall.hitAt1 < gate.hitAt1) failures.push(`hit@1 ${overall.hitAt1.toFixed(3)} < ${gate.hitAt1}`);
  if (overall.hitAt3 < gate.hitAt3) failures.push(`hit@3 ${overall.hitAt3.toFixed(3)} < ${gate.hitAt3}`);
  for (const [kind, s] of Object.entries(byKind)) {
    if (s.answerable > 0 && s.hitAt3 < gate.kindHitAt3) failures.push(`${kind} hit@3 ${s.hitAt3.toFixed(3)} < ${gate.kindHitAt3}`);
  }
  if (overall.abstained < overall.unanswerable) failures.push(`abstained on ${overall.abstained} of ${overall.unanswerable} unanswerable questions`);
  if (overall.refusedOutright > gate.maxRefusedOutright) failures.push(`${overall.refusedOutright} answerable questions refused > ${gate.maxRefusedOutright}`);
  if (overall.faithfulness < gate.faithfulness) failures.push(`faithfulness ${overall.faithfulness} < ${gate.faithfulness}`);
  if (overall.errors > 0) failures.push(`${overall.errors} questions failed with an error`);
  if (failures.length > 0) {
    console.error(`Eval gate FAILED (${file}):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  console.error(`Eval gate passed (${file}).`);
  return 0;
}

runCli(evalCommand, { notes: NOTES });
