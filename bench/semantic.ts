import fs from 'node:fs/promises';
import { loadSentenceEmbedder } from '../src/semantic/index.js';
import { median, roundMs, summariseLatencies, type LatencySummary } from './stats.js';

/** What the semantic tables cost: file size, load time, and a question's embedding. */
export interface SemanticBenchResult {
  fileBytes: number;
  /** Median time to read and set up `semantic.bin` (what it adds to opening the index). */
  loadMs: number;
  loads: number;
  /** Embedding one question (uncached), over the questions × rounds. */
  question: LatencySummary;
}

/**
 * Loads the index's semantic tables `loads` times and embeds every question `rounds` times
 * (after one unmeasured pass, so the segmenter and the script converter are warm as in a server).
 */
export async function measureSemantic(file: string, questions: readonly string[], options: { loads: number; rounds: number }): Promise<SemanticBenchResult> {
  const { size } = await fs.stat(file);
  const loadTimes: number[] = [];
  let embedder = await loadSentenceEmbedder(file);
  for (let i = 0; i < options.loads; i += 1) {
    const startedAt = performance.now();
    embedder = await loadSentenceEmbedder(file);
    loadTimes.push(performance.now() - startedAt);
  }
  for (const question of questions) embedder.embedText(question);
  const times: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    for (const question of questions) {
      const startedAt = performance.now();
      embedder.embedText(question);
      times.push(performance.now() - startedAt);
    }
  }
  return { fileBytes: size, loadMs: roundMs(median(loadTimes)), loads: loadTimes.length, question: summariseLatencies(times) };
}
