import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articleFileStem, prepareDatasetRuns, type DatasetCase, type DatasetRun } from '../../src/eval/datasets.js';
import { TetherError } from '../../src/errors.js';
import { makeTmpDir } from '../support/corpus.js';
import { CMRC, XQUAD_EN, XQUAD_ZH, squad, writeSquadFixture, type FixtureArticle } from './fixture.js';

let tmp: string;
let datasetsDir: string;
let cacheDir: string;

beforeEach(async () => {
  tmp = await makeTmpDir('datasets');
  datasetsDir = path.join(tmp, 'datasets');
  cacheDir = path.join(tmp, 'cache');
  await writeSquadFixture(datasetsDir);
});
afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

const prepare = (options: Partial<Parameters<typeof prepareDatasetRuns>[0]> = {}) =>
  prepareDatasetRuns({ root: tmp, datasetsDir, cacheDir, datasets: ['xquad', 'drcd', 'cmrc'], split: 'all', ...options });

const byName = (runs: DatasetRun[], name: string): DatasetRun => {
  const run = runs.find((r) => r.name === name);
  if (!run) throw new Error(`no run ${name} in ${runs.map((r) => r.name).join(', ')}`);
  return run;
};

const caseOf = (run: DatasetRun, direction: string, questionId: string): DatasetCase => {
  const found = run.cases.find((c) => c.direction === direction && c.questionId === questionId);
  if (!found) throw new Error(`no ${direction} case ${questionId} in ${run.name}`);
  return found;
};

async function corpusFiles(run: DatasetRun): Promise<string[]> {
  return (await fs.readdir(run.corpusDir)).sort();
}

describe('prepareDatasetRuns: corpora', () => {
  it('writes one article per title: contexts as published separated by a blank line, with title and language', async () => {
    const runs = await prepare();
    expect(runs.map((r) => r.name)).toEqual([
      'xquad-en', 'xquad-en-refusal', 'xquad-zh', 'xquad-zh-refusal', 'xquad-zht', 'xquad-zht-refusal', 'xquad-mixed', 'xquad-mixed-refusal', 'xquad-parallel', 'xquad-parallel-refusal',
      'xquad-bilingual', 'xquad-bilingual-refusal', 'drcd', 'drcd-refusal', 'cmrc', 'cmrc-refusal',
    ]);
    const en = byName(runs, 'xquad-en');
    expect(en.corpusDir).toBe(path.join(cacheDir, 'xquad-en', 'corpus'));
    expect(en.indexDir).toBe(path.join(cacheDir, 'xquad-en', 'index'));
    expect(await corpusFiles(en)).toEqual(XQUAD_EN.flatMap((a, i) => [`${articleFileStem(i, a.title)}.meta.json`, `${articleFileStem(i, a.title)}.txt`]).sort());
    const text = await fs.readFile(path.join(en.corpusDir, '0000-tea-culture.txt'), 'utf8');
    expect(text).toBe(`${XQUAD_EN[0]!.paragraphs.map((p) => p.context).join('\n\n')}\n`);
    expect(JSON.parse(await fs.readFile(path.join(en.corpusDir, '0000-tea-culture.meta.json'), 'utf8'))).toEqual({ title: 'Tea Culture', lang: 'en' });

    const zh = byName(runs, 'xquad-zh');
    expect(JSON.parse(await fs.readFile(path.join(zh.corpusDir, '0001-harbour-bridge.meta.json'), 'utf8')).lang).toBe('zh-Hans');
    const drcd = byName(runs, 'drcd');
    // Titles with no ASCII letters give names from the position alone.
    expect(await corpusFiles(drcd)).toEqual(['0000.meta.json', '0000.txt', '0001.meta.json', '0001.txt']);
    expect(JSON.parse(await fs.readFile(path.join(drcd.corpusDir, '0000.meta.json'), 'utf8'))).toEqual({ title: '臺北捷運', lang: 'zh-Hant' });
    // A blank title is left out of the sidecar (the loader names the article by its first line).
    expect(JSON.parse(await fs.readFile(path.join(byName(runs, 'cmrc').corpusDir, '0001.meta.json'), 'utf8'))).toEqual({ lang: 'zh-Hans' });
  });

  it('converts the Simplified XQuAD to Traditional: contexts, questions and answers alike', async () => {
    const zht = byName(await prepare({ datasets: ['xquad'] }), 'xquad-zht');
    const text = await fs.readFile(path.join(zht.corpusDir, '0000-tea-culture.txt'), 'utf8');
    expect(text.startsWith('茶最早在中國作為藥物飲用。')).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(zht.corpusDir, '0000-tea-culture.meta.json'), 'utf8')).lang).toBe('zh-Hant');
    const own = caseOf(zht, 'zht-zht', 't0');
    expect(own.question).toBe('茶最早在哪裡飲用？');
    expect(own.expect).toEqual(['中國']);
    // English questions on the Traditional corpus expect its (converted) answer text.
    expect(caseOf(zht, 'en-zht', 'h1').expect).toEqual(['米德爾斯堡']);
    const corpus = await allText(zht);
    for (const c of zht.cases) for (const answer of c.expect) expect(corpus).toContain(answer);
  });

  it('rewrites nothing when the content is unchanged, and removes articles no longer wanted', async () => {
    const [first] = await prepare({ datasets: ['cmrc'] });
    const file = path.join(first!.corpusDir, '0000.txt');
    const old = new Date('2001-01-01T00:00:00Z');
    await fs.utimes(file, old, old);
    await fs.writeFile(path.join(first!.corpusDir, '9999-stale.txt'), 'left over\n');
    await prepare({ datasets: ['cmrc'] });
    expect((await fs.stat(file)).mtime.getTime()).toBe(old.getTime());
    expect(await corpusFiles(first!)).not.toContain('9999-stale.txt');

    await fs.writeFile(file, 'edited by hand\n');
    await prepare({ datasets: ['cmrc'] });
    expect(await fs.readFile(file, 'utf8')).toBe('长江全长约6300公里，是中国最长的河流。\n');
  });

  it('says the public sets are optional and where they live when the folder is missing', async () => {
    const missing = path.join(tmp, 'nowhere');
    const error = await prepare({ datasetsDir: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TetherError);
    expect((error as TetherError).userMessage).toContain(missing);
    expect((error as TetherError).userMessage).toMatch(/optional/);
    expect((error as TetherError).userMessage).toContain('../shared/datasets');
  });
});

