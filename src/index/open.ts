import fs from 'node:fs/promises';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { DEFAULT_CHUNKING } from '../corpus/chunk.js';
import { loadCorpus } from '../corpus/load.js';
import { LOCAL_EMBEDDER_NAME, LocalEmbeddings, localEmbedderIdentity } from '../embeddings/local.js';
import { TetherError } from '../errors.js';
import { LexicalIndex } from '../retrieval/lexical.js';
import { loadSentenceEmbedder, SEMANTIC_FORMAT_VERSION, type SemanticSources } from '../semantic/index.js';
import { loadLexicon } from '../text/lexicon.js';
import { buildIndex, chunkCorpus } from './build.js';
import { HNSW_PARAMETERS } from './hnsw.js';
import { hashChunkIds, INDEX_FORMAT_VERSION, indexFiles, readManifest, sameSettings, type Manifest } from './manifest.js';
import type { ExternalEmbeddings, LoadedIndex } from './types.js';

/** Options for opening an index. */
export interface OpenIndexOptions {
  corpusDir: string;
  indexDir: string;
  /** What `source` paths are relative to: the project root. */
  root: string;
  embeddings?: ExternalEmbeddings;
  /** Word vectors for a (re)build: by default the packaged ones; null for none. */
  semanticSources?: SemanticSources | null;
  /** Told what happens when the index is built or rebuilt. */
  onProgress?: (message: string) => void;
}

const REBUILD_HINT = 'Run `npm run build-index` to rebuild it.';

/**
 * Opens the index of a corpus. A missing index, or one built from another corpus or by an older
 * version of the built-in embedder, is (re)built on the spot, saying so. An index built with a
 * different configured embedder is an error naming the command to rebuild; so is a corrupt one.
 */
export async function openIndex(options: OpenIndexOptions): Promise<LoadedIndex> {
  const progress = options.onProgress ?? (() => {});
  const corpus = await loadCorpus(options.corpusDir, options.root);
  const rebuild = (reason: string) => {
    progress(reason);
    return buildIndex({ corpus, indexDir: options.indexDir, embeddings: options.embeddings, semanticSources: options.semanticSources, onProgress: progress });
  };

  let manifest: Manifest | undefined;
  try {
    manifest = await readManifest(options.indexDir);
  } catch (error) {
    throw new TetherError('INDEX_CORRUPT', `The index manifest in ${options.indexDir} is unreadable.`, { hint: REBUILD_HINT, cause: error });
  }
  if (!manifest) return rebuild(`No index in ${options.indexDir} yet: building it now (once; about 10 s).`);
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return rebuild('The index was built by another version of Tether: rebuilding it.');

  const wanted = options.embeddings?.identity;
  if (wanted ? !sameSettings(manifest.embedder, wanted) : manifest.embedder.name !== LOCAL_EMBEDDER_NAME) {
    throw new TetherError(
      'EMBEDDER_MISMATCH',
      `The index was built with the embedder "${manifest.embedder.name}", but "${wanted?.name ?? LOCAL_EMBEDDER_NAME}" is configured.`,
      { hint: 'Run `npm run build-index` to rebuild it with the configured embedder (or change EMBEDDINGS back).' },
    );
  }
  if (manifest.corpus.hash !== corpus.hash) return rebuild('The corpus changed since the index was built: rebuilding it.');
  if (manifest.semantic && manifest.semantic.formatVersion !== SEMANTIC_FORMAT_VERSION) return rebuild('The semantic tables changed form since the index was built: rebuilding it.');
  // Chunk boundaries also come from code (chunking settings, sentence rules), which the corpus hash does not see.
  const chunks = chunkCorpus(corpus);
  if (!sameSettings(manifest.chunking, { ...DEFAULT_CHUNKING }) || manifest.chunksHash !== hashChunkIds(chunks.map((c) => c.id))) {
    return rebuild('The chunking changed since the index was built: rebuilding it.');
  }

  // Checked before anything is read: an older embedder's files may be in an older format.
  if (!wanted && !sameSettings(manifest.embedder, localEmbedderIdentity())) {
    return rebuild('The built-in embedder changed since the index was built: rebuilding it.');
  }
  const files = indexFiles(options.indexDir);
  try {
    const lexicon = await loadLexicon(files.lexicon);
    const stored = JSON.parse(await fs.readFile(files.embedder, 'utf8')) as { documents: number; documentFrequency: Record<string, number> };
    const featurizer = new LocalEmbeddings({
      lexicon,
      stats: { documents: stored.documents, documentFrequency: new Map(Object.entries(stored.documentFrequency)) },
    });
    const vectorStore = await HNSWLib.load(options.indexDir, options.embeddings?.embeddings ?? featurizer);
    vectorStore.index.setEf(HNSW_PARAMETERS.efSearch);
    const lexical = LexicalIndex.fromJSON(await fs.readFile(files.lexical, 'utf8'));
    if (chunks.length !== vectorStore.index.getCurrentCount() || chunks.length !== manifest.counts.chunks) {
      throw new Error(`chunk count mismatch: corpus ${chunks.length}, vectors ${vectorStore.index.getCurrentCount()}`);
    }
    const semantic = manifest.semantic ? await loadSentenceEmbedder(files.semantic) : undefined;
    return { corpus, chunks, featurizer, vectorStore, lexical, manifest, ...(semantic ? { semantic } : {}) };
  } catch (error) {
    if (error instanceof TetherError) throw error;
    throw new TetherError('INDEX_CORRUPT', `The index in ${options.indexDir} is damaged or incomplete.`, { hint: REBUILD_HINT, cause: error });
  }
}
