import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DECISION_FEATURES } from '../../src/decision/decide.js';
import { TetherError } from '../../src/errors.js';
import { loadAnswerModel, MODEL_FILE } from '../../src/decision/model.js';
import { RANKER_FEATURES, rankerVector, SPAN_FEATURES } from '../../src/ranking/spans.js';
import { makeTmpDir, REPO_ROOT } from '../support/corpus.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

async function rootWithModel(content: string | undefined): Promise<string> {
  const root = await makeTmpDir('model');
  dirs.push(root);
  if (content !== undefined) {
    await fs.mkdir(path.join(root, 'models'));
    await fs.writeFile(path.join(root, MODEL_FILE), content);
  }
  return root;
}

describe("the ranker's inputs", () => {
  it('are the span features, then each but the language flag again, kept only for a span in the other language', () => {
    const span = SPAN_FEATURES.map((_, i) => i + 1);
    const cross = SPAN_FEATURES.indexOf('crossLanguage');
    const same = rankerVector(span.map((value, i) => (i === cross ? 0 : value)));
    const other = rankerVector(span.map((value, i) => (i === cross ? 1 : value)));
    expect(same).toHaveLength(RANKER_FEATURES.length);
    expect(same.slice(SPAN_FEATURES.length).every((value) => value === 0)).toBe(true);
    expect(other.slice(SPAN_FEATURES.length)).toEqual(span.filter((_, i) => i !== cross));
    expect(RANKER_FEATURES[SPAN_FEATURES.length]).toBe(`${SPAN_FEATURES[0]}:crossLanguage`);
  });
});

describe('the committed answer model', () => {
  it('loads, with the features this code computes, thresholds in order, and a record of what it was trained on', async () => {
    const model = await loadAnswerModel(REPO_ROOT);
    expect(model.ranker.features).toEqual([...RANKER_FEATURES]);
    expect(model.decision.features).toEqual([...DECISION_FEATURES]);
    expect(model.ranker.weights).toHaveLength(RANKER_FEATURES.length);
    for (const pair of ['same', 'cross'] as const) expect(model.decision.thresholds[pair].unsure).toBeLessThanOrEqual(model.decision.thresholds[pair].answer);
    expect(model.trainedOn).toMatchObject({ split: expect.stringContaining('train') });
  });

  it('missing, corrupt or trained on other features: a MODEL error naming the fix', async () => {
    const good = await fs.readFile(path.join(REPO_ROOT, MODEL_FILE), 'utf8');
    const otherFeatures = JSON.stringify({ ...JSON.parse(good), ranker: { ...JSON.parse(good).ranker, features: ['something', 'else'] } });
    for (const content of [undefined, '{"version": 1, "trunc', otherFeatures]) {
      const error = await loadAnswerModel(await rootWithModel(content)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TetherError);
      expect((error as TetherError).code).toBe('MODEL');
      expect((error as TetherError).userMessage).toMatch(/npm run train/);
    }
  });
});
