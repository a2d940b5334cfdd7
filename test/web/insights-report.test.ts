// The board report (issue 18): who may make one for which organisation, the
// form sending the reader to the report in the language chosen, the figures at
// the quarter's start and end from real completions on both engines, the PDF
// naming the organisation and quarter, and no count under 5 anywhere.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { addDays, calendarDateIn } from '../../src/domain/learning/index.js';
import { offeredOf, refreshInsights } from '../../src/services/insights/aggregates.js';
import { parseQuarter, quarterDays, quarterKey, recentQuarters } from '../../src/services/insights/board-report.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

/** Every count in a page's table cells: none may be under 5 (percentages aside). */
function countsIn(html: string): number[] {
  return [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => (m[1] ?? '').trim())
    .filter((cell) => /^\d[\d,]*$/.test(cell)).map((cell) => Number(cell.replace(/,/g, '')));
}

/** A PDF's document-information string: pdfkit writes ASCII as is and anything else as UTF-16BE. */
function pdfHas(pdf: Buffer, text: string): boolean {
  if (pdf.toString('latin1').includes(`(${text})`)) return true;
  const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  return pdf.includes(utf16);
}

describe('quarters', () => {
  it('reads a quarter and gives its first and last days', () => {
    expect(parseQuarter('2026 Q3')).toEqual({ year: 2026, quarter: 3 });
    expect(parseQuarter('2026-q4')).toEqual({ year: 2026, quarter: 4 });
    expect(parseQuarter('2026-Q5')).toBeNull();
    expect(quarterDays({ year: 2026, quarter: 1 })).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(quarterDays({ year: 2024, quarter: 4 })).toEqual({ start: '2024-10-01', end: '2024-12-31' });
    expect(recentQuarters('2026-02-10', 3).map(quarterKey)).toEqual(['2026-Q1', '2025-Q4', '2025-Q3']);
  });
});

