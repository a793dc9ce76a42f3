import type { AskOptions, Confidence, Tether } from '../answer/types.js';
import { toUserMessage } from '../errors.js';
import type { DatasetCase, DatasetName, DatasetRun, Direction, RefusalRole, Split, SplitChoice } from './datasets.js';
import { createFaithfulnessCheck, failedCase, scoreCase, summarise, type CaseResult, type Summary } from './metrics.js';

/** The outcome of one public-set question, with what the case says about it. */
export interface DatasetCaseResult extends CaseResult {
  direction: Direction;
  split: Split;
  refusal?: RefusalRole;
}

/**
 * Refusal figures of one direction in a refusal run: "refused" means not shown as an answer (found
 * false), "refused outright" told the sources do not cover it (confidence none) rather than shown passages that may answer it.
 */
export interface RefusalSummary {
  outOfCorpus: { questions: number; refused: number; refusedOutright: number };
  nearMiss: { questions: number; refused: number; refusedOutright: number };
  /** Another public set's questions, about other articles altogether. */
  unrelated: { questions: number; refused: number; refusedOutright: number };
  /** Answerable questions on the articles that kept their other paragraphs: they must still be answered. */
  controls: { questions: number; answered: number; hitAt3: number };
}

/** One direction of one run. */
export interface DirectionReport {
  /** Every question of the direction; refusal cases count as kind `none`. */
  summary: Summary;
  /** Refusal runs only. */
  refusal?: RefusalSummary;
}

/** What one corpus variant gave. */
export interface RunReport {
  name: string;
  dataset: DatasetName;
  refusal: boolean;
  questions: number;
  /** Opening the core (building the index the first time) and asking every question. */
  seconds: { open: number; ask: number };
  byDirection: Partial<Record<Direction, DirectionReport>>;
  overall: Summary;
  results: DatasetCaseResult[];
}

/** The whole public-set eval. */
export interface DatasetEvalReport {
  split: SplitChoice;
  perKindLimit: number | undefined;
  runs: RunReport[];
  /** Wall time per public set (all its runs), and in all. */
  seconds: Partial<Record<DatasetName, number>> & { total: number };
}

/** What the eval needs besides the runs. */
export interface DatasetEvalDeps {
  /** Opens the core over a run's corpus (building its index when needed). */
  open: (run: DatasetRun) => Promise<Tether>;
  /** Told each result as it comes (for --verbose). */
  onResult?: (result: DatasetCaseResult, testCase: DatasetCase, topQuote: string | undefined) => void;
  /** Told when a run starts (index builds take a while). */
  onProgress?: (message: string) => void;
}

/** Asks every case of every run and sums the results up per run and direction. */
export async function evaluateDatasetRuns(
  runs: DatasetRun[],
  deps: DatasetEvalDeps,
  meta: { split: SplitChoice; perKindLimit?: number },
): Promise<DatasetEvalReport> {
  const startedAt = performance.now();
  const reports: RunReport[] = [];
  const perSet: Partial<Record<DatasetName, number>> = {};
  for (const run of runs) {
    deps.onProgress?.(`${run.name}: ${run.cases.length} questions...`);
    const openedAt = performance.now();
    const tether = await deps.open(run);
    const askedAt = performance.now();
    const isFaithful = createFaithfulnessCheck(run.root);
    const results: DatasetCaseResult[] = [];
    for (const testCase of run.cases) {
      const caseStart = performance.now();
      const extra = { direction: testCase.direction, split: testCase.split, ...(testCase.refusal ? { refusal: testCase.refusal } : {}) };
      let topQuote: string | undefined;
      try {
        const options: AskOptions = testCase.context ? { context: testCase.context } : {};
        const answer = await tether.ask(testCase.question, options);
        topQuote = answer.quotes[0]?.text;
        results.push({ ...scoreCase(testCase, answer, await isFaithful(answer), performance.now() - caseStart), ...extra });
      } catch (error) {
        results.push({ ...failedCase(testCase, toUserMessage(error)), ...extra });
      }
      deps.onResult?.(results.at(-1)!, testCase, topQuote);
    }
    const seconds = { open: (askedAt - openedAt) / 1000, ask: (performance.now() - askedAt) / 1000 };
    perSet[run.dataset] = (perSet[run.dataset] ?? 0) + seconds.open + seconds.ask;
    reports.push({
      name: run.name,
      dataset: run.dataset,
      refusal: run.refusal,
      questions: results.length,
      seconds,
      byDirection: summariseByDirection(results, run.refusal),
      overall: summarise(results),
      results,
    });
  }
  return { split: meta.split, perKindLimit: meta.perKindLimit, runs: reports, seconds: { ...perSet, total: (performance.now() - startedAt) / 1000 } };
}

