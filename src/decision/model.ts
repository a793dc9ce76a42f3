import fs from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { DECISION_FEATURES, type DecisionModel } from './decide.js';
import { TetherError } from '../errors.js';
import type { LinearModel } from '../ranking/linear.js';
import { RANKER_FEATURES } from '../ranking/spans.js';

/** Where the trained model lives, relative to the project root (committed; rebuilt by `npm run train`). */
export const MODEL_FILE = 'models/answer-model.json';

const linear = z.object({
  features: z.array(z.string()),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
});

const modelSchema = z.object({
  version: z.literal(1),
  /** What it was trained on: datasets, split, counts, date; for people, not read by code. */
  trainedOn: z.record(z.unknown()),
  ranker: linear,
  decision: linear.extend({
    answerable: linear,
    thresholds: z.object({ same: z.object({ answer: z.number(), unsure: z.number() }), cross: z.object({ answer: z.number(), unsure: z.number() }) }),
  }),
});

/** The learned parts of the answer path: the span ranker and the calibrated decision. */
export type AnswerModel = z.infer<typeof modelSchema> & { ranker: LinearModel; decision: DecisionModel };

const RETRAIN_HINT = 'Restore it with `git checkout models/` or retrain it with `npm run train`.';

/** Reads and checks the model file; its features must be the ones this code computes. */
export async function loadAnswerModel(root: string): Promise<AnswerModel> {
  const file = path.join(root, MODEL_FILE);
  let parsed: AnswerModel;
  try {
    parsed = modelSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  } catch (error) {
    throw new TetherError('MODEL', `The answer model ${file} is missing or unreadable.`, { hint: RETRAIN_HINT, cause: error });
  }
  if (!isDeepStrictEqual(parsed.ranker.features, [...RANKER_FEATURES]) || ![parsed.decision, parsed.decision.answerable].every((model) => isDeepStrictEqual(model.features, [...DECISION_FEATURES]))) {
    throw new TetherError('MODEL', `The answer model ${file} was trained on other features than this version computes.`, {
      hint: 'Retrain it with `npm run train`.',
    });
  }
  return parsed;
}

/** Writes the model file. */
export async function saveAnswerModel(root: string, model: AnswerModel): Promise<string> {
  const file = path.join(root, MODEL_FILE);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(model, null, 1)}\n`);
  return file;
}
