// src/index/build-lexicon as the spawned CLI sees it (./loader.mjs): `buildLexicon` is
// `lexiconFromSources` over the run's shared reading instead of a fresh one, the same lexicon.
import fs from 'node:fs';

const actual = await import(new URL(import.meta.url).searchParams.get('actual'));
let sources;

function sharedSources() {
  const file = process.env.TETHER_TEST_LEXICON_SOURCES;
  if (!file) throw new Error('TETHER_TEST_LEXICON_SOURCES is not set (test/support/lexicon-hook)');
  sources ??= JSON.parse(fs.readFileSync(file, 'utf8'));
  return sources;
}

export async function buildLexicon(texts) {
  return actual.lexiconFromSources(sharedSources(), texts);
}

export function memoLexiconSources() {
  return async () => sharedSources();
}

export async function loadLexiconSources() {
  return sharedSources();
}

export const { readLexiconSources, lexiconFromSources, LexiconBinder, emptyCorpusKeys, serialiseCorpusKeys, parseCorpusKeys } = actual;
