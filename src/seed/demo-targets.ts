// Illustrative literacy targets for the demo (not HEIW's: figures invented for
// the demo, and marked illustrative on every page that shows them), shaped
// like the example in issue 18: 80% of registered staff at awareness by March 2028.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { InsightsTargetStore } from '../db/stores/insights-target-store.js';

const TARGETS = [
  { staffGroupCode: 'nursing-midwifery', level: 'awareness', percent: 80, dueOn: '2028-03-31' },
  { staffGroupCode: 'medical-dental', level: 'awareness', percent: 80, dueOn: '2028-03-31' },
  { staffGroupCode: 'healthcare-scientists', level: 'foundation', percent: 60, dueOn: '2028-03-31' },
  { staffGroupCode: 'ahp', level: 'awareness', percent: 50, dueOn: '2027-09-30' },
] as const;

export async function seedDemoTargets(db: Kysely<Database>): Promise<number> {
  const store = InsightsTargetStore.create(db);
  for (const t of TARGETS) await store.add({ ...t, illustrative: true }, null);
  return TARGETS.length;
}
