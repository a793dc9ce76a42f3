import { PerformanceObserver } from 'node:perf_hooks';
import type { Tether } from '../src/answer/types.js';
import { summariseLatencies, type LatencySummary } from './stats.js';

/** Warm answer latency: what one long-running process (the bot) spends per question. */
export interface WarmResult {
  questions: number;
  rounds: number;
  latency: LatencySummary;
  /**
   * The unmeasured answers before the rounds, timed apart: what a freshly started process pays while
   * V8 optimises its hot paths (recompiling the largest takes a core for a quarter of a second).
   */
  warmup: { answers: number; latency: LatencySummary; cpuMsPerAnswer: number };
  /** Mean CPU time (user + system) of this process per answer: less sensitive than wall time to other load. */
  cpuMsPerAnswer: number;
  /** Garbage-collection pauses during the measured rounds: what the latency tail is often made of. */
  gc: { pauses: number; totalMs: number; longestMs: number };
  /** Slowest question by its median latency, to see what the tail is made of. */
  slowest: { question: string; p50: number } | undefined;
  errors: number;
}

/**
 * Asks every question `rounds` times through `tether.ask`, timing each answer end to end, after
 * `warmup` answers (the questions in turn, at least one round) that let the JIT settle: a bot that has
 * run for a while answers at the measured speed; the warm-up's own figures are what it pays at first.
 */
export async function measureWarmAnswers(tether: Tether, questions: readonly string[], rounds: number, warmup: number): Promise<WarmResult> {
  let errors = 0;
  const warmupAnswers = Math.max(warmup, questions.length);
  const warmupTimes: number[] = [];
  const warmupCpu = process.cpuUsage();
  for (let i = 0; i < warmupAnswers; i += 1) {
    const startedAt = performance.now();
    await tether.ask(questions[i % questions.length]!).catch(() => undefined);
    warmupTimes.push(performance.now() - startedAt);
  }
  const warmupCpuUsed = process.cpuUsage(warmupCpu);
  const all: number[] = [];
  const byQuestion = new Map<string, number[]>(questions.map((question) => [question, []]));
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < rounds; round += 1) {
    for (const question of questions) {
      const startedAt = performance.now();
      try {
        await tether.ask(question);
      } catch {
        errors += 1;
        continue;
      }
      const ms = performance.now() - startedAt;
      all.push(ms);
      byQuestion.get(question)?.push(ms);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  // Entries are delivered asynchronously: let the last ones arrive before disconnecting.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  const gc = {
    pauses: pauses.length,
    totalMs: Math.round(pauses.reduce((sum, ms) => sum + ms, 0) * 1000) / 1000,
    longestMs: Math.round(Math.max(0, ...pauses) * 1000) / 1000,
  };
  let slowest: WarmResult['slowest'];
  for (const [question, times] of byQuestion) {
    const p50 = summariseLatencies(times).p50;
    if (!slowest || p50 > slowest.p50) slowest = { question, p50 };
  }
  const warmupResult = { answers: warmupAnswers, latency: summariseLatencies(warmupTimes), cpuMsPerAnswer: cpuMsOf(warmupCpuUsed, warmupAnswers) };
  return { questions: questions.length, rounds, latency: summariseLatencies(all), warmup: warmupResult, cpuMsPerAnswer: cpuMsOf(cpu, all.length), gc, slowest, errors };
}

/** Mean CPU milliseconds (every thread of this process) per answer, to the microsecond. */
export function cpuMsOf(cpu: NodeJS.CpuUsage, answers: number): number {
  return Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, answers)) * 1000) / 1000;
}

/** Anything that answers a query with documents, like LangChain's retrievers. */
export interface Invokable {
  invoke(query: string): Promise<unknown>;
}

/** Latency of retrieval alone (e.g. the hybrid retriever), to tell what share of an answer it takes. */
export async function measureWarmRetrieval(retriever: Invokable, questions: readonly string[], rounds: number): Promise<LatencySummary> {
  for (const question of questions) await retriever.invoke(question);
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const question of questions) {
      const startedAt = performance.now();
      await retriever.invoke(question);
      times.push(performance.now() - startedAt);
    }
  }
  return summariseLatencies(times);
}
