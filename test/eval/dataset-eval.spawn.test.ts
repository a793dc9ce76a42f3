import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetEvalReport } from '../../src/eval/dataset-eval.js';
import { cliEnv, runTsx } from '../support/cli.js';
import { makeTmpDir } from '../support/corpus.js';
import { writeSquadFixture } from './fixture.js';

/** `npm run eval -- --dataset` end to end, as a real process, on a tiny SQuAD-format fixture. */
let tmp: string;

beforeAll(async () => {
  tmp = await makeTmpDir('dataset-eval');
  await writeSquadFixture(path.join(tmp, 'datasets'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const evalArgs = (...extra: string[]) => ['--dataset', 'xquad', '--datasets-dir', path.join(tmp, 'datasets'), '--cache-dir', path.join(tmp, 'cache'), ...extra];
const env = () => cliEnv({ INDEX_DIR: path.join(tmp, 'unused-index') });

describe('npm run eval -- --dataset', () => {
  it('reports every run per direction, with refusal figures, times and 100% faithful quotes; a second run reuses the indexes', async () => {
    const { code, stdout, stderr } = await runTsx('scripts/eval.ts', evalArgs('--split', 'all', '--json'), env());
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DatasetEvalReport;
    expect(report.split).toBe('all');
    expect(report.runs.map((r) => r.name)).toEqual([
      'xquad-en', 'xquad-en-refusal', 'xquad-zh', 'xquad-zh-refusal', 'xquad-zht', 'xquad-zht-refusal', 'xquad-mixed', 'xquad-mixed-refusal', 'xquad-parallel', 'xquad-parallel-refusal',
      'xquad-bilingual', 'xquad-bilingual-refusal',
    ]);
    expect(Object.keys(report.runs[0]!.byDirection)).toEqual(['en-en', 'zh-en', 'zht-en']);
    expect(report.seconds.xquad).toBeGreaterThan(0);
    expect(report.seconds.total).toBeGreaterThanOrEqual(report.seconds.xquad!);
    for (const run of report.runs) {
      expect(run.questions).toBe(run.results.length);
      expect(run.overall.errors).toBe(0);
      expect(run.overall.faithfulness).toBe(1);
      expect(run.seconds.open).toBeGreaterThan(0);
      // Every question ends in exactly one of answer / unsure / none.
      const { answer, unsure, none } = run.overall.confidence;
      expect(answer + unsure + none).toBe(run.questions);
      for (const [direction, { summary }] of Object.entries(run.byDirection)) {
        const own = run.results.filter((r) => r.direction === direction);
        expect(summary.questions).toBe(own.length);
        expect(summary.falseAbstentions).toBe(own.filter((r) => r.kind !== 'none' && !r.found).length);
      }
    }
    // Refusal figures exactly in the refusal runs.
    const refusalRuns = report.runs.filter((run) => run.refusal);
    expect(refusalRuns.map((run) => run.name)).toEqual(['xquad-en-refusal', 'xquad-zh-refusal', 'xquad-zht-refusal', 'xquad-mixed-refusal', 'xquad-parallel-refusal', 'xquad-bilingual-refusal']);
    for (const run of report.runs.filter((other) => !other.refusal)) {
      expect(Object.values(run.byDirection).map((figures) => figures.refusal)).toEqual(Object.keys(run.byDirection).map(() => undefined));
    }
    for (const run of refusalRuns) {
      for (const [direction, { refusal }] of Object.entries(run.byDirection)) {
        const own = run.results.filter((r) => r.direction === direction);
        expect(refusal, `${run.name} ${direction}`).toBeDefined();
        expect(refusal!.outOfCorpus.questions).toBe(own.filter((r) => r.refusal === 'out-of-corpus').length);
        expect(refusal!.outOfCorpus.refused).toBe(own.filter((r) => r.refusal === 'out-of-corpus' && !r.found).length);
        expect(refusal!.outOfCorpus.refusedOutright).toBe(own.filter((r) => r.refusal === 'out-of-corpus' && r.confidence === 'none').length);
        expect(refusal!.nearMiss.questions).toBe(own.filter((r) => r.refusal === 'near-miss').length);
        expect(refusal!.nearMiss.refusedOutright).toBe(own.filter((r) => r.refusal === 'near-miss' && r.confidence === 'none').length);
        expect(refusal!.controls.questions).toBe(own.filter((r) => r.refusal === 'control').length);
        expect(refusal!.unrelated.questions).toBe(own.filter((r) => r.refusal === 'unrelated').length);
        expect(refusal!.outOfCorpus.questions + refusal!.nearMiss.questions + refusal!.unrelated.questions + refusal!.controls.questions).toBe(own.length);
      }
    }
    // Same-language questions on this small fixture are mostly found in the first quotes.
    const enEn = report.runs[0]!.byDirection['en-en']!.summary;
    expect(enEn.hitAt3).toBeGreaterThan(0.5);

    // A second run reuses the cached corpora and indexes, and prints a table per run.
    const again = await runTsx('scripts/eval.ts', evalArgs('--limit', '1'), env());
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/building|rebuilding/i);
    const { stdout: text } = again;
    expect(text).toMatch(/^Public QA sets, test split, at most 1 per group/m);
    expect(text).toMatch(/^xquad-zht-refusal: \d+ questions, index [\d.]+ s, asking [\d.]+ s$/m);
    expect(text).toMatch(/^direction\s+n\s+hit@1\s+hit@3\s+MRR\s+refused\s+right if answered\s+answer\/unsure\/none\s+faithful/m);
    expect(text).toMatch(/^direction\s+out-of-corpus refused\s+\(outright\)\s+near-miss refused\s+\(outright\)\s+unrelated refused\s+\(outright\)\s+controls answered/m);
    expect(text).toMatch(/^en-zht\s+1\s/m);
    expect(text).toMatch(/^Time: xquad [\d.]+ s; total [\d.]+ s\.$/m);
    // Eight small index builds (their lexicons from the run's shared sources) and two runs in child processes.
  }, 300_000);

  it('names where the public sets live when the folder is missing', async () => {
    const { code, stderr } = await runTsx('scripts/eval.ts', ['--dataset', 'all', '--datasets-dir', path.join(tmp, 'nowhere')], env());
    expect(code).not.toBe(0);
    expect(stderr).toContain('../shared/datasets');
    expect(stderr).toMatch(/optional/);
  });

  it('trains from the folder --datasets-dir names, as the message for a missing one says to', async () => {
    const { code, stderr } = await runTsx('scripts/train.ts', ['--dataset', 'xquad', '--datasets-dir', path.join(tmp, 'nowhere')], env());
    expect(code).not.toBe(0);
    expect(stderr).toContain(path.join(tmp, 'nowhere'));
    expect(stderr).toContain('--datasets-dir');
  });
});
