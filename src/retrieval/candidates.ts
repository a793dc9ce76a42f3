import type { Article, Chunk } from '../corpus/types.js';
import type { LoadedIndex } from '../index/types.js';

/** A chunk retrieval found, with what each retriever thought of it: features of the ranking stage. */
export interface RetrievedChunk {
  chunk: Chunk;
  article: Article;
  /** 0-based rank after reciprocal-rank fusion of the two retrievers. */
  fusedRank: number;
  /** 0-based rank in the vector retriever's list, undefined when it did not list the chunk. */
  vectorRank: number | undefined;
  lexicalRank: number | undefined;
  /** BM25 score, undefined when the lexical retriever did not list the chunk. */
  lexicalScore: number | undefined;
  /** True for a chunk kept because it goes on from the paragraph a best chunk opens (`paragraphsOfBest`). */
  viaParagraph?: boolean;
}

/** What a retrieval is limited to. */
export interface RetrieveOptions {
  /** Only chunks of these articles (the ones a question names, `ArticleScope`); every article when absent. */
  articles?: ReadonlySet<string> | undefined;
}

/** Stage 1 of the answer path: the chunks worth looking for quotes in, best first. */
export interface CandidateRetriever {
  retrieve(query: string, options?: RetrieveOptions): Promise<RetrievedChunk[]>;
}

/** Options for candidate retrieval. */
export interface CandidateOptions {
  /** Chunks of each retriever's list that take part in fusion. */
  perRetriever: number;
  /** Chunks kept after fusion. */
  keep: number;
  /** Chunks of each corpus language always kept, however fusion ranked them. */
  perLanguage: number;
  /** How deep each retriever's list is read to find a language's seats (at least `perRetriever`). */
  seatDepth: number;
  /** Chunks at the head of either retriever's list always kept, however fusion ranked them. */
  headOfEach: number;
  /**
   * Chunks of each language kept for the word vectors' sake: of every chunk either list read, those
   * whose sentences are most similar to the question (SIF sentence vectors), when the index has them.
   */
  semanticOfEach: number;
  /** How many of the best chunks, when one opens its paragraph, bring the paragraph's other chunks. */
  paragraphsOfBest: number;
}

/** The constant of reciprocal-rank fusion (Cormack et al.): 60 as in the paper and LangChain. */
const RRF_K = 60;

/** One retriever's list: chunk ids best first, with the lexical index's BM25 scores. */
interface RankedList {
  name: 'vector' | 'lexical';
  hits: Array<{ id: string; score?: number }>;
}

/**
 * Retrieves candidates from the vector store and the lexical index, fuses them by reciprocal rank
 * and keeps each retriever's own rank and score, which LangChain's EnsembleRetriever would discard
 * and the learned ranking reads. The other
 * language always gets a few seats: a question's own language matches more words, so a
 * cross-language answer would otherwise never be looked at.
 */
