import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawAttempt, scoreAttempt, seededShuffle, type Question } from '../../src/domain/learning/index.js';

function question(id: string, outcome: string, correct: string[], options = ['a', 'b', 'c', 'd']): Question {
  const text = { en: id, cy: id };
  return {
    id, outcome, reference: 'r1', type: correct.length === 1 ? 'single' : 'multiple', stem: text, rationale: text,
    options: options.map((o) => ({ id: o, correct: correct.includes(o), text, feedback: text })),
  };
}

const bank = [
  ...Array.from({ length: 8 }, (_, i) => question(`q${i}`, 'o1', ['a'])),
  question('q8', 'o2', ['b']),
  question('q9', 'o3', ['a', 'c']),
  question('q10', 'o2', ['d']),
  question('q11', 'o1', ['a']),
];

describe('the module assessment', () => {
  it('draws the same attempt from the same seed, and a different one from another', () => {
    expect(drawAttempt(bank, 10, 42)).toEqual(drawAttempt(bank, 10, 42));
    expect(drawAttempt(bank, 10, 42)).not.toEqual(drawAttempt(bank, 10, 43));
  });

  it('covers every outcome in an attempt when the bank allows', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
      const drawn = drawAttempt(bank, 5, seed);
      const outcomes = new Set(drawn.map((d) => bank.find((q) => q.id === d.id)?.outcome));
      return drawn.length === 5 && outcomes.size === 3 && new Set(drawn.map((d) => d.id)).size === 5;
    }));
  });

  it('shuffles without losing or repeating anything', () => {
    fc.assert(fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
      expect(seededShuffle(items, seed).sort()).toEqual([...items].sort());
    }));
  });

  it('scores a multiple-choice question right only when every correct option, and nothing else, is chosen', () => {
    const drawn = [{ id: 'q9', optionOrder: ['a', 'b', 'c', 'd'] }, { id: 'q8', optionOrder: ['a', 'b', 'c', 'd'] }];
    expect(scoreAttempt(bank, drawn, { q9: ['a', 'c'], q8: ['b'] }, 0.8)).toMatchObject({ correct: 2, score: 1, passed: true });
    expect(scoreAttempt(bank, drawn, { q9: ['a'], q8: ['b'] }, 0.8)).toMatchObject({ correct: 1, passed: false });
    expect(scoreAttempt(bank, drawn, { q9: ['a', 'b', 'c'], q8: ['b'] }, 0.8).perQuestion[0]?.correct).toBe(false);
  });

  it('passes exactly at the pass mark: 8 of 10 at 80%', () => {
    const drawn = drawAttempt(bank, 10, 7);
    const answers = Object.fromEntries(drawn.map((d, i) => {
      const q = bank.find((b) => b.id === d.id);
      const right = q?.options.filter((o) => o.correct).map((o) => o.id) ?? [];
      return [d.id, i < 8 ? right : ['zz']];
    }));
    expect(scoreAttempt(bank, drawn, answers, 0.8)).toMatchObject({ correct: 8, total: 10, passed: true });
    expect(scoreAttempt(bank, drawn, answers, 0.81)).toMatchObject({ passed: false });
  });
});
