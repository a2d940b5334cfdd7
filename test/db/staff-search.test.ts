import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, migratorFor, type DatabaseHandle } from '../../src/db/database.js';
import { StaffStore } from '../../src/db/stores/staff-store.js';
import { foldForSearch, searchTerms } from '../../src/domain/staff/index.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';

describe('folding a search', () => {
  it('drops Welsh and other accents, case and punctuation', () => {
    expect(foldForSearch("Siân Llŷr Gwenllïan O'Neill Anaïs ŵ")).toBe('sian llyr gwenllian o neill anais w');
    expect(searchTerms('  SIAN  siân 2000-01 ')).toEqual(['sian', '2000', '01']);
    expect(searchTerms('%_"*')).toEqual([]);
  });
});

describe.each(engines)('staff search on $name', (engine) => {
  let handle: DatabaseHandle;
  let staff: StaffStore;
  const sianWithAccent = buildStaffRow({ organisationCode: '7A7', firstName: 'Siân', lastName: 'Ap Iorwerth', assignmentNumber: '31415926' });
  const sianWithout = buildStaffRow({ organisationCode: '7A7', firstName: 'Sian', lastName: 'Llewellyn', assignmentNumber: '31415999' });
  const elsewhere = buildStaffRow({ organisationCode: '7A2', firstName: 'Siân', lastName: 'Bowen', assignmentNumber: '31415000' });
  const other = buildStaffRow({ organisationCode: '7A7', firstName: 'Llŷr', lastName: 'Vaughan', assignmentNumber: '27182818' });

  const names = async (search: string, organisationCodes: 'all' | string[] = 'all') =>
    (await staff.list({ organisationCodes, search })).members.map((m) => `${m.firstName} ${m.lastName}`).sort();

  beforeAll(async () => {
    handle = await engine.open();
    staff = StaffStore.create(handle.db);
    const outcome = await importStaffExtract(staff, { text: staffCsv([sianWithAccent, sianWithout, elsewhere, other]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    expect(outcome.status).toBe('applied');
  });
  afterAll(async () => { await handle.close(); });

  it('finds names with and without diacritics whichever way the search is typed', async () => {
    expect(await names('Sian')).toEqual(['Sian Llewellyn', 'Siân Ap Iorwerth', 'Siân Bowen']);
    expect(await names('siân')).toEqual(['Sian Llewellyn', 'Siân Ap Iorwerth', 'Siân Bowen']);
    expect(await names('llyr')).toEqual(['Llŷr Vaughan']);
    expect(await names('LLŶR VAUG')).toEqual(['Llŷr Vaughan']);
    expect(await names('sian iorw')).toEqual(['Siân Ap Iorwerth']);
  });

  it('finds a post from the start of its assignment number, and the whole number', async () => {
    expect(await names('314159')).toEqual(['Sian Llewellyn', 'Siân Ap Iorwerth']);
    expect(await names('31415926')).toEqual(['Siân Ap Iorwerth']);
    expect(await names('2718')).toEqual(['Llŷr Vaughan']);
  });

  it('keeps to the organisations the reader may see', async () => {
    expect(await names('sian', ['7A7'])).toEqual(['Sian Llewellyn', 'Siân Ap Iorwerth']);
    expect(await names('31415000', ['7A7'])).toEqual([]);
    expect(await names('bowen', ['7A7'])).toEqual([]);
    expect((await staff.list({ organisationCodes: ['7A7'], search: 'sian' })).total).toBe(2);
    expect(await names('bowen', ['7A2'])).toEqual(['Siân Bowen']);
  });

  it('finds an address whole, and nothing for a search of punctuation only', async () => {
    expect(await names(sianWithout.email.toUpperCase())).toEqual(['Sian Llewellyn']);
    expect(await names('%_*"')).toEqual([]);
  });

  it('follows an import that renames someone, and counts the matches', async () => {
    const outcome = await importStaffExtract(staff, { text: staffCsv([{ ...other, firstName: 'Gwenllïan' }]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    expect(outcome.status).toBe('applied');
    expect(await names('llyr')).toEqual([]);
    expect(await names('gwenllian')).toEqual(['Gwenllïan Vaughan']);
    expect((await staff.list({ organisationCodes: 'all', search: 'sian' })).total).toBe(3);
  });
});

describe.each(engines)('migration 0010 on $name', (engine) => {
  it('fills the search text of people stored before it, and can be undone and done again', async () => {
    const handle = await engine.open();
    try {
      const migrator = migratorFor(handle);
      const down = await migrator.migrateTo('0009-statement-compression');
      expect(down.error).toBeUndefined();
      const now = new Date().toISOString();
      await sql`insert into staff (id, employee_number, assignment_number, first_name, last_name, email, organisation_code, staff_group_code, job_role, band_code, wte, assignment_start_date, age_band, line_manager_assignment_number, active, left_at, created_at, updated_at)
        values ('before-0010', '1', '99887766', 'Llŷr', 'Ap Gwilym', null, '7A7', 'Healthcare Scientists', 'Genetic Technologist', '6', 1, '2020-01-01', '35-39', null, ${true}, null, ${now}, ${now})`.execute(handle.db);
      await migrateToLatest(handle);
      const staff = StaffStore.create(handle.db);
      const found = await staff.list({ organisationCodes: ['7A7'], search: 'llyr gwil' });
      expect(found.members.map((m) => m.id)).toEqual(['before-0010']);
      expect((await staff.list({ organisationCodes: 'all', search: '998877' })).total).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
