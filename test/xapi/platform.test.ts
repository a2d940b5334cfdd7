import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { XapiStatementStore } from '../../src/db/stores/xapi-statement-store.js';
import { moduleActivityId, platformStatement, validateStatement, type LearningEvent } from '../../src/domain/xapi/index.js';
import { PLATFORM_WRITER, recordLearning } from '../../src/services/xapi/record.js';
import { engines } from '../support/engines.js';

const learner = { userId: 'u-123', displayName: 'Rhian Jones', language: 'cy' as const };
const events: LearningEvent[] = [
  { kind: 'page-viewed', moduleId: 'intro', page: 2 },
  { kind: 'question-answered', moduleId: 'intro', questionId: 'k1', response: 'b', correct: true },
  { kind: 'assessment-submitted', moduleId: 'intro', scaled: 0.6, passed: false, durationSeconds: 600 },
  { kind: 'assessment-submitted', moduleId: 'intro', scaled: 0.85, passed: true },
  { kind: 'module-completed', moduleId: 'intro' },
  { kind: 'webinar-attended', eventId: 'pgx-2026', title: 'Pharmacogenomics webinar' },
  { kind: 'msc-outcome', moduleCode: 'MSC-PGX', passed: true },
  { kind: 'confidence-rated', moduleId: 'intro', competencyId: 'genomic-literacy-basics', phase: 'before', segment: 'specific-need' },
];

describe('platform statements', () => {
  it('are valid xAPI for every kind of learning event', () => {
    for (const e of events) expect(validateStatement(platformStatement(learner, e, new Date('2026-05-01T10:00:00Z'))), e.kind).toEqual([]);
  });
});

describe.each(engines)('platform learning through the LRS on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); });
  afterAll(async () => { await handle.close(); });

  it('records through the same code path and keeps the progress projection', async () => {
    expect((await recordLearning(handle.db, learner, events, new Date('2026-05-01T10:00:00Z'))).status).toBe('stored');
    const progress = await XapiStatementStore.create(handle.db).progress(PLATFORM_WRITER.organisationCode, `account:https://genomeg.nhs.wales|${learner.userId}`);
    expect(progress.find((p) => p.activityId === moduleActivityId('intro'))).toMatchObject({ attempted: true, completed: true, passed: true, bestScore: 0.85 });
    expect(progress.find((p) => p.activityId.endsWith('/events/pgx-2026'))).toMatchObject({ attempted: true, completed: false, passed: null });
  });
});
