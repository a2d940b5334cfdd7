import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawAttempt, outcomesToRevisit, scoreAttempt, seededShuffle, timesSeenIn, type LearningModule, type Question } from '../../src/domain/learning/index.js';

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

  // Regression: a retake drew mostly the same questions as the attempt before,
  // so a learner could pass by remembering (or copying) the last one.
  describe('a retake', () => {
    const outcomes = ['o1', 'o2', 'o3', 'o4'];
    const arbitraryBank = fc.array(fc.constantFrom(...outcomes), { minLength: 1, maxLength: 20 })
      .map((os) => os.map((o, i) => question(`q${String(i)}`, o, ['a'])));
    const arbitraryDraw = arbitraryBank.chain((b) => fc.record({
      bank: fc.constant(b),
      count: fc.integer({ min: 1, max: b.length }),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      seen: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: b.length, maxLength: b.length })
        .map((counts) => Object.fromEntries(b.map((q, i) => [q.id, counts[i] ?? 0]))),
    }));
    const seenOf = (seen: Record<string, number>, id: string) => seen[id] ?? 0;

    it('leaves out no question seen fewer times than one it draws, except a question drawn to cover its outcome', () => {
      fc.assert(fc.property(arbitraryDraw, ({ bank: b, count, seed, seen }) => {
        const drawn = drawAttempt(b, count, seed, seen);
        const drawnIds = new Set(drawn.map((d) => d.id));
        const outcomeOf = new Map(b.map((q) => [q.id, q.outcome]));
        for (const d of drawn) {
          const alone = drawn.filter((x) => outcomeOf.get(x.id) === outcomeOf.get(d.id)).length === 1;
          for (const q of b) {
            if (!drawnIds.has(q.id) && seenOf(seen, q.id) < seenOf(seen, d.id) && !alone) return false;
          }
        }
        return drawn.length === count && drawnIds.size === count;
      }));
    });

    it('draws no question seen before when the bank has enough unseen ones for every outcome', () => {
      fc.assert(fc.property(arbitraryDraw, ({ bank: b, count, seed, seen }) => {
        const unseen = b.filter((q) => seenOf(seen, q.id) === 0);
        const everyOutcome = new Set(b.map((q) => q.outcome)).size === new Set(unseen.map((q) => q.outcome)).size;
        fc.pre(unseen.length >= count && everyOutcome);
        return drawAttempt(b, count, seed, seen).every((d) => seenOf(seen, d.id) === 0);
      }));
    });

    it('still covers every outcome when the bank allows', () => {
      fc.assert(fc.property(arbitraryDraw, ({ bank: b, count, seed, seen }) => {
        const all = new Set(b.map((q) => q.outcome));
        const covered = new Set(drawAttempt(b, count, seed, seen).map((d) => b.find((q) => q.id === d.id)?.outcome));
        return covered.size === Math.min(all.size, count);
      }));
    });

    it('draws the three questions a first attempt of ten from thirteen left out, whatever the seed', () => {
      const thirteen = [...bank, question('q12', 'o3', ['b'])];
      fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (first, second) => {
        const attempt = drawAttempt(thirteen, 10, first);
        const left = thirteen.map((q) => q.id).filter((id) => !attempt.some((d) => d.id === id));
        const retake = drawAttempt(thirteen, 10, second, timesSeenIn([{ drawn: attempt }])).map((d) => d.id);
        return left.length === 3 && left.every((id) => retake.includes(id));
      }));
    });

    it('counts how many earlier attempts drew each question', () => {
      expect(timesSeenIn([{ drawn: [{ id: 'a' }, { id: 'b' }] }, { drawn: [{ id: 'a' }] }])).toEqual({ a: 2, b: 1 });
    });
  });

  describe('after a fail', () => {
    const page = (markdown: string) => ({ id: 'p', en: { title: 'P', markdown }, cy: { title: 'P', markdown } });
    const module = {
      manifest: { outcomes: [{ id: 'o1', text: { en: 'One', cy: 'Un' } }, { id: 'o2', text: { en: 'Two', cy: 'Dau' } }, { id: 'o3', text: { en: 'Three', cy: 'Tri' } }] },
      pages: [page('Intro.[^r1]'), page('Two.[^r2]\n\n::check{id=k3}'), page('More on one.[^r1][^r9]')],
      checks: [question('k3', 'o3', ['a'])],
      questions: [question('q1', 'o1', ['a']), { ...question('q2', 'o2', ['a']), reference: 'r2' }, { ...question('q3', 'o3', ['a']), reference: 'r7' }],
    } as unknown as LearningModule;

    it('names the outcomes missed, in the module\'s order, with the pages citing the missed questions\' sources', () => {
      const result = { perQuestion: [{ id: 'q2', correct: false, chosen: [] }, { id: 'q1', correct: false, chosen: [] }] };
      expect(outcomesToRevisit(module, result)).toEqual([{ outcomeId: 'o1', pages: [1, 3] }, { outcomeId: 'o2', pages: [2] }]);
    });

    it('falls back to the pages whose knowledge checks practise the outcome when no page cites the source', () => {
      expect(outcomesToRevisit(module, { perQuestion: [{ id: 'q3', correct: false, chosen: [] }] })).toEqual([{ outcomeId: 'o3', pages: [2] }]);
    });

    it('names nothing when every answer was right', () => {
      expect(outcomesToRevisit(module, { perQuestion: [{ id: 'q1', correct: true, chosen: ['a'] }] })).toEqual([]);
    });
  });
});
