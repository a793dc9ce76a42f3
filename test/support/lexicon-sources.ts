import fs from 'node:fs/promises';
import type { LexiconSources } from '../../src/index/build-lexicon.js';

let reading: Promise<LexiconSources> | undefined;

/** The run's shared lexicon sources (test/support/global-setup.ts), parsed once per test file. */
export function readSharedLexiconSources(file: string): Promise<LexiconSources> {
  reading ??= fs.readFile(file, 'utf8').then((text) => JSON.parse(text) as LexiconSources);
  return reading;
}