function summariseByDirection(results: DatasetCaseResult[], refusal: boolean): Partial<Record<Direction, DirectionReport>> {
  const directions = [...new Set(results.map((r) => r.direction))];
  return Object.fromEntries(
    directions.map((direction) => {
      const own = results.filter((r) => r.direction === direction);
      return [direction, { summary: summarise(own), ...(refusal ? { refusal: summariseRefusal(own) } : {}) }];
    }),
  );
}

/** Refusal figures of a refusal run's results. */
export function summariseRefusal(results: DatasetCaseResult[]): RefusalSummary {
  const role = (name: RefusalRole) => results.filter((r) => r.refusal === name);
  const refusals = (name: RefusalRole) => {
    const own = role(name);
    return { questions: own.length, refused: own.filter((r) => !r.found).length, refusedOutright: own.filter((r) => r.confidence === 'none').length };
  };
  const controls = role('control');
  return {
    outOfCorpus: refusals('out-of-corpus'),
    nearMiss: refusals('near-miss'),
    unrelated: refusals('unrelated'),
    controls: {
      questions: controls.length,
      answered: controls.filter((r) => r.found).length,
      hitAt3: controls.filter((r) => r.hitRank !== undefined && r.hitRank <= 3).length,
    },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ratio = (count: number, of: number) => (of === 0 ? '-' : `${count}/${of} ${pct(count / of)}`);
const confidence = (c: Record<Confidence, number>) => `${c.answer}/${c.unsure}/${c.none}`;

/** The report as plain-text tables: one per run, then the time per set. */
export function formatDatasetReport(report: DatasetEvalReport): string {
  const lines: string[] = [];
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
    lines.push(line(header), ...rows.map(line));
  };
  const limit = report.perKindLimit === undefined ? '' : `, at most ${report.perKindLimit} per group`;
  lines.push(
    `Public QA sets, ${report.split} split${limit}. "refused" = not shown as an answer (found false: unsure or none);`,
    'answer/unsure/none = shown as the answer / as passages that may answer it / as not covered.',
  );
  for (const run of report.runs) {
    lines.push('', `${run.name}: ${run.questions} questions, index ${run.seconds.open.toFixed(1)} s, asking ${run.seconds.ask.toFixed(1)} s`);
    const directions = Object.entries(run.byDirection) as Array<[Direction, DirectionReport]>;
    if (!run.refusal) {
      table(
        ['direction', 'n', 'hit@1', 'hit@3', 'MRR', 'refused', 'right if answered', 'answer/unsure/none', 'faithful', 'errors'],
        directions.map(([direction, { summary: s }]) => [
          direction,
          String(s.questions),
          pct(s.hitAt1),
          pct(s.hitAt3),
          s.mrr.toFixed(3),
          ratio(s.falseAbstentions, s.answerable),
          pct(s.rightWhenAnswered),
          confidence(s.confidence),
          pct(s.faithfulness),
          String(s.errors),
        ]),
      );
    } else {
      table(
        ['direction', 'out-of-corpus refused', '(outright)', 'near-miss refused', '(outright)', 'unrelated refused', '(outright)', 'controls answered', 'control hit@3', 'answer/unsure/none', 'faithful', 'errors'],
        directions.map(([direction, { summary: s, refusal: r }]) => [
          direction,
          r ? ratio(r.outOfCorpus.refused, r.outOfCorpus.questions) : '-',
          r && r.outOfCorpus.questions > 0 ? pct(r.outOfCorpus.refusedOutright / r.outOfCorpus.questions) : '-',
          r ? ratio(r.nearMiss.refused, r.nearMiss.questions) : '-',
          r && r.nearMiss.questions > 0 ? pct(r.nearMiss.refusedOutright / r.nearMiss.questions) : '-',
          r ? ratio(r.unrelated.refused, r.unrelated.questions) : '-',
          r && r.unrelated.questions > 0 ? pct(r.unrelated.refusedOutright / r.unrelated.questions) : '-',
          r ? ratio(r.controls.answered, r.controls.questions) : '-',
          r && r.controls.questions > 0 ? pct(r.controls.hitAt3 / r.controls.questions) : '-',
          confidence(s.confidence),
          pct(s.faithfulness),
          String(s.errors),
        ]),
      );
    }
  }
  const { total, ...perSet } = report.seconds;
  const sets = Object.entries(perSet).map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`);
  lines.push('', `Time: ${sets.join(', ')}; total ${total.toFixed(1)} s.`);
  return lines.join('\n');
}
