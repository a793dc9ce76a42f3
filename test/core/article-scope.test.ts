import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArticleScoper, type ArticleScoper } from '../../src/answer/article-scope.js';
import { loadCorpus } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';
import { makeTmpProject, type TmpProject } from '../support/corpus.js';
import { HARBOUR_FILES } from '../support/harbour.js';

// Which article a question about the content names: by its language with an article noun, or by its publication.
let project: TmpProject;
let articles: Article[];
let scoper: ArticleScoper;

beforeAll(async () => {
  project = await makeTmpProject('article-scope', HARBOUR_FILES);
  articles = (await loadCorpus(project.corpusDir, project.root)).articles;
  scoper = createArticleScoper(articles);
});

afterAll(async () => {
  await project?.remove();
});

/** The sources of the articles a question is limited to (undefined: all), and the question as retrieval reads it. */
function scope(question: string): { sources: string[] | undefined; text: string } {
  const { articles: ids, text } = scoper.scope(question);
  return { sources: ids && articles.filter((article) => ids.has(article.id)).map((article) => article.source.split('/').pop()!), text };
}

describe('the article a question names', () => {
  it('limits a question to the article named by its language, and leaves a plain reference to the source in its place', () => {
    expect(scope('What does the Chinese article say about the first phase?')).toEqual({ sources: ['harbour-zh.txt'], text: 'What does the article say about the first phase?' });
    expect(scope('Why does the English piece think the plan costs too much?')).toEqual({ sources: ['harbour-en.txt', 'storm.txt'], text: 'Why does the article think the plan costs too much?' });
    expect(scope('中文那篇怎麼說施工噪音?')).toEqual({ sources: ['harbour-zh.txt'], text: '文中怎麼說施工噪音?' });
    expect(scope('英文版里为什么说计划太贵?').sources).toEqual(['harbour-en.txt', 'storm.txt']);
  });

  it('limits a question to the article of a publication it names, in either script and any case', () => {
    expect(scope('According to Coastal Review, why is the plan a problem?')).toEqual({ sources: ['harbour-en.txt'], text: 'According to the article, why is the plan a problem?' });
    expect(scope('what does the coastal review piece say about the director')).toEqual({ sources: ['harbour-en.txt'], text: 'what does the article say about the director' });
    expect(scope('海港日报怎么说噪音?')).toEqual({ sources: ['harbour-zh.txt'], text: '文中怎么说噪音?' });
    expect(scope('據海港日報,工期多長?')).toEqual({ sources: ['harbour-zh.txt'], text: '據文中,工期多長?' });
  });

  it('does not limit a question that names no article, or names every one', () => {
    for (const question of [
      'Whose English translation of the Bible did the Luther Bible influence?',
      '至NET奇兵的英文版主题曲叫什么名字？',
      'Which Chinese city has the largest harbour?',
      'What is the English name of 港口重建計劃?',
      'The plan is too expensive, says the review: why?',
    ]) {
      expect(scope(question)).toEqual({ sources: undefined, text: question });
    }
    expect(scope('Do the English article and the Chinese article agree on the cost?').sources).toBeUndefined();
  });
});
