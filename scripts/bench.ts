import { defineCommand, runCli, wholeNumber } from '../src/cli/boundary.js';

const NOTES = `Measures, for the corpus: index build time, warm answer latency (p50/p95/p99 over the dev questions
repeated), cold \`ask\` process time, peak RSS; with --scale, synthetic corpora of 1k, 10k and 50k
chunks: build time, HNSW query p50/p99 and recall@10 against an exact scan. Prints a table, writes
JSON to bench-results/bench.json (and --out). Exits 0 unless --strict and a target fails.`;

/** `npm run bench`: the speed and memory figures, with targets. */
const benchCommand = defineCommand({
  meta: { name: 'bench', description: 'Measures build time, answer latency, cold start and memory (and, with --scale, synthetic corpora)' },
  args: {
    scale: { type: 'boolean', description: 'also run the scale benchmarks: the shared-datasets corpus (every article of ../shared/datasets) and synthetic corpora through the whole pipeline (build, cold ask, open, warm answers, RSS, hit@3), then synthetic HNSW-only runs' },
    'only-scale': { type: 'boolean', description: 'run only the whole-pipeline scale benchmarks (no dev-corpus figures)' },
    'corpus-sizes': { type: 'string', valueHint: 'N,...', description: 'synthetic corpora (in chunks) for the whole-pipeline runs (default 20000; 0 for none)' },
    'per-direction': { type: 'string', valueHint: 'N', description: 'TEST-split questions per direction of the shared-datasets corpus (default 50)' },
    sizes: { type: 'string', valueHint: '1000,10000', description: 'chunk counts for --scale (default 1000,10000,50000)' },
    questions: { type: 'string', valueHint: 'FILE', description: 'JSONL questions (default eval/dev.jsonl)' },
    rounds: { type: 'string', valueHint: 'N', description: 'warm rounds over the questions (default 20)' },
    warmup: { type: 'string', valueHint: 'N', description: 'answers before the warm rounds, timed apart, while the JIT settles (default 1000)' },
    'cold-runs': { type: 'string', valueHint: 'N', description: 'cold ask processes (default 5)' },
    'scale-queries': { type: 'string', valueHint: 'N', description: 'synthetic queries per scale run (default 200)' },
    imports: { type: 'boolean', default: true, description: 'measure module import costs', negativeDescription: 'skip measuring module import costs' },
    out: { type: 'string', valueHint: 'FILE', description: 'also write the JSON here' },
    'keep-index': { type: 'boolean', description: 'keep the temporary index folder' },
    strict: { type: 'boolean', description: 'exit 1 when a target fails' },
  },
  async run({ args }) {
    // Usage errors first: the benchmarks' modules load only for a run.
    const options = {
      ...args,
      rounds: wholeNumber(args.rounds, '--rounds', { fallback: 20 }),
      warmup: wholeNumber(args.warmup, '--warmup', { fallback: 1000, min: 0 }),
      coldRuns: wholeNumber(args['cold-runs'], '--cold-runs', { fallback: 5 }),
      scaleQueries: wholeNumber(args['scale-queries'], '--scale-queries', { fallback: 200 }),
      sizes: (args.sizes ?? '1000,10000,50000').split(',').map((size) => wholeNumber(size.trim(), '--sizes', { fallback: 0 })),
      corpusSizes: args['corpus-sizes'] === '0' ? [] : (args['corpus-sizes'] ?? '20000').split(',').map((size) => wholeNumber(size.trim(), '--corpus-sizes', { fallback: 0 })),
      perDirection: wholeNumber(args['per-direction'], '--per-direction', { fallback: 50 }),
    };
    return (await import('../bench/main.js')).main(options);
  },
});

runCli(benchCommand, { notes: NOTES });
