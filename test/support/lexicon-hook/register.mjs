// Loaded with `--import` (NODE_OPTIONS) into a CLI a test spawns: its index builds then make their
// lexicon from the run's shared CC-CEDICT/WordNet reading (TETHER_TEST_LEXICON_SOURCES), as the
// test files' own builds do (test/support/setup-lexicon.ts). Nothing else of the CLI changes.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
