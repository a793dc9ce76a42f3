import { describe, expect, it } from 'vitest';
import { answerFocus, detectAnswerKind } from '../../src/text/question-kind.js';

describe('the kind of answer a question asks for', () => {
  it('reads "who" as asking for a person at the start of a question or after a verb of knowing, not as a relative pronoun', () => {
    expect(detectAnswerKind('Who runs Alibaba Cloud now?')).toBe('person');
    expect(detectAnswerKind('and who took over after that?')).toBe('person');
    expect(detectAnswerKind('do you know who took over sales?')).toBe('person');
    expect(detectAnswerKind('What did the exec who took over sales change?')).toBe('any');
    expect(detectAnswerKind('The exec who took over sales, how many regions did he merge?')).toBe('number');
  });

  it('reads 几个, 几次, 几年 as asking how many, 哪几个 as asking which ones, 几乎 as "almost", 好几次 as "several times"', () => {
    expect(detectAnswerKind('阿里雲有幾個事業部?')).toBe('number');
    expect(detectAnswerKind('去年11月底阿里雲新成立了哪幾個事業部?')).toBe('any');
    expect(detectAnswerKind('嘉兴南站由哪几个部分组成？')).toBe('any');
    expect(detectAnswerKind('阿里云换了几次CEO?')).toBe('number');
    expect(detectAnswerKind('从零到千亿花了几年?')).toBe('number');
    expect(detectAnswerKind('這棟樓有幾層?')).toBe('number');
    expect(detectAnswerKind('几乎所有业务都上云了吗?')).toBe('any');
    // After 好, 十, 这 or 那, 几 counts loosely: "several times", "these few years".
    expect(detectAnswerKind('客户碰到好几次故障之后会怎么做?')).toBe('any');
    expect(detectAnswerKind('這幾年公有雲市場怎麼樣?')).toBe('any');
    expect(detectAnswerKind('女神卡卡得过几次格莱美奖？')).toBe('number');
  });

  it('reads "how long" and 多久 as asking for a figure: a span of time is one', () => {
    expect(detectAnswerKind('How long did it take Alibaba Cloud to reach 100 billion yuan in revenue?')).toBe('number');
    expect(detectAnswerKind('and how long was everything down for?')).toBe('number');
    expect(detectAnswerKind('阿里雲當機了多久?')).toBe('number');
    expect(detectAnswerKind('阿里雲當機了多長時間?')).toBe('number');
    expect(detectAnswerKind('修復花了多少時間？')).toBe('number');
  });

  it('reads "where", "which city" and 哪里 or 哪个国家 as asking for a place, and "where" after a year as asking when', () => {
    expect(detectAnswerKind('Where was Super Bowl 50 played?')).toBe('place');
    expect(detectAnswerKind('In which city did Alibaba Cloud open its first data center?')).toBe('place');
    expect(detectAnswerKind('阿里雲的總部在哪裡?')).toBe('place');
    expect(detectAnswerKind('亚马逊雨林的大部分位于哪个国家？')).toBe('place');
    expect(detectAnswerKind('王处直墓在什么地方？')).toBe('place');
    expect(detectAnswerKind('他在哪一年去了上海?')).toBe('date');
    expect(detectAnswerKind('Who founded the company where he worked?')).toBe('person');
  });

  it('reads "what reason" as asking why', () => {
    expect(detectAnswerKind('what reason did Alibaba officially give for not spinning off the cloud group?')).toBe('reason');
    expect(detectAnswerKind("What's the main reason the spin-off was called off?")).toBe('reason');
    expect(detectAnswerKind('阿里給出的理由是什麼?')).toBe('reason');
    expect(detectAnswerKind('What did the reasoning team publish?')).toBe('any');
  });

  it('reads "what" asking for a measured thing as asking for a figure, not a cause, a field or an idiom', () => {
    expect(detectAnswerKind("What was Warsaw's population in 1901?")).toBe('number');
    expect(detectAnswerKind('What valuation were investors putting on Alibaba Cloud for the planned listing?')).toBe('number');
    expect(detectAnswerKind('whats tencent cloud\'s revenue growth in Q3')).toBe('number');
    expect(detectAnswerKind('What is the total cost of the project?')).toBe('number');
    expect(detectAnswerKind('What share of the market does it hold?')).toBe('number');
    expect(detectAnswerKind('What drove growth at Alibaba Cloud?')).toBe('reason');
    expect(detectAnswerKind('What did the sales team do after the reshuffle?')).toBe('any');
    expect(detectAnswerKind('What area of research is it known for?')).toBe('any');
    expect(detectAnswerKind('What is the number one cause of outages?')).toBe('any');
  });

  it('reads 时间 as asking when, but not after 一段 or 大部分', () => {
    expect(detectAnswerKind('分拆公告的時間?')).toBe('date');
    expect(detectAnswerKind('该条约于何年签订？')).toBe('date');
    expect(detectAnswerKind('該條約是西元幾年簽訂的？')).toBe('date');
  });

  it("reads Taiwan's 甚麼 as 什麼: 為甚麼 asks why, 甚麼時候 when", () => {
    expect(detectAnswerKind('為甚麼阿里雲暫停分拆?')).toBe('reason');
    expect(detectAnswerKind('他是甚麼時候加入的?')).toBe('date');
    expect(answerFocus('他畢業於甚麼大學?')).toBe('大學');
    expect(detectAnswerKind('他大部分时间都住在哪里？')).toBe('place');
    expect(detectAnswerKind('很長一段時間被看作什麼?')).toBe('any');
  });

  it('reads chat spellings and casual Chinese question words', () => {
    expect(detectAnswerKind('y did they cancel the spin-off')).toBe('reason');
    expect(detectAnswerKind('IDC说上半年云市场为啥不景气?')).toBe('reason');
    expect(detectAnswerKind('他们干嘛要拆分?')).toBe('reason');
    // A chat spelling inside a word is not one ("Yang" is not "why").
    expect(detectAnswerKind('Yang took over in 2022')).toBe('any');
  });
});

