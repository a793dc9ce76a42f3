// Bench child: opens a corpus's index in a fresh process, asks every question once (scoring the
// quotes), goes on until WARMUP answers (the JIT's warm-up, timed apart), then asks every question
// `rounds` more times for end-to-end latency; prints one JSON line (WarmChildReport).
// Usage: tsx bench/child/warm-corpus.ts CORPUS_DIR INDEX_DIR CASES_JSON ROUNDS WARMUP
import fs from 'node:fs/promises';
import { PROJECT_ROOT } from '../../src/config.js';
import { createFaithfulnessCheck } from '../../src/eval/metrics.js';
import { openTether } from '../../src/tether.js';
import type { ScaleCase, WarmChildReport } from '../corpus-scale.js';
import { summariseLatencies } from '../stats.js';
import { cpuMsOf } from '../warm.js';

async function main(): Promise<void> {
  const [corpusDir, indexDir, casesFile, roundsArg, warmupArg] = process.argv.slice(2);
  if (!corpusDir || !indexDir || !casesFile) throw new Error('usage: warm-corpus.ts CORPUS_DIR INDEX_DIR CASES_JSON ROUNDS WARMUP');
  const cases = JSON.parse(await fs.readFile(casesFile, 'utf8')) as ScaleCase[];
  const rounds = Number(roundsArg ?? 3);
  const warmup = Math.max(cases.length, Number(warmupArg ?? 0));
  const openedFrom = performance.now();
  const openCpuFrom = process.cpuUsage();
  const tether = await openTether({ root: PROJECT_ROOT, corpusDir, indexDir });
  const openMs = performance.now() - openedFrom;
  const openCpu = process.cpuUsage(openCpuFrom);
  const rssAfterOpenKb = process.resourceUsage().maxRSS;

  const faithful = createFaithfulnessCheck(PROJECT_ROOT);
  let answerable = 0;
  let hit1 = 0;
  let hit3 = 0;
  let faithfulAnswers = 0;
  const warmupTimes: number[] = [];
  const warmupCpuFrom = process.cpuUsage();
  for (const c of cases) {
    const startedAt = performance.now();
    const answer = await tether.ask(c.question);
    warmupTimes.push(performance.now() - startedAt);
    if (await faithful(answer)) faithfulAnswers += 1;
    if (c.expect.length === 0) continue;
    answerable += 1;
    const rank = answer.quotes.findIndex((quote) => c.expect.some((expected) => quote.text.includes(expected)));
    if (rank === 0) hit1 += 1;
    if (rank >= 0 && rank < 3) hit3 += 1;
  }
  for (let i = cases.length; i < warmup; i += 1) {
    const startedAt = performance.now();
    await tether.ask(cases[i % cases.length]!.question);
    warmupTimes.push(performance.now() - startedAt);
  }
  const warmupCpu = process.cpuUsage(warmupCpuFrom);
  const warmupLatency = summariseLatencies(warmupTimes);

  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < rounds; round += 1) {
    for (const c of cases) {
      const startedAt = performance.now();
      await tether.ask(c.question);
      times.push(performance.now() - startedAt);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  const latency = summariseLatencies(times);
  const report: WarmChildReport = {
    openMs,
    openCpuMs: (openCpu.user + openCpu.system) / 1000,
    rssAfterOpenKb,
    warmup: { answers: warmupTimes.length, p50: warmupLatency.p50, p99: warmupLatency.p99, cpuMsPerAnswer: cpuMsOf(warmupCpu, warmupTimes.length) },
    p50: latency.p50,
    p95: latency.p95,
    p99: latency.p99,
    samples: latency.samples,
    cpuMsPerAnswer: cpuMsOf(cpu, times.length),
    maxRssKb: process.resourceUsage().maxRSS,
    questions: cases.length,
    hitAt1: answerable > 0 ? hit1 / answerable : undefined,
    hitAt3: answerable > 0 ? hit3 / answerable : undefined,
    faithful: faithfulAnswers / Math.max(1, cases.length),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