async function allText(run: DatasetRun): Promise<string> {
  const names = (await fs.readdir(run.corpusDir)).filter((n) => n.endsWith('.txt'));
  return (await Promise.all(names.map((n) => fs.readFile(path.join(run.corpusDir, n), 'utf8')))).join('\n');
}

describe('prepareDatasetRuns: cases and split', () => {
  it('asks every direction of a corpus, expecting the answer text in the corpus language', async () => {
    const runs = await prepare({ datasets: ['xquad'] });
    const directions = (name: string) => [...new Set(byName(runs, name).cases.map((c) => c.direction))];
    expect(directions('xquad-en')).toEqual(['en-en', 'zh-en', 'zht-en']);
    expect(directions('xquad-zh')).toEqual(['zh-zh', 'en-zh']);
    expect(directions('xquad-zht')).toEqual(['zht-zht', 'en-zht']);
    const zh = byName(runs, 'xquad-zh');
    const cross = caseOf(zh, 'en-zh', 'h0');
    expect(cross).toMatchObject({ kind: 'en-zh', question: 'When did the harbour bridge open?', expect: ['1932年'], position: 1, paragraph: 0, split: 'test' });
    expect(caseOf(byName(runs, 'xquad-en'), 'zh-en', 'h0')).toMatchObject({ question: '海港大桥何时通车？', expect: ['1932'] });
    const questions = XQUAD_EN.flatMap((a) => a.paragraphs.flatMap((p) => p.qas)).length;
    for (const run of runs.filter((r) => !r.refusal && r.name !== 'xquad-mixed' && r.name !== 'xquad-parallel' && r.name !== 'xquad-bilingual')) {
      expect(run.cases.length).toBe(questions * new Set(run.cases.map((c) => c.direction)).size);
      expect(new Set(run.cases.map((c) => c.id)).size).toBe(run.cases.length);
      for (const c of run.cases) expect(c.kind).toBe(c.direction);
    }
  });

  it('mixes English and Traditional articles in one corpus, asking each question in the three languages', async () => {
    const mixed = byName(await prepare({ datasets: ['xquad'] }), 'xquad-mixed');
    const questions = XQUAD_EN.flatMap((a) => a.paragraphs.flatMap((p) => p.qas)).length;
    expect(mixed.cases).toHaveLength(3 * questions);
    for (const c of mixed.cases) {
      const articleLang = ['en', 'zht', 'en', 'zht'][c.position];
      expect(c.direction.split('-')[1]).toBe(articleLang);
      const meta = JSON.parse(await fs.readFile(path.join(mixed.corpusDir, `${articleFileStem(c.position, c.title)}.meta.json`), 'utf8')) as { lang: string };
      expect(meta.lang).toBe(articleLang === 'en' ? 'en' : 'zh-Hant');
    }
  });

  it('holds every article in English and Traditional in the parallel corpus, either language\'s answer counting', async () => {
    const runs = await prepare({ datasets: ['xquad'] });
    const parallel = byName(runs, 'xquad-parallel');
    const files = await corpusFiles(parallel);
    expect(files.filter((name) => name.endsWith('.txt'))).toHaveLength(2 * XQUAD_EN.length);
    const metas = await Promise.all(files.filter((name) => name.endsWith('.meta.json')).map(async (name) => JSON.parse(await fs.readFile(path.join(parallel.corpusDir, name), 'utf8')) as { lang: string }));
    expect(metas.filter((meta) => meta.lang === 'en')).toHaveLength(XQUAD_EN.length);
    expect(metas.filter((meta) => meta.lang === 'zh-Hant')).toHaveLength(XQUAD_EN.length);
    expect([...new Set(parallel.cases.map((c) => c.direction))]).toEqual(['en-en+zht', 'zh-en+zht', 'zht-en+zht']);
    const questions = XQUAD_EN.flatMap((a) => a.paragraphs.flatMap((p) => p.qas)).length;
    expect(parallel.cases).toHaveLength(3 * questions);
    // The English and the Traditional answer of the same question: either in a quote is a hit.
    expect(caseOf(parallel, 'zh-en+zht', 'h0')).toMatchObject({ question: '海港大桥何时通车？', expect: ['1932', '1932年'], position: 1 });
    expect(caseOf(parallel, 'en-en+zht', 'h1').expect).toEqual(['Middlesbrough', '米德爾斯堡']);
    const corpus = await allText(parallel);
    for (const c of parallel.cases) for (const answer of c.expect) expect(corpus).toContain(answer);
    // Its refusal variant leaves out (or shortens) an article in both languages alike.
    const refusal = byName(runs, 'xquad-parallel-refusal');
    expect((await corpusFiles(refusal)).filter((name) => name.endsWith('.txt'))).toHaveLength(2 * 2);
  });

  it('splits every article between an English and a Traditional half in the bilingual corpus, paragraphs alternating', async () => {
    const runs = await prepare({ datasets: ['xquad'] });
    const bilingual = byName(runs, 'xquad-bilingual');
    const texts = await Promise.all(
      (await corpusFiles(bilingual)).filter((name) => name.endsWith('.txt')).map((name) => fs.readFile(path.join(bilingual.corpusDir, name), 'utf8')),
    );
    // Two halves per article, and every paragraph in exactly one of them, in one language.
    expect(texts).toHaveLength(2 * XQUAD_EN.length);
    const english = XQUAD_EN.flatMap((a) => a.paragraphs.map((p) => p.context));
    const held = english.filter((context) => texts.some((text) => text.includes(context)));
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(english.length);
    // Paragraph 0 of the article at position 0 is English, paragraph 1 Traditional; at position 1 the other way round.
    expect(texts.some((text) => text.includes(XQUAD_EN[0]!.paragraphs[0]!.context))).toBe(true);
    expect(texts.some((text) => text.includes(XQUAD_EN[0]!.paragraphs[1]!.context))).toBe(false);
    expect(texts.some((text) => text.includes(XQUAD_EN[1]!.paragraphs[0]!.context))).toBe(false);
    const questions = XQUAD_EN.flatMap((a) => a.paragraphs.flatMap((p) => p.qas)).length;
    expect(bilingual.cases).toHaveLength(3 * questions);
    // A question is asked of the half holding its paragraph, in that half's language.
    expect(caseOf(bilingual, 'en-en', 't0')).toMatchObject({ expect: ['China'], position: 0 });
    expect(caseOf(bilingual, 'zh-zht', 't1')).toMatchObject({ question: '商人从哪个港口运出红茶？', expect: ['廣州'], position: 0 });
    expect(caseOf(bilingual, 'zht-en', 'h1')).toMatchObject({ expect: ['Middlesbrough'], position: 1 });
    const corpus = texts.join('\n');
    for (const c of bilingual.cases) for (const answer of c.expect) expect(corpus).toContain(answer);
  });

  it('puts articles at even positions in TRAIN and odd ones in TEST, and keeps only the chosen split', async () => {
    const all = byName(await prepare({ datasets: ['xquad'] }), 'xquad-en');
    for (const c of all.cases) expect(c.split).toBe(c.position % 2 === 0 ? 'train' : 'test');
    expect(new Set(all.cases.map((c) => c.split))).toEqual(new Set(['train', 'test']));
    for (const split of ['train', 'test'] as const) {
      const runs = await prepare({ split });
      for (const run of runs) {
        expect(run.cases.length).toBeGreaterThan(0);
        for (const c of run.cases) expect(c.split).toBe(split);
      }
    }
    // The corpus is the whole file whatever the split: questions of either half are asked of all articles.
    expect(await corpusFiles(byName(await prepare({ split: 'test' }), 'xquad-en'))).toHaveLength(2 * XQUAD_EN.length);
  });

  it('samples at most N per direction and refusal group, the same cases every time', async () => {
    const limited = await prepare({ perKindLimit: 1 });
    const again = await prepare({ perKindLimit: 1 });
    expect(limited.map((r) => r.cases.map((c) => c.id))).toEqual(again.map((r) => r.cases.map((c) => c.id)));
    for (const run of limited) {
      const groups = new Map<string, number>();
      for (const c of run.cases) groups.set(`${c.direction}/${c.refusal}`, (groups.get(`${c.direction}/${c.refusal}`) ?? 0) + 1);
      expect([...groups.values()].every((n) => n === 1)).toBe(true);
    }
    expect(byName(limited, 'xquad-en-refusal').cases.filter((c) => c.direction === 'en-en').map((c) => c.refusal).sort()).toEqual(['control', 'near-miss', 'out-of-corpus']);
  });
});

