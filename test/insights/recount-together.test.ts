// A rebuild of the insights aggregates and the refresh job's pass over
// everyone, at the same moment (an administrator's `genomeg insights rebuild`
// while the job runs; a test's rebuild while the app's job makes its first
// pass). On PostgreSQL the pass used to add people the rebuild had just
// cleared and was about to add again: the rebuild failed on a duplicate key.
// Whole recounts now take turns, and the rebuild replaces a row a live update
// added meanwhile.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { InsightsAggregateStore } from '../../src/db/stores/insights-aggregate-store.js';
import { calendarDateIn, type LiteracyLevelCode } from '../../src/domain/learning/index.js';
import { rebuildInsights, refreshInsights } from '../../src/services/insights/aggregates.js';
import type { ContentLibrary } from '../../src/services/learning/content-library.js';
import { offeredOf } from '../../src/services/insights/aggregates.js';
import { engines } from '../support/engines.js';

const library = { modules: [{ manifest: { id: 'urn:m:a1', level: 'awareness' as LiteracyLevelCode } }] } as unknown as ContentLibrary;
const ORGS = ['7A1', '7A2', '7A3', '7A4'];

describe.each(engines)('whole recounts of the insights at the same moment on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); }, 120_000);
  afterAll(async () => { await handle.close(); });

  it('lets a rebuild and the job\'s pass over everyone run together, both finishing, each person counted once', async () => {
    const db = handle.db;
    const at = new Date();
    let n = 0;
    for (let round = 0; round < 3; round++) {
      // New people each round: nobody kept yet, so both recounts add them.
      const rows = Array.from({ length: 120 }, () => {
        n++;
        return {
          id: `s${String(n)}`, employee_number: `E${String(n)}`, assignment_number: `A${String(n)}`, first_name: 'Test', last_name: `Person ${String(n)}`, email: null,
          organisation_code: ORGS[n % ORGS.length] ?? '7A1', staff_group_code: 'admin-clerical', job_role: 'Administrator', band_code: '3', wte: 1,
          assignment_start_date: calendarDateIn(new Date(at.getTime() - 400 * 86_400_000)), age_band: '35-44', line_manager_assignment_number: null,
          active: true, left_at: null, created_at: at, updated_at: at, search_text: `test person ${String(n)}`,
        };
      });
      for (let i = 0; i < rows.length; i += 40) await db.insertInto('staff').values(rows.slice(i, i + 40)).execute();
      // A new day for the pass each round, so it counts everyone (as the job's first pass of a day does).
      const passDay = new Date(at.getTime() + (round + 1) * 86_400_000);
      const [rebuilt, pass] = await Promise.all([rebuildInsights(db, offeredOf(library.modules), at), refreshInsights(db, offeredOf(library.modules), passDay)]);
      expect(rebuilt).toBe(n);
      expect(pass.scope).toBe('all');
      const kept = await InsightsAggregateStore.create(db).keptStaffIds();
      expect(kept.length).toBe(n);
      expect(new Set(kept).size).toBe(n);
    }
  }, 120_000);
});
