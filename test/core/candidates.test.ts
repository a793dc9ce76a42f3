import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import type { Article, Chunk } from '../../src/corpus/types.js';
import type { LoadedIndex } from '../../src/index/types.js';
import { createCandidateRetriever } from '../../src/retrieval/candidates.js';

// Two articles: 30 chunks in Chinese, 6 in English. Both retrievers rank every Chinese chunk first
// (a Chinese question matches more words of its own language); the best English chunk of each
// retriever is a different one, and only the lexical one lies past the head of its list.
function article(id: string, lang: string, count: number): { article: Article; chunks: Chunk[] } {
  const text = Array.from({ length: count }, (_, i) => `${id} ${i}.`).join('\n');
  const chunks = Array.from({ length: count }, (_, i): Chunk => {
    const start = text.indexOf(`${id} ${i}.`);
    return { id: `${id}:${i}`, articleId: id, paragraph: i + 1, sentenceIndexes: [i], start, end: start + `${id} ${i}.`.length, text: `${id} ${i}.` };
  });
  const meta = { lang, title: id } as Article['meta'];
  return { article: { id, source: `corpus/${id}.txt`, text, meta, paragraphs: chunks, sentences: chunks.map((c) => ({ ...c })) }, chunks };
}

function fakeIndex(vectorOrder: string[], lexicalOrder: string[]): LoadedIndex {
  const zh = article('zh', 'zh-Hant', 30);
  const en = article('en', 'en', 6);
  const chunks = [...zh.chunks, ...en.chunks];
  const scored = (ids: string[], k: number) => ids.slice(0, k).map((id, rank) => [new Document({ pageContent: id, metadata: { id } }), rank / 100] as const);
  const index = {
    corpus: { articles: [zh.article, en.article] },
    chunks,
    analyzer: { queryFeatures: () => new Map([['q', 1]]) },
    vectorStore: { embeddings: { embedQuery: async () => [1] }, similaritySearchVectorWithScore: async (_vector: number[], k: number) => scored(vectorOrder, k) },
    lexical: { query: (_features: unknown, k: number) => lexicalOrder.slice(0, k).map((id, rank) => ({ id, score: 100 - rank })) },
  };
  // Only what candidate retrieval reads.
  return index as unknown as LoadedIndex;
}

const chinese = Array.from({ length: 30 }, (_, i) => `zh:${i}`);