describe('prepareDatasetRuns: refusal variants', () => {
  it('gives every direction of the mixed corpus out-of-corpus, near-miss and control cases in each split', async () => {
    // Eight parallel articles of two paragraphs: enough for every split × refusal group × language.
    const article = (i: number, lang: 'en' | 'zh'): FixtureArticle => ({
      title: `Article_${i}`,
      paragraphs: [0, 1].map((p) => {
        const context = lang === 'en' ? `Paragraph ${p} of article ${i} says the answer is A${i}${p}.` : `第${i}篇文章的第${p}段说答案是A${i}${p}。`;
        return { context, qas: [[`q${i}${p}`, lang === 'en' ? `What is the answer ${i} ${p}?` : `答案${i}${p}是什么？`, `A${i}${p}`]] };
      }),
    });
    const dir = path.join(tmp, 'eight');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'xquad-dev.en.json'), squad([...Array(8).keys()].map((i) => article(i, 'en'))));
    await fs.writeFile(path.join(dir, 'xquad-dev.zh.json'), squad([...Array(8).keys()].map((i) => article(i, 'zh'))));
    for (const split of ['train', 'test'] as const) {
      const refusal = byName(await prepare({ datasetsDir: dir, datasets: ['xquad'], split }), 'xquad-mixed-refusal');
      const directions = new Set(refusal.cases.map((c) => c.direction));
      expect(directions).toEqual(new Set(['en-en', 'zh-en', 'zht-en', 'en-zht', 'zh-zht', 'zht-zht']));
      for (const direction of directions) {
        const roles = new Set(refusal.cases.filter((c) => c.direction === direction).map((c) => c.refusal));
        expect(roles, `${split} ${direction}`).toEqual(new Set(['out-of-corpus', 'near-miss', 'control']));
      }
    }
  });

  it('leaves out articles at positions 2 and 3 (mod 4) and one paragraph of every other article with two or more', async () => {
    const runs = await prepare({ datasets: ['xquad'] });
    const refusal = byName(runs, 'xquad-en-refusal');
    expect(refusal.refusal).toBe(true);
    expect(await corpusFiles(refusal)).toEqual(['0000-tea-culture.meta.json', '0000-tea-culture.txt', '0001-harbour-bridge.meta.json', '0001-harbour-bridge.txt']);
    const contexts = (i: number) => XQUAD_EN[i]!.paragraphs.map((p) => p.context);
    // Position 0 of 3 paragraphs loses paragraph 0, position 1 loses paragraph 1.
    expect(await fs.readFile(path.join(refusal.corpusDir, '0000-tea-culture.txt'), 'utf8')).toBe(`${contexts(0).slice(1).join('\n\n')}\n`);
    expect(await fs.readFile(path.join(refusal.corpusDir, '0001-harbour-bridge.txt'), 'utf8')).toBe(`${[contexts(1)[0], contexts(1)[2]].join('\n\n')}\n`);
    // The parallel corpora lose the same articles and paragraphs.
    const zhText = await fs.readFile(path.join(byName(runs, 'xquad-zh-refusal').corpusDir, '0000-tea-culture.txt'), 'utf8');
    expect(zhText).toBe(`${XQUAD_ZH[0]!.paragraphs.slice(1).map((p) => p.context).join('\n\n')}\n`);
  });

  it('makes out-of-corpus, near-miss and control cases in every direction, cross-language ones included', async () => {
    const runs = await prepare({ datasets: ['xquad'] });
    for (const name of ['xquad-en-refusal', 'xquad-zh-refusal', 'xquad-zht-refusal']) {
      const run = byName(runs, name);
      for (const direction of new Set(run.cases.map((c) => c.direction))) {
        const role = (id: string) => caseOf(run, direction, id);
        for (const id of ['g0', 'g1', 'v0', 'v1']) expect(role(id)).toMatchObject({ refusal: 'out-of-corpus', kind: 'none', expect: [] });
        for (const id of ['t0', 'h1']) expect(role(id)).toMatchObject({ refusal: 'near-miss', kind: 'none', expect: [] });
        for (const id of ['t1', 't2', 't3', 'h0', 'h2']) {
          expect(role(id)).toMatchObject({ refusal: 'control', kind: direction });
          expect(role(id).expect.length).toBeGreaterThan(0);
        }
      }
    }
    expect(caseOf(byName(runs, 'xquad-zh-refusal'), 'en-zh', 'h2')).toMatchObject({ question: 'How many vehicles cross the bridge every day?', expect: ['16万辆'] });
    expect(caseOf(byName(runs, 'xquad-en-refusal'), 'zht-en', 't0').question).toBe('茶最早在哪裡飲用？');
  });

  it('asks another set\'s questions of a refusal corpus as unrelated, split by their own article, leaving out one whose answer the corpus holds', async () => {
    // A fourth CMRC article whose answer, 广州, the Chinese XQuAD refusal corpus holds (tea's second paragraph).
    await fs.writeFile(path.join(datasetsDir, 'cmrc2018-dev.json'), squad([...CMRC, { title: '广州', paragraphs: [{ context: '广州是广东省的省会。', qas: [['c3', '商人从哪里运出红茶？', '广州']] }] }]));
    const runs = await prepare();
    const unrelated = (name: string) => byName(runs, name).cases.filter((c) => c.refusal === 'unrelated').map((c) => [c.questionId, c.direction, c.split, c.kind]);
    expect(unrelated('xquad-zh-refusal')).toEqual([['c0', 'zh-zh', 'train', 'none'], ['c1', 'zh-zh', 'test', 'none'], ['c2', 'zh-zh', 'train', 'none']]);
    // The English corpus holds no 广州: every CMRC question, then DRCD's first question of each article's first two paragraphs.
    expect(unrelated('xquad-en-refusal').map(([id, direction]) => `${id} ${direction}`)).toEqual(['c0 zh-en', 'c1 zh-en', 'c2 zh-en', 'c3 zh-en', 'd0 zht-en', 'd1 zht-en', 'd2 zht-en']);
    expect(unrelated('cmrc-refusal').map(([id, direction]) => `${id} ${direction}`)).toEqual(['t0', 't1', 'h0', 'h1', 'g0', 'g1', 'v0', 'v1'].map((id) => `${id} en-zh`));
    // Only refusal runs ask them, and only of the sets run.
    for (const run of runs.filter((r) => !r.refusal)) expect(run.cases.some((c) => c.refusal === 'unrelated')).toBe(false);
    expect((await prepare({ datasets: ['xquad'] })).flatMap((run) => run.cases).some((c) => c.refusal === 'unrelated')).toBe(false);
  });

  it('makes only out-of-corpus cases and controls when every article has one paragraph (CMRC)', async () => {
    const runs = await prepare({ datasets: ['cmrc'] });
    const refusal = byName(runs, 'cmrc-refusal');
    // (With CMRC alone, no other set's questions are asked of it.)
    expect(await corpusFiles(refusal)).toEqual(['0000.meta.json', '0000.txt', '0001.meta.json', '0001.txt']);
    expect(refusal.cases.map((c) => [c.questionId, c.refusal])).toEqual([
      ['c0', 'control'],
      ['c1', 'control'],
      ['c2', 'out-of-corpus'],
    ]);
    const drcd = byName(await prepare({ datasets: ['drcd'] }), 'drcd-refusal');
    // A kept one-paragraph article stays whole: its questions are controls.
    expect(drcd.cases.map((c) => [c.questionId, c.refusal])).toEqual([
      ['d0', 'near-miss'],
      ['d1', 'control'],
      ['d2', 'control'],
    ]);
  });
});
