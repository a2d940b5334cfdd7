// Staff search at real sizes (issue 13, item 7): `staff.search_text` holds each
// person's names and assignment number with accents folded, and an index over it
// answers a search without reading every row (the old query lower-cased and
// scanned two columns of the whole table: 0.5–1 s at 100,000 staff on SQLite,
// blocking every other request). The folding is done by the application
// (domain/staff/search.ts), not by a database extension, so both engines hold
// the same text and match alike. The staff store writes the column on every
// import; existing rows are filled in here.

import { sql, type Kysely, type Migration } from 'kysely';
import { dropStaffSearchIndexStatements, staffSearchIndexStatements } from '../dialect.js';
import { staffSearchText } from '../../domain/staff/search.js';

const BATCH = 1000;

async function fillSearchText(db: Kysely<unknown>): Promise<void> {
  for (let offset = 0; ; offset += BATCH) {
    const rows = await sql<{ id: string; first_name: string; last_name: string; assignment_number: string }>`
      select id, first_name, last_name, assignment_number from staff order by id limit ${BATCH} offset ${offset}`.execute(db);
    if (rows.rows.length === 0) return;
    const values = sql.join(rows.rows.map((r) => sql`(${r.id}, ${staffSearchText({ firstName: r.first_name, lastName: r.last_name, assignmentNumber: r.assignment_number })})`));
    await sql`update staff set search_text = v.column2 from (values ${values}) as v where staff.id = v.column1`.execute(db);
  }
}

export const staffSearch: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table staff add column search_text text not null default ''`.execute(db);
    await fillSearchText(db);
    for (const statement of staffSearchIndexStatements(db)) await sql.raw(statement).execute(db);
    // The directory's first page without a search, in name order: read from the index, not sorted whole each time.
    await db.schema.createIndex('staff_name_order').on('staff').columns(['last_name', 'first_name', 'assignment_number']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('staff_name_order').ifExists().execute();
    for (const statement of dropStaffSearchIndexStatements(db)) await sql.raw(statement).execute(db);
    await sql`alter table staff drop column search_text`.execute(db);
  },
};
