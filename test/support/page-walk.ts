// The data the every-page browser check walks over: a Powys line manager and
// their report (who is the learner, with an overdue requirement, a passed
// module and its certificate), the demo funded places (an open intake, an
// application waiting for review, the learner's own application awaiting their
// manager), a workforce scenario with a finished run, and a
// session for each role. Table routes whose path is a placeholder id get a real
// record here, so the page looked at is the page and not "not found".

import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { buildStaffRow, staffCsv } from './factories.js';
import { EVERYONE, GRANTS, routeCases, type Case, type Who } from './route-table.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { AssessmentStore } from '../../src/db/stores/assessment-store.js';
import { CredentialStore } from '../../src/db/stores/credential-store.js';
import { issueCredential } from '../../src/services/learning/credentials.js';
import { keyEncryptionKey } from '../../src/services/learning/signing-key-secret.js';
import { seedDemoScenarios } from '../../src/seed/demo-scenarios.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { addDays, calendarDateIn } from '../../src/domain/learning/index.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { markAttendance } from '../../src/services/events/attendance.js';
import { offeredOf } from '../../src/services/insights/aggregates.js';
import { FundedStore } from '../../src/db/stores/funded-store.js';
import { seedDemoFunded } from '../../src/seed/demo-funded.js';

export interface PageWalk {
  readonly cases: readonly Case[];
  readonly sessions: ReadonlyMap<Who, { readonly token: string; readonly csrf: string }>;
  readonly realPaths: ReadonlyMap<string, string>;
}