describe.each(engines)('the board report on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn; let platformAdmin: SignedIn; let orgAdmin: SignedIn; let manager: SignedIn; let learner: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  // The last full quarter: nobody at awareness at its start, the 8 who completed in it at its end.
  const last = recentQuarters(calendarDateIn(new Date()))[1] ?? { year: 2026, quarter: 1 };
  const key = quarterKey(last);
  const englishQuarter = `${String(last.year)} Q${String(last.quarter)}`;
  const welshQuarter = `Chwarter ${String(last.quarter)} ${String(last.year)}`;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const boss = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen', staffGroup: 'Administrative and Clerical', jobRole: 'Manager' });
    const admins = Array.from({ length: 12 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Admin${String(i)}`, lastName: 'Jones', staffGroup: 'Administrative and Clerical', jobRole: 'Administrator', band: '4', lineManagerAssignmentNumber: boss.assignmentNumber }));
    const scientists = Array.from({ length: 6 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Sci${String(i)}`, lastName: 'Hughes' }));
    const swansea = Array.from({ length: 3 }, (_, i) => buildStaffRow({ organisationCode: '7A3', firstName: `Abertawe${String(i)}`, lastName: 'Evans' }));
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, ...admins, ...scientists, ...swansea]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const idOf = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    const completedAt = new Date(`${addDays(quarterDays(last).start, 20)}T10:00:00Z`);
    for (const [i, row] of admins.slice(0, 8).entries()) {
      const user = await t.app.stores.users.create({ email: `report${String(i)}-${engine.name}@test.genomeg.test`, displayName: 'Done', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: await idOf(row) }, null);
      await t.database.db.insertInto('module_completions').values({
        user_id: user.id, module_id: SAMPLE, module_version: '1.0.0', attempt_id: `r${String(i)}`, score: 1, cpd_hours: 0.5, language: 'en', completed_at: completedAt,
      }).execute();
    }
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    platformAdmin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    orgAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: await idOf(boss) });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await refreshInsights(t.database.db, offeredOf(t.app.content.modules));
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('lets education leads and platform administrators report on any organisation, an organisation administrator only their own, and refuses others', async () => {
    for (const who of [lead, platformAdmin]) {
      for (const org of ['7A7', '7A3']) expect((await get(who, `/insights/report/view?org=${org}&quarter=${key}`)).statusCode).toBe(200);
    }
    expect((await get(orgAdmin, `/insights/report/view?org=7A7&quarter=${key}`)).statusCode).toBe(200);
    expect((await get(orgAdmin, `/insights/report/view?org=7A3&quarter=${key}`)).statusCode).toBe(403);
    expect((await get(orgAdmin, `/insights/report.pdf?org=7A3&quarter=${key}`)).statusCode).toBe(403);
    for (const who of [manager, learner]) {
      expect((await get(who, '/insights/report')).statusCode).toBe(403);
      expect((await get(who, `/insights/report/view?org=7A7&quarter=${key}`)).statusCode).toBe(403);
      expect((await get(who, `/insights/report.pdf?org=7A7&quarter=${key}`)).statusCode).toBe(403);
    }
    // The form offers an organisation administrator only their organisation.
    const form = await get(orgAdmin, '/insights/report');
    expect(form.body).toContain('value="7A7"');
    expect(form.body).not.toContain('value="7A3"');
    expect((await get(lead, '/insights/report')).body).toContain('value="7A3"');
  });

  it('sends the form to the report in the language chosen, and asks again for what is missing', async () => {
    const english = await get(lead, `/insights/report?org=7A7&quarter=${key}&language=en`);
    expect(english.statusCode).toBe(303);
    expect(english.headers.location).toBe(`/insights/report/view?org=7A7&quarter=${key}`);
    const welsh = await get(lead, `/insights/report?org=7A7&quarter=${key}&language=cy`);
    expect(welsh.headers.location).toBe(`/cy/insights/report/view?org=7A7&quarter=${key}`);
    const missing = await get(lead, '/insights/report?org=&quarter=2099-Q1&language=en');
    expect(missing.statusCode).toBe(200);
    expect(missing.body).toContain('Choose an organisation');
    expect(missing.body).toContain('Choose a quarter that has started');
  });

  it('shows the levels at the quarter\'s start and end, what moved people, in English and Welsh, with no count under 5', async () => {
    const page = await get(lead, `/insights/report/view?org=7A7&quarter=${key}`);
    expect(page.body).toContain('Powys Teaching Health Board');
    expect(page.body).toContain(englishQuarter);
    expect(page.body).toContain('<svg role="img"');
    // 19 people: none at awareness at the start, 8 at the end; the module moved 8.
    expect(page.body).toMatch(/<th scope="row" class="nhsuk-table__header">Awareness<\/th><td[^>]*>fewer than 5<\/td><td[^>]*>[^<]*<\/td><td[^>]*>8<\/td><td[^>]*>42%<\/td>/);
    expect(page.body).toMatch(/<th scope="row" class="nhsuk-table__header">Sample: genes and DNA<\/th><td[^>]*>8<\/td>/);
    expect(page.body).not.toContain('Jones');
    const welsh = await get(lead, `/cy/insights/report/view?org=7A7&quarter=${key}`);
    expect(welsh.statusCode).toBe(200);
    expect(welsh.body).toContain('Bwrdd Iechyd Addysgu Powys');
    expect(welsh.body).toContain(welshQuarter);
    expect(welsh.body).toContain('Adroddiad i&#39;r bwrdd ar lythrennedd genomig');
    for (const body of [page.body, welsh.body, (await get(lead, `/insights/report/view?org=7A3&quarter=${key}`)).body]) {
      const counts = countsIn(body);
      expect(counts.length + (body.match(/fewer than 5|llai na 5/g)?.length ?? 0)).toBeGreaterThan(0);
      expect(counts.filter((n) => n < 5)).toEqual([]);
    }
    expect((await get(lead, `/insights/report/view?org=7A3&quarter=${key}`)).body).toMatch(/<td[^>]*>fewer than 5<\/td>/);
  });

  it('gives the same report as a PDF naming the organisation and the quarter, in either language', async () => {
    const pdf = await get(lead, `/insights/report.pdf?org=7A7&quarter=${key}`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfHas(pdf.rawPayload, 'Genomic literacy board report: Powys Teaching Health Board')).toBe(true);
    expect(pdfHas(pdf.rawPayload, englishQuarter)).toBe(true);
    const welsh = await get(orgAdmin, `/cy/insights/report.pdf?org=7A7&quarter=${key}`);
    expect(welsh.statusCode).toBe(200);
    expect(pdfHas(welsh.rawPayload, "Adroddiad i'r bwrdd ar lythrennedd genomig: Bwrdd Iechyd Addysgu Powys")).toBe(true);
    expect(pdfHas(welsh.rawPayload, welshQuarter)).toBe(true);
  });
});
