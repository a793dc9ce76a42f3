import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Answer, Confidence } from '../answer/types.js';
import { TetherError } from '../errors.js';

/** The default eval set, relative to the project root: kept in the repo so a bare clone can run it. */
export const DEV_SET = 'eval/dev.jsonl';

const caseSchema = z.object({
  id: z.string(),
  kind: z.string(),
  question: z.string(),
  expect: z.array(z.string()),
  /** The previous question, for a follow-up. */
  context: z.string().optional(),
});

/** One eval question: `expect` lists strings any of which in a quote counts as a hit; none for kind `none`. */
export type EvalCase = z.infer<typeof caseSchema>;

/** Reads a JSONL eval set, naming the line of any bad record. */
export async function readEvalSet(file: string): Promise<EvalCase[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new TetherError('CORPUS', `Cannot read the eval set ${file}.`, { hint: `Check the path: an eval set is a JSONL file, such as ${DEV_SET} in the project.`, cause: error });
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [caseSchema.parse(JSON.parse(line))];
    } catch (error) {
      throw new TetherError('CORPUS', `${path.basename(file)} line ${i + 1} is not an eval record.`, { cause: error });
    }
  });
}

/** The outcome of one question. */
export interface CaseResult {
  id: string;
  kind: string;
  question: string;
  found: boolean;
  confidence: Confidence;
  /** 1-based rank of the first quote containing an expected string, or undefined. */
  hitRank: number | undefined;
  /** Whether the short answer line itself contains an expected string. */
  answerLineHit: boolean;
  faithful: boolean;
  ms: number;
  error?: string;
}

/** Scores an answer against its case: where the first expected string appears among the quotes. */
export function scoreCase(testCase: EvalCase, answer: Answer, faithful: boolean, ms: number): CaseResult {
  const index = answer.quotes.findIndex((quote) => testCase.expect.some((expected) => quote.text.includes(expected)));
  return {
    id: testCase.id,
    kind: testCase.kind,
    question: testCase.question,
    found: answer.found,
    confidence: answer.confidence,
    hitRank: index === -1 ? undefined : index + 1,
    answerLineHit: testCase.expect.some((expected) => answer.answer.includes(expected)),
    faithful,
    ms,
  };
}

/** The result of a question that failed with an error: counted as refused, unfaithful and missed. */
export function failedCase(testCase: EvalCase, message: string): CaseResult {
  return { id: testCase.id, kind: testCase.kind, question: testCase.question, found: false, confidence: 'none', hitRank: undefined, answerLineHit: false, faithful: false, ms: 0, error: message };
}

/**
 * Checks that every quote is its file's text between its offsets, reading each file once; `root`
 * is what the quotes' `source` paths are relative to.
 */
export function createFaithfulnessCheck(root: string): (answer: Answer) => Promise<boolean> {
  const texts = new Map<string, Promise<string>>();
  return async (answer) => {
    for (const quote of answer.quotes) {
      let text = texts.get(quote.source);
      if (!text) {
        text = fs.readFile(path.resolve(root, quote.source), 'utf8');
        texts.set(quote.source, text);
      }
      if ((await text).slice(quote.start, quote.end) !== quote.text) return false;
    }
    return true;
  };
}

/** Aggregate figures for a group of results. */
export interface Summary {
  questions: number;
  answerable: number;
  hitAt1: number;
  hitAt3: number;
  mrr: number;
  /** Share of answerable questions whose short answer line contains an expected string. */
  answerLine: number;
  /** Questions of kind `none` answered "not covered", out of `unanswerable`. */
  abstained: number;
  unanswerable: number;
  /** Answerable questions not answered: shown as "may answer it" or refused. */
  falseAbstentions: number;
  /** Answerable questions refused outright ("not in the sources"). */
  refusedOutright: number;
  /** Of answerable questions answered (found), the share whose first quote holds the answer. */
  rightWhenAnswered: number;
  /** How many questions of every kind were answered, shown as "may answer it", and refused. */
  confidence: Record<Confidence, number>;
  faithfulness: number;
  errors: number;
}

/** Sums up results: rates are fractions of answerable questions (or of all quotes for faithfulness). */
export function summarise(results: CaseResult[]): Summary {
  const answerable = results.filter((r) => r.kind !== 'none');
  const none = results.filter((r) => r.kind === 'none');
  const answered = answerable.filter((r) => r.found);
  const rate = (count: number, of: number) => (of === 0 ? 1 : count / of);
  return {
    questions: results.length,
    answerable: answerable.length,
    hitAt1: rate(answerable.filter((r) => r.hitRank === 1).length, answerable.length),
    hitAt3: rate(answerable.filter((r) => r.hitRank !== undefined && r.hitRank <= 3).length, answerable.length),
    mrr: rate(answerable.reduce((sum, r) => sum + (r.hitRank ? 1 / r.hitRank : 0), 0), answerable.length),
    answerLine: rate(answerable.filter((r) => r.answerLineHit).length, answerable.length),
    abstained: none.filter((r) => !r.found).length,
    unanswerable: none.length,
    falseAbstentions: answerable.filter((r) => !r.found).length,
    refusedOutright: answerable.filter((r) => r.confidence === 'none').length,
    rightWhenAnswered: rate(answered.filter((r) => r.hitRank === 1).length, answered.length),
    confidence: {
      answer: results.filter((r) => r.confidence === 'answer').length,
      unsure: results.filter((r) => r.confidence === 'unsure').length,
      none: results.filter((r) => r.confidence === 'none').length,
    },
    faithfulness: rate(results.filter((r) => r.faithful).length, results.length),
    errors: results.filter((r) => r.error !== undefined).length,
  };
}