/** Seeds the app's database (before it listens) and starts a session for each role. */
export async function seedPageWalk(app: FastifyInstance): Promise<PageWalk> {
  const manager = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen' });
  const report = buildStaffRow({ organisationCode: '7A7', firstName: 'Lowri', lastName: 'Pritchard-Vaughan-Llewellyn', lineManagerAssignmentNumber: manager.assignmentNumber });
  const other = buildStaffRow({ organisationCode: '7A7', firstName: 'Dafydd', lastName: 'Rees', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5', lineManagerAssignmentNumber: manager.assignmentNumber });
  await importStaffExtract(app.stores.staff, { text: staffCsv([manager, report, other]), fileName: 'seed.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
  const staffId = (await app.stores.staff.findByAssignment(manager.assignmentNumber))?.id ?? '';
  const reportStaffId = (await app.stores.staff.findByAssignment(report.assignmentNumber))?.id ?? '';
  const realPaths = new Map<string, string>();

  const requirements = RequirementStore.create(app.database.db);
  const module = app.content.bySlug('sample-genomics');
  const moduleId = module?.manifest.id ?? 'https://genomeg.wales/xapi/activities/module/sample-genomics';
  const required = await requirements.add({ organisationCode: '7A7', moduleId, staffGroupCodes: [], due: { kind: 'date', date: addDays(calendarDateIn(new Date()), -14) } }, null);
  realPaths.set('/admin/learning/requirements/:id', `/admin/learning/requirements/${required.id}`);
  realPaths.set('/admin/learning/requirements/:id/remove', `/admin/learning/requirements/${required.id}/remove`);

  const sessions = new Map<Who, { token: string; csrf: string }>();
  let powysUserId = '';
  let learnerUserId = '';
  for (const who of EVERYONE) {
    if (who === 'anonymous') continue;
    // The line manager is the manager's staff record; the learner is their report, so both have required learning.
    const staff = who === 'line-manager' ? staffId : who === 'learner' ? reportStaffId : null;
    const user = await app.stores.users.create({ email: `${who}@page-walk.genomeg.test`, displayName: who === 'learner' ? 'Lowri Pritchard-Vaughan-Llewellyn' : `Page Walk ${who}`, passwordHash: null, grants: GRANTS[who], staffId: staff }, null);
    if (who === 'org-admin') powysUserId = user.id;
    if (who === 'learner') learnerUserId = user.id;
    const { token, session } = await app.stores.sessions.start(user.id);
    sessions.set(who, { token, csrf: session.csrfToken });
    if (who === 'learner' && module !== undefined) {
      // The learner has passed the module, so My learning, the certificate and its public page are real.
      const attempts = AssessmentStore.create(app.database.db);
      const version = module.manifest.version;
      const attempt = await attempts.start(user.id, moduleId, version, 1, [], 'en');
      const { completion } = await attempts.submit(user.id, attempt.id, {}, { correct: 1, total: 1, score: 1, passed: true, perQuestion: [] }, module.manifest.cpdHours, 'en');
      if (completion !== null) {
        const credential = await issueCredential(CredentialStore.create(app.database.db), { userId: user.id, learnerName: user.displayName, email: user.email, module, completion, baseUrl: app.config.PUBLIC_URL, keyEncryptionKey: keyEncryptionKey(app.config) });
        realPaths.set('/my-learning/certificates/:id', `/my-learning/certificates/${credential.id}`);
        realPaths.set('/credentials/:id', `/credentials/${credential.id}`);
      }
    }
  }

  // An event whose session has ended, attended by the learner: the attendance pages, the report and "after the event" are real.
  const events = EventStore.create(app.database.db);
  const ended = new Date(Date.now() - 2 * 86_400_000);
  const { event, sessionId } = await events.createEvent({
    title: { en: 'Pharmacogenomics webinar', cy: 'Gweminar ffarmacogenomeg' }, summary: { en: 'Medicines and genes.', cy: 'Meddyginiaethau a genynnau.' },
    description: { en: 'A webinar.', cy: 'Gweminar.' }, topic: 'pharmacogenomics', cpdHours: 1, illustrative: true,
  }, {
    startsAt: ended, endsAt: new Date(ended.getTime() + 3_600_000), delivery: 'online', joinUrl: 'https://teams.example.test/join/walk', venueName: null, venueAddress: null,
    capacity: 10, bookingOpensAt: new Date(ended.getTime() - 7 * 86_400_000), bookingClosesAt: ended, language: 'bilingual',
  }, null);
  await events.setStatus(event.id, 'published', null);
  const booked = await events.book(sessionId, learnerUserId, new Date(ended.getTime() - 86_400_000));
  if (booked.outcome === 'booked') await markAttendance(app.database.db, offeredOf(app.content.modules), event, sessionId, [{ bookingId: booked.booking.id, status: 'attended' }], 'register', null);
  for (const url of ['/events/:id', '/events/:id/after', '/admin/events/:id/attendance', '/admin/events/:id/report']) realPaths.set(url, url.replace(':id', event.id));
  for (const tail of ['', '/import']) realPaths.set(`/admin/events/:id/attendance/:sessionId${tail}`, `/admin/events/${event.id}/attendance/${sessionId}${tail}`);
  {
    // An event needing approval, which the learner has asked for: the line manager's approvals page has a request.
    const start = new Date(Date.now() + 20 * 86_400_000);
    const text = { en: 'Pharmacogenomics in practice: a live webinar', cy: 'Ffarmacogenomeg yn ymarferol: gweminar byw' };
    const { event, sessionId } = await events.createEvent({ title: text, summary: text, description: text, topic: 'pharmacogenomics', cpdHours: 1.5, audienceStaffGroups: ['ahp'], literacyLevel: 'foundation', competencies: ['pharmacogenomics-foundations'], modulesBefore: ['sample-genomics'], approvalRequired: true }, {
      startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), delivery: 'online', joinUrl: 'https://teams.example.test/join/page-walk', venueName: null, venueAddress: null,
      capacity: 20, bookingOpensAt: new Date(Date.now() - 3_600_000), bookingClosesAt: start, language: 'bilingual',
    }, null, [learnerUserId]);
    await events.setStatus(event.id, 'published', null);
    await events.setQuotas(sessionId, [{ organisationCode: '7A7', places: 5, reservedUntil: new Date(start.getTime() - 86_400_000) }], null);
    await events.book(sessionId, learnerUserId);
    realPaths.set('/events/:id', `/events/${event.id}`);
    realPaths.set('/admin/events/:id/edit', `/admin/events/${event.id}/edit`);
  }

  // Funded places from the demo data: an open intake with applications at each stage (one waiting for reviewers), and the
  // learner's own application, submitted to their line manager, so the intake, application, manager and review pages are real.
  await seedDemoFunded(app.database.db, new Date(), 'page-walk.genomeg.test');
  const funded = FundedStore.create(app.database.db);
  const intake = (await funded.listIntakes()).find((i) => i.status === 'open');
  if (intake !== undefined) {
    for (const tail of ['', '/apply']) realPaths.set(`/funded/intakes/:id${tail}`, `/funded/intakes/${intake.id}${tail}`);
    for (const tail of ['', '/edit']) realPaths.set(`/admin/funded/intakes/:id${tail}`, `/admin/funded/intakes/${intake.id}${tail}`);
    realPaths.set('/admin/funded/modules/:id', `/admin/funded/modules/${intake.moduleId}`);
    realPaths.set('/funded/review/:id', `/funded/review/${intake.id}`);
    const waiting = (await funded.applicationsOfIntake(intake.id)).find((a) => a.status === 'supported');
    if (waiting !== undefined) realPaths.set('/funded/review/:id/:applicationId', `/funded/review/${intake.id}/${waiting.id}`);
    const managerUserId = (await app.database.db.selectFrom('users').select('id').where('staff_id', '=', staffId).executeTakeFirst())?.id ?? null;
    const me = await app.database.db.selectFrom('staff').selectAll().where('id', '=', reportStaffId).executeTakeFirstOrThrow();
    const mine = await funded.saveDraft(intake.id, learnerUserId, { staffId: me.id, organisationCode: me.organisation_code, staffGroupCode: me.staff_group_code, bandCode: me.band_code, jobRole: me.job_role, wte: me.wte },
      { statement: 'I want to use pharmacogenomic results safely.', serviceBenefit: 'Fewer adverse drug reactions.', priorLearning: '' }, managerUserId);
    await funded.submit(mine.id, learnerUserId);
    realPaths.set('/funded/applications/:id', `/funded/applications/${mine.id}`);
    realPaths.set('/funded/manager/:id', `/funded/manager/${mine.id}`);
  }

  const scenarios = ScenarioStore.create(app.database.db);
  await seedDemoScenarios(scenarios, 'scenarios');
  const scenario = (await scenarios.listScenarios())[0];
  if (scenario !== undefined) {
    for (const tail of ['', '/edit', '/baseline']) realPaths.set(`/plan/scenarios/:id${tail}`, `/plan/scenarios/${scenario.id}${tail}`);
    // A small run, started as the planner would, so the run page is a real one.
    const planner = sessions.get('workforce-planner');
    const cookie = `${SESSION_COOKIE}=${planner?.token ?? ''}`;
    const started = await app.inject({ method: 'POST', url: `/plan/scenarios/${scenario.id}/runs`, headers: { cookie }, payload: { _csrf: planner?.csrf ?? '', runs: '20', seed: '7' } });
    const runPath = started.headers.location ?? '';
    if (runPath.startsWith('/plan/runs/')) {
      for (let i = 0; i < 480; i++) {
        const { status } = (await app.inject({ method: 'GET', url: `${runPath}/progress.json`, headers: { cookie } })).json<{ status: string }>();
        if (status === 'done' || status === 'failed') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      realPaths.set('/plan/runs/:id', runPath);
    }
  }
  return { cases: routeCases({ staffId, powysUserId, reportStaffId }), sessions, realPaths };
}

/** How wide the page is, and the widest elements that stick out past the window (for a failure's message). */
export function pageOverflow(page: Page): Promise<{ scrollWidth: number; culprits: string[] }> {
  return page.evaluate<{ scrollWidth: number; culprits: string[] }>(`(() => {
    const limit = window.innerWidth;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const right = el.getBoundingClientRect().right;
      if (right > limit + 1) {
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        culprits.push({ name, right: Math.round(right) });
      }
    }
    culprits.sort((a, b) => b.right - a.right);
    return { scrollWidth: document.documentElement.scrollWidth, culprits: culprits.slice(0, 4).map((c) => c.name + ' ' + c.right + 'px') };
  })()`);
}
