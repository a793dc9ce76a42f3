/**
 * Builds the index of a corpus in its own process (`node --import tsx build-index-child.ts corpusDir
 * root indexDir`), so the run's global setup builds two indexes on two cores at once. Exits 1 with
 * the error on stderr when the build fails.
 */
import { loadCorpus } from '../../src/corpus/load.js';
import { buildIndex } from '../../src/index/build.js';

const [corpusDir, root, indexDir] = process.argv.slice(2);
if (!corpusDir || !root || !indexDir) throw new Error('usage: build-index-child.ts corpusDir root indexDir');
await buildIndex({ corpus: await loadCorpus(corpusDir, root), indexDir });