describe('candidate retrieval', () => {
  it("seats the other language's best chunk of each retriever, even past the head of the lists", async () => {
    const index = fakeIndex([...chinese, 'en:3', 'en:0', 'en:1'], [...chinese.slice(0, 25), 'en:5', ...chinese.slice(25), 'en:0']);
    const retriever = createCandidateRetriever(index, { perRetriever: 20, keep: 10, perLanguage: 2, seatDepth: 60, headOfEach: 0, semanticOfEach: 0, paragraphsOfBest: 0 });
    const candidates = await retriever.retrieve('問題');
    const english = candidates.filter((c) => c.article.id === 'en').map((c) => c.chunk.id);
    expect(english.sort()).toEqual(['en:3', 'en:5']);
    expect(candidates).toHaveLength(12);
    // Ranks are those of the whole lists; fusion only read their heads.
    const seat = candidates.find((c) => c.chunk.id === 'en:5')!;
    expect(seat.lexicalRank).toBe(25);
    expect(seat.vectorRank).toBeUndefined();
    expect(candidates.slice(0, 10).every((c) => c.article.id === 'zh')).toBe(true);
  });

  it('reads no deeper than the head when seats are not asked for', async () => {
    const index = fakeIndex([...chinese, 'en:3'], [...chinese, 'en:5']);
    const retriever = createCandidateRetriever(index, { perRetriever: 20, keep: 10, perLanguage: 0, seatDepth: 20, headOfEach: 0, semanticOfEach: 0, paragraphsOfBest: 0 });
    const candidates = await retriever.retrieve('問題');
    expect(candidates.map((c) => c.chunk.id)).toEqual(chinese.slice(0, 10));
  });

  it("keeps the head of each retriever's list that fusion ranked below the kept ones", async () => {
    // The vector retriever's second chunk is one BM25 never lists: fusion ranks it past ten chunks both lists found.
    const both = chinese.slice(0, 12);
    const index = fakeIndex([both[0]!, 'zh:29', ...both.slice(1)], [...both]);
    const fused = await createCandidateRetriever(index, { perRetriever: 20, keep: 10, perLanguage: 0, seatDepth: 20, headOfEach: 0, semanticOfEach: 0, paragraphsOfBest: 0 }).retrieve('問題');
    expect(fused.map((c) => c.chunk.id)).not.toContain('zh:29');
    const withHeads = await createCandidateRetriever(index, { perRetriever: 20, keep: 10, perLanguage: 0, seatDepth: 20, headOfEach: 2, semanticOfEach: 0, paragraphsOfBest: 0 }).retrieve('問題');
    expect(withHeads.map((c) => c.chunk.id)).toEqual([...both.slice(0, 10), 'zh:29']);
    expect(withHeads.at(-1)).toMatchObject({ vectorRank: 1, lexicalRank: undefined, fusedRank: 10 });
  });

  it('keeps the chunks of each language whose sentences the word vectors find closest, from anywhere either list read', async () => {
    const index = fakeIndex([...chinese, 'en:3', 'en:4'], [...chinese]);
    // zh:25 and zh:17 (read deep in the lists, past what fusion keeps) and en:4 are the closest paraphrases.
    const closeness: Record<string, number> = { 'zh:25': 0.9, 'zh:17': 0.8, 'zh:3': 0.95, 'en:4': 0.7, 'en:3': 0.1 };
    const sentenceSimilarity = (_question: string, article: Article, sentence: number) => closeness[`${article.id}:${sentence}`] ?? 0;
    const withVectors = { ...index, semantic: { sentenceSimilarity } } as unknown as LoadedIndex;
    const options = { perRetriever: 20, keep: 10, perLanguage: 0, seatDepth: 60, headOfEach: 0, paragraphsOfBest: 0 };
    const plain = await createCandidateRetriever(withVectors, { ...options, semanticOfEach: 0 }).retrieve('問題');
    const candidates = await createCandidateRetriever(withVectors, { ...options, semanticOfEach: 2 }).retrieve('問題');
    // zh:3 is kept by fusion already; the next two Chinese and the one English chunk with any similarity come after.
    expect(candidates.map((c) => c.chunk.id)).toEqual([...plain.map((c) => c.chunk.id), 'zh:25', 'zh:17', 'en:4', 'en:3']);
    expect(candidates.at(-1)).toMatchObject({ vectorRank: 30, lexicalRank: undefined, fusedRank: 13 });
  });

  it("keeps the chunks that go on from the paragraph a best chunk opens, after the rest, and says so", async () => {
    const index = fakeIndex([...chinese], [...chinese]);
    // zh:15 and zh:29 go on with zh:0's paragraph (a long paragraph cut in three); zh:21 with zh:1's.
    const paragraphOf: Record<string, number> = { 'zh:15': 1, 'zh:29': 1, 'zh:21': 2 };
    for (const chunk of index.chunks) chunk.paragraph = paragraphOf[chunk.id] ?? chunk.paragraph;
    const options = { perRetriever: 20, keep: 3, perLanguage: 0, seatDepth: 20, headOfEach: 0, semanticOfEach: 0 };
    const plain = await createCandidateRetriever(index, { ...options, paragraphsOfBest: 0 }).retrieve('問題');
    expect(plain.map((c) => c.chunk.id)).toEqual(['zh:0', 'zh:1', 'zh:2']);
    const candidates = await createCandidateRetriever(index, { ...options, paragraphsOfBest: 1 }).retrieve('問題');
    // Only the best chunk's paragraph: zh:21 (zh:1's) is not added. zh:15 keeps the ranks the lists gave it; zh:29, past what they read, has none.
    expect(candidates.map((c) => c.chunk.id)).toEqual(['zh:0', 'zh:1', 'zh:2', 'zh:15', 'zh:29']);
    expect(candidates[3]).toMatchObject({ vectorRank: 15, lexicalRank: 15, fusedRank: 3, viaParagraph: true });
    expect(candidates[4]).toMatchObject({ vectorRank: undefined, lexicalRank: undefined, fusedRank: 4, viaParagraph: true });
    expect(candidates.slice(0, 3).every((c) => !c.viaParagraph)).toBe(true);
  });

  it('adds nothing for a best chunk that goes on from an earlier one of its paragraph', async () => {
    const order = ['zh:1', 'zh:0', ...chinese.slice(2)];
    const index = fakeIndex(order, order);
    // zh:0 opens paragraph 1, and zh:1 and zh:15 go on with it; zh:1 is the best chunk.
    for (const chunk of index.chunks) if (chunk.id === 'zh:1' || chunk.id === 'zh:15') chunk.paragraph = 1;
    const options = { perRetriever: 20, keep: 3, perLanguage: 0, seatDepth: 20, headOfEach: 0, semanticOfEach: 0, paragraphsOfBest: 1 };
    const candidates = await createCandidateRetriever(index, options).retrieve('問題');
    expect(candidates.map((c) => c.chunk.id)).toEqual(['zh:1', 'zh:0', 'zh:2']);
  });
});