describe('the word naming what the answer is', () => {
  it('takes the noun a Chinese question word asks about, past a measure word, in either script', () => {
    expect(answerFocus('楼曾瑞毕业于哪个大学？')).toBe('大学');
    expect(answerFocus('嘉兴南站有几条线？')).toBe('线');
    expect(answerFocus('黄天竺鲷鱼体呈什麼顏色？')).toBe('顏色');
    expect(answerFocus('他凭借哪一部作品获奖？')).toBe('作品');
    expect(answerFocus('阿里云是哪年成立的')).toBe('年');
    expect(answerFocus('这支球队有多少名球员？')).toBe('球员');
    // 会 opens a word here, not the verb "will".
    expect(answerFocus('哪次会议在纽卡斯尔举行？')).toBe('会议');
  });

  it('keeps a measure word that opens the noun itself', () => {
    expect(answerFocus('他叫什么名字？')).toBe('名字');
    expect(answerFocus('这是什么类型的游戏？')).toBe('类型');
    expect(answerFocus('阿里云成立了什么部门？')).toBe('部门');
    expect(answerFocus('有几个国家参加？')).toBe('国家');
  });

  it('takes none after 为什么 or 凭什么, which ask why: what follows is the topic', () => {
    expect(answerFocus('阿里云为什么暂停分拆?')).toBeUndefined();
    expect(answerFocus('為什麼公園裡的岩畫都藏在山洞裡？')).toBeUndefined();
    expect(answerFocus('他凭什么当选？')).toBeUndefined();
    expect(answerFocus('他为什么搬去了什么地方？')).toBe('地方');
  });

  it('finds none where the question word names no thing: "what is", "what kind", "where", "for what"', () => {
    expect(answerFocus('什么是月代？')).toBeUndefined();
    expect(answerFocus('栖息环境是什么样的？')).toBeUndefined();
    expect(answerFocus('潘淑是哪里人？')).toBeUndefined();
    expect(answerFocus('疣鹦嘴鱼以什么为食？')).toBeUndefined();
    expect(answerFocus('What is the expression used for it?')).toBeUndefined();
    expect(answerFocus('How much did it save?')).toBeUndefined();
  });

  it('takes the thing a figure measures when "what" asks for one, but not a word that only says "a figure"', () => {
    expect(answerFocus("What was Huawei Cloud's revenue in 2023?")).toBe('revenue');
    expect(answerFocus('What percentage of the population was Protestant?')).toBe('percentage');
    expect(answerFocus('what is the total cost of the project')).toBe('cost');
    expect(answerFocus('What was the total number of people?')).toBeUndefined();
  });

  it('takes the noun after which/what, after "what type of", and the head of what "how many" counts', () => {
    expect(answerFocus('Which university did he attend?')).toBe('university');
    expect(answerFocus('During what type of climate is oxygen 18 higher?')).toBe('climate');
    expect(answerFocus('How many career sacks did Jared Allen have?')).toBe('sacks');
    expect(answerFocus('How many Panthers defense players were selected?')).toBe('players');
    expect(answerFocus('How many people live in Fresno?')).toBe('people');
    expect(answerFocus('How many nations control this region?')).toBe('nations');
    expect(answerFocus('How much revenue did Alibaba Cloud book?')).toBe('revenue');
  });
});