export function createCandidateRetriever(index: LoadedIndex, options: CandidateOptions): CandidateRetriever {
  const depth = Math.max(options.perRetriever, options.seatDepth);
  const vectorDepth = Math.min(depth, index.chunks.length);
  // Both are queried directly, not through LangChain's retriever interface: its callbacks and the
  // Documents it builds cost more than the lexical search itself, and only ids and scores are read.
  const chunks = new Map(index.chunks.map((chunk) => [chunk.id, chunk]));
  // Limited to some articles, both searches skip the others' chunks, so their lists are as deep as ever.
  const lists = async (query: string, scope: ReadonlySet<string> | undefined): Promise<RankedList[]> => {
    const vector = await index.vectorStore.embeddings.embedQuery(query);
    const inVectorScope = scope && ((document: { metadata: Record<string, unknown> }) => scope.has(String(document.metadata.articleId)));
    const inLexicalScope = scope && ((id: string) => scope.has(chunks.get(id)?.articleId ?? ''));
    return [
      { name: 'vector', hits: (await index.vectorStore.similaritySearchVectorWithScore(vector, vectorDepth, inVectorScope)).map(([document]) => ({ id: String(document.metadata.id) })) },
      { name: 'lexical', hits: index.lexical.query(index.analyzer.queryFeatures(query), depth, inLexicalScope) },
    ];
  };
  const articles = new Map(index.corpus.articles.map((article) => [article.id, article]));
  // Each paragraph's chunks in the order of the text: the first opens it.
  const chunksOfParagraph = new Map<string, Chunk[]>();
  for (const chunk of index.chunks) {
    const key = `${chunk.articleId}#${chunk.paragraph}`;
    const list = chunksOfParagraph.get(key);
    if (list) list.push(chunk);
    else chunksOfParagraph.set(key, [chunk]);
  }
  for (const list of chunksOfParagraph.values()) list.sort((a, b) => a.start - b.start);
  const languageOf = (article: Article) => article.meta.lang.slice(0, 2);
  const languages = new Set(index.corpus.articles.map(languageOf));

  return {
    async retrieve(query: string, { articles: scope }: RetrieveOptions = {}): Promise<RetrievedChunk[]> {
      type Entry = RetrievedChunk & { fused: number; seat: number };
      const byId = new Map<string, Entry>();
      for (const { name, hits } of await lists(query, scope)) {
        const seenPerLanguage = new Map<string, number>();
        hits.forEach((hit, rank) => {
          const chunk = chunks.get(hit.id);
          const article = chunk && articles.get(chunk.articleId);
          if (!chunk || !article) return;
          const entry = byId.get(chunk.id) ?? { chunk, article, fusedRank: 0, vectorRank: undefined, lexicalRank: undefined, lexicalScore: undefined, fused: 0, seat: Infinity };
          // Fusion reads the head of each list; a language's seats go to its best chunks by either
          // list read whole, so the other language's best chunk gets a seat even when the
          // question's own language fills both heads.
          if (rank < options.perRetriever) entry.fused += 1 / (RRF_K + rank + 1);
          const language = languageOf(article);
          const rankInLanguage = seenPerLanguage.get(language) ?? 0;
          seenPerLanguage.set(language, rankInLanguage + 1);
          entry.seat = Math.min(entry.seat, rankInLanguage);
          if (name === 'vector') entry.vectorRank = rank;
          else {
            entry.lexicalRank = rank;
            entry.lexicalScore = hit.score ?? 0;
          }
          byId.set(chunk.id, entry);
        });
      }
      // Ties broken by id, in code-unit order: the same every run (`localeCompare` costs a collation a call).
      const byChunkId = (a: Entry, b: Entry) => (a.chunk.id < b.chunk.id ? -1 : a.chunk.id > b.chunk.id ? 1 : 0);
      const ranked = [...byId.values()].filter((c) => c.fused > 0).sort((a, b) => b.fused - a.fused || byChunkId(a, b));
      const picked = ranked.slice(0, options.keep);
      // Fusion favours chunks both lists found; one retriever's best few are kept all the same: a
      // paraphrase only the vectors see, or a rare word only BM25 matches.
      const bestRank = (c: Entry) => Math.min(c.vectorRank ?? Infinity, c.lexicalRank ?? Infinity);
      const heads = [...byId.values()].filter((c) => bestRank(c) < options.headOfEach).sort((a, b) => bestRank(a) - bestRank(b) || b.fused - a.fused || byChunkId(a, b));
      picked.push(...heads.filter((c) => !picked.includes(c)));
      const taken = new Set(picked.map((c) => c.chunk.id));
      // Each list's best chunks of the language first, then their second best, …
      const bySeat = [...byId.values()].sort((a, b) => a.seat - b.seat || (b.fused - a.fused) || byChunkId(a, b));
      for (const language of languages) {
        const missing = options.perLanguage - picked.filter((c) => languageOf(c.article) === language).length;
        if (missing > 0) picked.push(...bySeat.filter((c) => !taken.has(c.chunk.id) && languageOf(c.article) === language).slice(0, missing));
      }
      // A paraphrase shares few words or features with its answer ("second big outage" for "failed
      // again"): both lists may read its chunk, deep down, without fusion keeping it. The chunks
      // whose sentences the word vectors find closest to the question are kept too.
      if (index.semantic && options.semanticOfEach > 0) {
        const semantic = index.semantic;
        const kept = new Set(picked.map((c) => c.chunk.id));
        const similarity = new Map<Entry, number>();
        for (const entry of byId.values()) {
          if (kept.has(entry.chunk.id)) continue;
          // The chunk's own sentences only: most articles the lists read yield no candidate.
          similarity.set(entry, Math.max(...entry.chunk.sentenceIndexes.map((i) => semantic.sentenceSimilarity(query, entry.article, i))));
        }
        const closest = [...similarity.keys()].filter((c) => similarity.get(c)! > 0).sort((a, b) => similarity.get(b)! - similarity.get(a)! || byChunkId(a, b));
        for (const language of languages) picked.push(...closest.filter((c) => languageOf(c.article) === language).slice(0, options.semanticOfEach));
      }
      // A long paragraph is cut into several chunks, and only the first names its subject ("麦银汉鱼
      // 为…其中一种"): the chunks that go on from a best chunk that opens its paragraph are kept too.
      const pickedIds = new Set(picked.map((c) => c.chunk.id));
      for (const best of picked.slice(0, options.paragraphsOfBest)) {
        const [opening, ...rest] = chunksOfParagraph.get(`${best.chunk.articleId}#${best.chunk.paragraph}`) ?? [];
        if (opening !== best.chunk) continue;
        for (const sibling of rest) {
          if (pickedIds.has(sibling.id)) continue;
          pickedIds.add(sibling.id);
          const listed = byId.get(sibling.id);
          const entry = listed ?? { chunk: sibling, article: best.article, fusedRank: 0, vectorRank: undefined, lexicalRank: undefined, lexicalScore: undefined, fused: 0, seat: Infinity };
          picked.push({ ...entry, viaParagraph: true });
        }
      }
      return picked.map(({ fused: _fused, seat: _seat, ...candidate }, fusedRank) => ({ ...candidate, fusedRank }));
    },
  };
}
