// Funded places through the web, on every database engine: an education lead
// records a module and an open intake by form; two staff apply (the statement's
// word limit is checked on the server and the error names the field), their
// line manager is emailed and supports both; two reviewers score blind (the
// page never shows the name or organisation); the allocation runs and emails
// an offer and a result; the offered person declines and the reserve is
// offered by email; the reserve accepts; an outcome is recorded by CSV and
// My learning shows the credits; the enrolment list and reports download.

import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

describe.each(engines)('funded places on the web on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let reviewerA: SignedIn;
  let reviewerB: SignedIn;
  let manager: SignedIn;
  let first: SignedIn;
  let second: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string | string[]> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const subjectsTo = async (userId: string) =>
    (await t.app.database.db.selectFrom('email_messages').select('subject').where('user_id', '=', userId).orderBy('created_at').execute()).map((r) => r.subject);

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const boss = buildStaffRow({ firstName: 'Mair', lastName: 'Hughes', organisationCode: '7A7' });
    const a = buildStaffRow({ firstName: 'Ceri', lastName: 'Morgan', organisationCode: '7A7', jobRole: 'Pharmacist', staffGroup: 'Add Prof Scientific and Technic', lineManagerAssignmentNumber: boss.assignmentNumber });
    const b = buildStaffRow({ firstName: 'Dylan', lastName: 'Price', organisationCode: '7A1', jobRole: 'Staff Nurse', staffGroup: 'Nursing and Midwifery Registered', band: '6', lineManagerAssignmentNumber: boss.assignmentNumber });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, a, b]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id;
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    reviewerA = await signedIn(t.app, [{ role: 'funded-reviewer', organisationCode: null }]);
    reviewerB = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    manager = await signedIn(t.app, [{ role: 'learner', organisationCode: null }, { role: 'line-manager', organisationCode: '7A7' }, { role: 'line-manager', organisationCode: '7A1' }], { staffId: await staffId(boss), displayName: 'Mair Hughes' });
    first = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: await staffId(a), displayName: 'Ceri Morgan' });
    second = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: await staffId(b), displayName: 'Dylan Price' });
    await t.app.database.db.updateTable('users').set({ language: 'cy' }).where('id', '=', second.userId).execute();
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('runs an intake from module to outcome', async () => {
    // The lead records a module; a missing Welsh title is named.
    const moduleForm = {
      provider: 'Cardiff University', code: 'ILLUSTRATIVE-PGX', titleEn: 'Pharmacogenomics', titleCy: '', credits: '20', fheqLevel: '7', mode: 'distance',
      entryEn: 'A degree.', entryCy: 'Gradd.', outcomesEn: 'Outcomes.', outcomesCy: 'Deilliannau.', literacyLevel: 'advanced', competencies: 'pharmacogenomics-foundations', providerUrl: 'https://www.cardiff.ac.uk/', illustrative: 'yes',
    };
    const refused = await post(lead, '/admin/funded/modules', moduleForm);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Enter the Title (Welsh)');
    // Competencies are chosen from the framework (checkboxes), never free text.
    const unknownCompetency = await post(lead, '/admin/funded/modules', { ...moduleForm, titleCy: 'Ffarmacogenomeg', competencies: ['pharmacogenomics-foundations', 'made-up'] });
    expect(unknownCompetency.statusCode).toBe(400);
    expect(unknownCompetency.body).toContain('Choose competencies from the framework');
    expect((await get(lead, '/admin/funded/modules/new')).body).toContain('Explain how inherited variation changes medicine response (Foundation)');
    expect((await post(lead, '/admin/funded/modules', { ...moduleForm, titleCy: 'Ffarmacogenomeg' })).statusCode).toBe(303);
    const moduleId = (await t.app.database.db.selectFrom('funded_modules').select('id').executeTakeFirstOrThrow()).id;
    const today = new Date().toISOString().slice(0, 10);
    const created = await post(lead, '/admin/funded/intakes', {
      moduleId, startsOn: '2031-01-20', opensOn: today, closesOn: '2031-01-01', places: '1', reserved: '', 'weight-service-need': '2', 'weight-role-fit': '1',
      'weight-career-stage': '0', 'weight-widening-participation': '0', 'weight-welsh-language': '0', rule: 'score-only', apportionment: 'sainte-lague',
      seed: 'web-test', reviewers: '2', threshold: '5', offerDays: '14', wordLimit: '50', feePerPlace: '1500', status: 'open', illustrative: 'yes',
    });
    expect(created.statusCode).toBe(303);
    const intakeId = (created.headers.location ?? '').split('/')[4]?.split('?')[0] ?? '';
    expect((await get(first, '/funded')).body).toContain('Pharmacogenomics');

    // Applying: the form is prefilled from the directory; too many words is refused, naming the field.
    const form = await get(first, `/funded/intakes/${intakeId}/apply`);
    expect(form.body).toContain('Pharmacist');
    expect(form.body).toContain('Mair Hughes');
    const long = await post(first, `/funded/intakes/${intakeId}/apply`, { statement: 'word '.repeat(60), serviceBenefit: 'x', priorLearning: '', action: 'submit' });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Personal statement must be 50 words or fewer; it has 60');
    expect((await post(first, `/funded/intakes/${intakeId}/apply`, { statement: 'I dispense every day.', serviceBenefit: 'Safer prescribing.', priorLearning: '', action: 'save' })).statusCode).toBe(303);
    const submitted = await post(first, `/funded/intakes/${intakeId}/apply`, { statement: 'I dispense every day.', serviceBenefit: 'Safer prescribing.', priorLearning: '', action: 'submit' });
    expect(submitted.headers.location).toMatch(/^\/funded\/applications\/[0-9a-f-]{36}\?done=submitted$/);
    const firstApp = (submitted.headers.location ?? '').split('/')[3]?.split('?')[0] ?? '';
    const welsh = await post(second, `/cy/funded/intakes/${intakeId}/apply`, { statement: 'Rwy’n nyrs.', serviceBenefit: 'Gofal gwell.', priorLearning: '', action: 'submit' });
    const secondApp = (welsh.headers.location ?? '').split('/')[4]?.split('?')[0] ?? '';
    expect((await subjectsTo(manager.userId))).toEqual(['Ceri Morgan asks for your support: Pharmacogenomics', 'Dylan Price asks for your support: Pharmacogenomics']);

    // The manager supports both; a missing study time is named.
    expect((await post(manager, `/funded/manager/${firstApp}`, { decision: 'support', studyTime: '' })).body).toContain('Enter the study time agreed');
    for (const id of [firstApp, secondApp]) expect((await post(manager, `/funded/manager/${id}`, { decision: 'support', studyTime: 'Friday afternoons' })).statusCode).toBe(303);
    expect((await get(first, `/funded/manager/${firstApp}`)).statusCode).toBe(404);

    // Blind review: no name, no organisation.
    const queue = await get(reviewerA, `/funded/review/${intakeId}`);
    expect(queue.body).toContain(firstApp.slice(0, 8).toUpperCase());
    const page = await get(reviewerA, `/funded/review/${intakeId}/${firstApp}`);
    expect(page.body).toContain('I dispense every day.');
    expect(page.body).not.toContain('Ceri');
    expect(page.body).not.toContain('Powys');
    // No prior learning given: no empty heading for it.
    expect(page.body).toContain('>How the module will serve your service</h2>');
    expect(page.body).not.toContain('>Prior learning</h2>');
    for (const reviewer of [reviewerA, reviewerB]) {
      expect((await post(reviewer, `/funded/review/${intakeId}/${firstApp}`, { 'score-service-need': '5', 'score-role-fit': '4' })).statusCode).toBe(303);
      expect((await post(reviewer, `/funded/review/${intakeId}/${secondApp}`, { 'score-service-need': '3', 'score-role-fit': '3' })).statusCode).toBe(303);
    }
    // The lead's page hides names until the allocation has run.
    expect((await get(lead, `/admin/funded/intakes/${intakeId}`)).body).not.toContain('Ceri Morgan');
    expect((await post(lead, `/admin/funded/intakes/${intakeId}/allocate`)).statusCode).toBe(303);
    const result = await get(lead, `/admin/funded/intakes/${intakeId}`);
    expect(result.body).toContain('Ceri Morgan');
    expect(result.body).toContain('<svg role="img" aria-label="Places offered by organisation"');
    expect((await subjectsTo(first.userId)).at(-1)).toBe('Offer of a funded place: Pharmacogenomics');
    expect((await subjectsTo(second.userId)).at(-1)).toBe('Eich cais: Ffarmacogenomeg');
    const why = await get(second, `/cy/funded/applications/${secondApp}`);
    expect(why.body).toContain('Ar y rhestr wrth gefn');

    // The first declines; the reserve is offered by email and accepts.
    expect((await post(first, `/funded/applications/${firstApp}/respond`, { answer: 'decline' })).headers.location).toContain('done=declined');
    expect((await subjectsTo(second.userId)).at(-1)).toBe('Cynnig lle a ariennir: Ffarmacogenomeg');
    expect((await post(second, `/cy/funded/applications/${secondApp}/respond`, { answer: 'accept' })).headers.location).toContain('done=accepted');

    const csv = await get(lead, `/admin/funded/intakes/${intakeId}/enrolment.csv`);
    expect(csv.body).toContain('Dylan Price');
    expect(csv.body).not.toContain('Ceri Morgan');
    expect((await get(lead, `/admin/funded/intakes/${intakeId}`)).body).toContain('£1,500');

    // Outcome by CSV; an unknown reference is named by line.
    const bad = await post(lead, `/admin/funded/intakes/${intakeId}/outcomes`, { csv: 'reference,outcome,credits\nNOPE,completed,20' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Line 2:');
    // The same as a file upload (multipart: this route is on the upload list). All or nothing: a good
    // line with two bad ones records nothing, and the bad lines are named.
    const upload = (content: string) => {
      const body = multipart({ _csrf: lead.csrf, csv: '' }, { name: 'csvFile', filename: 'outcomes.csv', content });
      return t.app.inject({ method: 'POST', url: `/admin/funded/intakes/${intakeId}/outcomes`, headers: { cookie: lead.cookie, accept: 'text/html', ...body.headers }, payload: body.payload });
    };
    const badFile = await upload(`reference,outcome,credits\r\n${secondApp.slice(0, 8)},completed,20\r\nNOPE,completed,20\r\n${secondApp.slice(0, 8)},passed,20\r\n`);
    expect(badFile.statusCode).toBe(400);
    expect(badFile.body).toContain('Line 4:');
    expect(badFile.body).toContain('href="#csvFile"');
    expect((await t.app.database.db.selectFrom('funded_applications').select('outcome').where('id', '=', secondApp).executeTakeFirst())?.outcome).toBeNull();
    const notText = await upload('\u0000\u0001\u0002');
    expect(notText.statusCode).toBe(400);
    // Another funded route takes no file: refused before it is read.
    const elsewhere = multipart({ _csrf: lead.csrf });
    expect((await t.app.inject({ method: 'POST', url: `/admin/funded/intakes/${intakeId}/allocate`, headers: { cookie: lead.cookie, accept: 'text/html', ...elsewhere.headers }, payload: elsewhere.payload })).statusCode).toBe(415);
    expect((await upload(`\uFEFFreference,outcome,credits\r\n${secondApp.slice(0, 8)},completed,20\r\n`)).statusCode).toBe(303);
    const learning = await get(second, '/cy/my-learning');
    expect(learning.body).toContain('Ffarmacogenomeg');
    expect(learning.body).toContain('20 credyd');
    // The module maps to advanced: the completion raises Dylan's level (no Genomeg module done) in My learning,
    // the manager's team page, the kept insights aggregates, and covers the module's competency.
    expect(learning.body).toContain('Eich lefel: Uwch');
    expect(learning.body).toContain('Esbonio sut mae amrywiad etifeddol yn newid ymateb i feddyginiaeth');
    const levelKept = async () => (await t.app.database.db.selectFrom('insights_staff').innerJoin('users', 'users.staff_id', 'insights_staff.staff_id')
      .select('insights_staff.level').where('users.id', '=', second.userId).executeTakeFirst())?.level;
    expect(await levelKept()).toBe('advanced');
    const secondStaffId = (await t.app.database.db.selectFrom('users').select('staff_id').where('id', '=', second.userId).executeTakeFirstOrThrow()).staff_id ?? '';
    const team = await get(manager, '/team?sort=name');
    expect(team.body).toMatch(/Dylan Price<\/a>[\s\S]*?Literacy level <\/span>Advanced<\/td>/);
    expect(team.body).toMatch(/Ceri Morgan<\/a>[\s\S]*?Literacy level <\/span>Not yet at awareness<\/td>/);
    const member = await get(manager, `/team/${secondStaffId}`);
    expect(member.body).toContain('Level: Advanced');
    expect(member.body).toContain('Explain how inherited variation changes medicine response');
    expect((await get(second, '/funded')).statusCode).toBe(200);
    // A correction by the form (the university says Dylan withdrew) takes the level away again everywhere.
    expect((await post(lead, `/admin/funded/intakes/${intakeId}/outcomes`, { applicationId: secondApp, outcome: 'withdrawn', credits: '' })).statusCode).toBe(303);
    expect((await get(second, '/my-learning')).body).toContain('Your level: Not yet at awareness');
    expect(await levelKept()).toBe('none');
    expect((await get(manager, '/team.csv')).body).toMatch(/Dylan Price,.*,Not yet at awareness\r\n/);
    // The learning record follows: the "passed" statement is voided by the correction.
    const outcomeStatements = async () => (await t.app.database.db.selectFrom('xapi_statements').select(['statement_json', 'voided', 'is_voiding'])
      .where((eb) => eb.or([eb('object_activity_id', 'like', '%/msc-modules/ILLUSTRATIVE-PGX'), eb('is_voiding', '=', true)])).orderBy('seq').execute())
      .map((r) => `${(JSON.parse(r.statement_json) as { verb: { id: string } }).verb.id.split('/').at(-1) ?? ''}${r.voided === true || r.voided === 1 ? ' (voided)' : ''}`);
    expect(await outcomeStatements()).toEqual(['passed (voided)', 'voided']);
    expect((await post(lead, `/admin/funded/intakes/${intakeId}/outcomes`, { applicationId: secondApp, outcome: 'completed', credits: '20' })).statusCode).toBe(303);
    expect(await levelKept()).toBe('advanced');
    expect(await outcomeStatements()).toEqual(['passed (voided)', 'voided', 'passed']);
    const statements = await t.app.database.db.selectFrom('xapi_statements').select(['object_activity_id', 'statement_json']).execute();
    const outcome = statements.find((s) => s.object_activity_id?.endsWith('/msc-modules/ILLUSTRATIVE-PGX'));
    expect(outcome?.statement_json).toContain('http://adlnet.gov/expapi/verbs/passed');

    // The completion rate observed per module, on the reports page and offered to the workforce planner.
    const reportPage = await get(lead, '/admin/funded/reports');
    expect(reportPage.body).toContain('Observed completion rate by module');
    expect(reportPage.body).toMatch(/Pharmacogenomics<\/td><td class="nhsuk-table__cell">1<\/td><td class="nhsuk-table__cell">1<\/td><td class="nhsuk-table__cell">100%/);
    // Widening participation: two applicants, so every count is "fewer than 5", in both languages and in the CSV.
    expect(reportPage.body).toContain('Widening participation');
    expect(reportPage.body).toContain('Part-time (under 1.0 WTE)');
    expect(reportPage.body).toMatch(/Total<\/th><td class="nhsuk-table__cell">fewer than 5<\/td><td class="nhsuk-table__cell">fewer than 5</);
    expect((await get(lead, '/cy/admin/funded/reports')).body).toContain('llai na 5');
    const wideningCsv = (await get(lead, '/admin/funded/reports.csv?by=band')).body;
    expect(wideningCsv).toContain('Hours,Applications');
    expect(wideningCsv).toContain('Total,fewer than 5,fewer than 5');
    const planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    const saved = await post(planner, '/plan/scenarios', { source: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    const edit = await get(planner, `${String(saved.headers.location)}/edit`);
    expect(edit.body).toContain('Observed completion rate from funded places: 100% (1 person).');
    expect((await get(planner, `/cy${String(saved.headers.location)}/edit`)).body).toContain('Cyfradd cwblhau a welwyd o leoedd a ariennir: 100% (1 person).');

    const report = await get(lead, '/admin/funded/reports.csv?by=organisation');
    expect(report.body).toContain('Powys');
    const xlsx = await get(lead, '/admin/funded/reports.xlsx?by=profession');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const wide = book.getWorksheet('Widening participation');
    expect(wide?.getRow(1).values).toEqual([undefined, 'Pay band', 'Applications', 'Offered']);
    expect(JSON.stringify(wide?.getSheetValues())).toContain('fewer than 5');

    // A module that maps to no literacy level: stored as none, shown so on its form, in both languages.
    expect((await post(lead, '/admin/funded/modules', { ...moduleForm, code: 'ILLUSTRATIVE-NONE', titleCy: 'Dim lefel', literacyLevel: 'none', competencies: [] })).statusCode).toBe(303);
    const none = await t.app.database.db.selectFrom('funded_modules').select(['id', 'literacy_level', 'competencies']).where('code', '=', 'ILLUSTRATIVE-NONE').executeTakeFirstOrThrow();
    expect(none).toMatchObject({ literacy_level: '', competencies: '' });
    expect((await get(lead, `/admin/funded/modules/${none.id}`)).body).toMatch(/<option value="none" selected>Does not map to a literacy level<\/option>/);
    expect((await get(lead, `/cy/admin/funded/modules/${none.id}`)).body).toContain('Nid yw’n cyfateb i lefel llythrennedd');
  }, 120_000);
});
