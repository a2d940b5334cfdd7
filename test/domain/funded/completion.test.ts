import { describe, expect, it } from 'vitest';
import { observedCompletion, observedCompletionByModule } from '../../../src/domain/funded/completion.js';

describe('observed completion in funded places', () => {
  it('counts completed over final outcomes, leaving out deferrals and people with no outcome yet', () => {
    expect(observedCompletion(['completed', 'completed', 'withdrawn', 'failed', 'deferred', null])).toEqual({ people: 4, completed: 2, rate: 0.5 });
    expect(observedCompletion(['deferred', null])).toEqual({ people: 0, completed: 0, rate: null });
  });

  it('works per module, leaving out modules with no final outcome', () => {
    const byModule = observedCompletionByModule([
      { moduleId: 'pgx', outcome: 'completed' }, { moduleId: 'pgx', outcome: 'completed' }, { moduleId: 'pgx', outcome: 'withdrawn' },
      { moduleId: 'bio', outcome: 'deferred' },
    ]);
    expect([...byModule.keys()]).toEqual(['pgx']);
    expect(byModule.get('pgx')?.rate).toBeCloseTo(2 / 3);
  });
});
