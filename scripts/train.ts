import { parseArgs } from 'node:util';
import { runEntryPoint } from '../src/cli/entry.js';
import { loadProjectConfig } from '../src/config.js';
import { DATASET_NAMES, prepareDatasetRuns, type DatasetName } from '../src/eval/datasets.js';
import { saveAnswerModel } from '../src/decision/model.js';
import { collectTrainingQuestions, loadCollectedQuestions, saveCollectedQuestions, trainAnswerModel } from '../src/training/train.js';

const USAGE = `Usage: npm run train -- [--dataset xquad,drcd,cmrc] [--limit N]
Retrains the learned parts of the answer path (the span ranker and the calibrated answer/unsure/refuse
decision) on the TRAIN split of the public QA sets in ../shared/datasets (articles at even positions;
the odd ones are kept for \`npm run eval -- --dataset all\`), and writes models/answer-model.json.
  --dataset LIST   which sets (default: all)
  --limit N        at most N questions per kind and refusal group (default: all)
  --reuse          train from the candidates and features collected by the last run
                   (.cache/training/questions.json): for changes to training settings only`;

/** `npm run train`: one command that rebuilds models/answer-model.json from the public sets' training split. */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { dataset: { type: 'string' }, limit: { type: 'string' }, reuse: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const datasets = (values.dataset?.split(',') ?? [...DATASET_NAMES]) as DatasetName[];
  const unknown = datasets.filter((name) => !DATASET_NAMES.includes(name));
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (unknown.length > 0 || (limit !== undefined && !(Number.isInteger(limit) && limit > 0))) {
    console.error(`${unknown.length > 0 ? `Unknown dataset ${unknown.join(', ')}` : '--limit must be a whole number above 0'}.\n${USAGE}`);
    return 2;
  }
  const config = loadProjectConfig();
  const log = (message: string) => console.error(message);
  const runs = await prepareDatasetRuns({ root: config.root, datasets, split: 'train', ...(limit ? { perKindLimit: limit } : {}) });
  const questions = values.reuse ? await loadCollectedQuestions(config.root) : await collectTrainingQuestions(runs, log);
  if (!values.reuse) await saveCollectedQuestions(config.root, questions);
  const model = trainAnswerModel(questions, {
    datasets,
    split: 'train (articles at even positions of each file)',
    runs: runs.map((run) => `${run.name}: ${run.cases.length}`),
    date: new Date().toISOString().slice(0, 10),
  });
  const file = await saveAnswerModel(config.root, model);
  log(`Wrote ${file}: thresholds ${JSON.stringify(model.decision.thresholds)}.`);
  log(`On its training questions: ${JSON.stringify(model.trainedOn.fit)}`);
  return 0;
}

runEntryPoint(main);
