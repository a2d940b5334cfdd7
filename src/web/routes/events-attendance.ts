// Attendance and after the event (issue 16). For the people who keep an
// event's register (canMarkAttendance: education leads and platform
// administrators; an event's facilitators once events have them): the
// event's attendance page (its sessions, the recording and slides, feedback
// results), a session's register (each person attended or no-show, or "all
// present"), importing a Teams attendance report (check, then confirm: all or
// nothing), and the event's report (booked, waiting, attended, no-shows by
// organisation and staff group; CSV). For attendees: the recording, slides,
// feedback form and certificate of attendance. Every form is a plain POST with
// a CSRF token and works without JavaScript; every change is audited by the
// store.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { canMarkAttendance, eventReport, ratingCounts, registerOpen, REPORT_STATUSES } from '../../domain/events/attendance.js';
import { decodeExtract, ORGANISATIONS, STAFF_GROUPS } from '../../domain/staff/index.js';
import { EventStore, type EventRecord, type SessionRecord } from '../../db/stores/event-store.js';
import { EventAttendanceStore, type AttendanceMark, type MarkChange } from '../../db/stores/event-attendance-store.js';
import { allPresent, attendanceCertificatePdf, checkAttendanceImport, confirmAttendanceImport, markAttendance } from '../../services/events/attendance.js';
import { sessionWhen } from '../../services/events/events-service.js';
import { offeredOf } from '../../services/insights/aggregates.js';
import { csvField } from '../audit-presenter.js';
import { currentUser, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { readUpload } from '../plugins/uploads.js';
import { translator } from '../i18n.js';

const UUID = /^[0-9a-f-]{36}$/;
const MARKS: readonly AttendanceMark[] = ['attended', 'no-show', 'booked'];
const DoneQuery = z.object({ done: z.enum(['marked', 'all-present', 'imported', 'resources', 'feedback']).optional() });
const ConfirmBody = z.object({ pending: z.string().regex(UUID) });
const ResourcesBody = z.object({ recordingUrl: z.string().max(2000).default(''), slidesUrl: z.string().max(2000).default(''), onDemand: z.string().max(2).optional() });
const FeedbackBody = z.object({ rating: z.string().max(2).default(''), useful: z.string().max(4000).default('') });
const HTTPS = /^https:\/\/[^\s<>"]+$/;

type Params = FastifyRequest<{ Params: { id: string; sessionId?: string } }>;

export async function eventAttendanceRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const events = EventStore.create(db);
  const store = EventAttendanceStore.create(db);

  /** The event, for someone who may keep its register: anyone else is refused before the event is looked up, so nothing is told. */
  const keeperOf = async (request: Params): Promise<{ event: EventRecord; userId: string }> => {
    const user = currentUser(request);
    const principal = principalOf(user);
    const id = request.params.id;
    const event = UUID.test(id) ? await events.findEvent(id) : undefined;
    // A facilitator of this event keeps its register (event_facilitators, migration 0024); anyone else needs learning.publish.
    const facilitatorIds = event !== undefined && await events.isFacilitator(event.id, user.id) ? [user.id] : [];
    if (!canMarkAttendance(principal, { facilitatorIds })) throw new DomainError('GNM_FORBIDDEN');
    if (event === undefined) throw new DomainError('GNM_NOT_FOUND');
    return { event, userId: user.id };
  };

  const sessionOf = async (event: EventRecord, sessionId: string | undefined): Promise<SessionRecord> => {
    const session = sessionId !== undefined && UUID.test(sessionId) ? await events.findSession(sessionId) : undefined;
    if (session?.eventId !== event.id) throw new DomainError('GNM_NOT_FOUND');
    return session;
  };

  const attendancePage = (event: EventRecord, sessionId?: string) => `/admin/events/${event.id}/attendance${sessionId === undefined ? '' : `/${sessionId}`}`;

  // The event's attendance page: sessions, recording and slides, feedback.
  app.get('/admin/events/:id/attendance', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event } = await keeperOf(request);
    const now = new Date();
    const sessions = (await events.sessionsOf([event.id])).map((s) => ({ ...s, open: registerOpen(s, now) }));
    const feedback = await store.feedback(event.id);
    return reply.render('pages/events-attendance/event.njk', {
      event, sessions, resources: await store.resources(event.id), ratings: ratingCounts(feedback.map((f) => f.rating)),
      comments: feedback.filter((f) => f.useful.trim() !== ''), done: DoneQuery.safeParse(request.query).data?.done ?? null, errors: [],
    });
  });

  app.post('/admin/events/:id/resources', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event, userId } = await keeperOf(request);
    const body = ResourcesBody.safeParse(request.body ?? {});
    const values = body.success ? body.data : { recordingUrl: '', slidesUrl: '', onDemand: undefined };
    const errors = (['recordingUrl', 'slidesUrl'] as const).filter((f) => values[f].trim() !== '' && !HTTPS.test(values[f].trim()));
    if (!body.success || errors.length > 0) {
      const feedback = await store.feedback(event.id);
      return reply.code(400).render('pages/events-attendance/event.njk', {
        event, sessions: (await events.sessionsOf([event.id])).map((s) => ({ ...s, open: registerOpen(s, new Date()) })),
        resources: { recordingUrl: values.recordingUrl, slidesUrl: values.slidesUrl, onDemand: values.onDemand === '1' },
        ratings: ratingCounts(feedback.map((f) => f.rating)), comments: feedback.filter((f) => f.useful.trim() !== ''), done: null, errors: errors.length > 0 ? errors : ['recordingUrl'],
      });
    }
    const trimmed = (v: string) => (v.trim() === '' ? null : v.trim());
    await db.transaction().execute((trx) => EventAttendanceStore.create(trx).setResources(event.id, { recordingUrl: trimmed(values.recordingUrl), slidesUrl: trimmed(values.slidesUrl), onDemand: values.onDemand === '1' }, userId));
    return reply.redirect(localPath(request.lang, `${attendancePage(event)}?done=resources`), 303);
  });

  // A session's register.
  const registerView = async (request: Params, reply: FastifyReply, event: EventRecord, session: SessionRecord, status = 200) => {
    const register = await store.register(session.id);
    const counts = Object.fromEntries(MARKS.map((m) => [m, register.filter((r) => r.status === m).length]));
    return reply.code(status).render('pages/events-attendance/register.njk', {
      event, session, register, counts, open: registerOpen(session, new Date()), done: DoneQuery.safeParse(request.query).data?.done ?? null,
    });
  };

  app.get('/admin/events/:id/attendance/:sessionId', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event } = await keeperOf(request);
    return registerView(request, reply, event, await sessionOf(event, request.params.sessionId));
  });

  app.post('/admin/events/:id/attendance/:sessionId', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event, userId } = await keeperOf(request);
    const session = await sessionOf(event, request.params.sessionId);
    if (!registerOpen(session, new Date())) return registerView(request, reply, event, session, 409);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const changes: MarkChange[] = [];
    for (const [key, value] of Object.entries(body)) {
      const bookingId = key.startsWith('mark-') ? key.slice(5) : '';
      if (UUID.test(bookingId) && typeof value === 'string' && (MARKS as readonly string[]).includes(value)) changes.push({ bookingId, status: value as AttendanceMark });
    }
    await markAttendance(db, offeredOf(app.content.modules), event, session.id, changes, 'register', userId);
    return reply.redirect(localPath(request.lang, `${attendancePage(event, session.id)}?done=marked`), 303);
  });

  app.post('/admin/events/:id/attendance/:sessionId/all-present', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event, userId } = await keeperOf(request);
    const session = await sessionOf(event, request.params.sessionId);
    if (!registerOpen(session, new Date())) return registerView(request, reply, event, session, 409);
    await markAttendance(db, offeredOf(app.content.modules), event, session.id, allPresent(await store.register(session.id)), 'register', userId);
    return reply.redirect(localPath(request.lang, `${attendancePage(event, session.id)}?done=all-present`), 303);
  });

  // Importing a Teams attendance report: choose the file, see what it would do, confirm.
  const importView = (reply: FastifyReply, event: EventRecord, session: SessionRecord, status: number, formError: string | null) =>
    reply.code(status).render('pages/events-attendance/import.njk', { event, session, formError, maxMegabytes: app.config.IMPORT_MAX_MEGABYTES });

  app.get('/admin/events/:id/attendance/:sessionId/import', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event } = await keeperOf(request);
    return importView(reply, event, await sessionOf(event, request.params.sessionId), 200, null);
  });

  // The file is read only after the session, the access and the form token are checked (plugins/uploads.ts).
  app.post('/admin/events/:id/attendance/:sessionId/import', { config: { access: 'signed-in', upload: true } }, async (request: Params, reply) => {
    const { event, userId } = await keeperOf(request);
    const session = await sessionOf(event, request.params.sessionId);
    if (!request.isMultipart()) throw new DomainError('GNM_VALIDATION');
    const upload = await readUpload(request);
    if (upload.file === null || upload.file.bytes.length === 0) return importView(reply, event, session, 400, 'eventsAttendance.import.errors.noFile');
    if (upload.tooLarge) return importView(reply, event, session, 413, 'eventsAttendance.import.errors.tooLarge');
    if (!registerOpen(session, new Date())) return importView(reply, event, session, 409, 'eventsAttendance.import.errors.notStarted');
    const decoded = decodeExtract(upload.file.bytes);
    if (!decoded.ok) return importView(reply, event, session, 400, 'eventsAttendance.import.errors.notText');
    const fileName = upload.file.filename.slice(0, 200);
    const check = await checkAttendanceImport(db, session.id, userId, decoded.text, fileName);
    return reply.code(check.status === 'rejected' ? 422 : 200).render('pages/events-attendance/import-check.njk', { event, session, check, fileName });
  });

  app.post('/admin/events/:id/attendance/:sessionId/import/confirm', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event, userId } = await keeperOf(request);
    const session = await sessionOf(event, request.params.sessionId);
    const body = ConfirmBody.safeParse(request.body ?? {});
    if (!body.success) return importView(reply, event, session, 400, 'eventsAttendance.import.errors.expired');
    try {
      await confirmAttendanceImport(db, offeredOf(app.content.modules), event, session.id, body.data.pending, userId);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'GNM_NOT_FOUND' || error.code === 'GNM_CONFLICT')) {
        return importView(reply, event, session, error.code === 'GNM_CONFLICT' ? 409 : 400, error.code === 'GNM_CONFLICT' ? 'eventsAttendance.import.errors.changed' : 'eventsAttendance.import.errors.expired');
      }
      throw error;
    }
    return reply.redirect(localPath(request.lang, `${attendancePage(event, session.id)}?done=imported`), 303);
  });

  // The event's report.
  const reportOf = async (event: EventRecord, lang: 'en' | 'cy') => {
    const report = eventReport(await store.report(event.id));
    const orgName = new Map(ORGANISATIONS.map((o) => [o.code, o.name[lang]]));
    const groupName = new Map(STAFF_GROUPS.map((g) => [g.code, g.name[lang]]));
    return {
      totals: report.totals,
      byOrganisation: report.byOrganisation.map((l) => ({ ...l, name: l.key === '' ? null : orgName.get(l.key) ?? l.key })),
      byStaffGroup: report.byStaffGroup.map((l) => ({ ...l, name: l.key === '' ? null : groupName.get(l.key) ?? l.key })),
    };
  };

  app.get('/admin/events/:id/report', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event } = await keeperOf(request);
    return reply.render('pages/events-attendance/report.njk', { event, report: await reportOf(event, request.lang), statuses: REPORT_STATUSES });
  });

  const csv = (reply: FastifyReply, name: string, rows: readonly (readonly string[])[]) =>
    reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`)
      .send(`\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`);

  app.get('/admin/events/:id/report.csv', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event } = await keeperOf(request);
    const t = request.t;
    const report = await reportOf(event, request.lang);
    const header = [t('eventsAttendance.report.by'), t('eventsAttendance.report.name'), ...REPORT_STATUSES.map((s) => t(`eventsAttendance.status.${s}`))];
    const none = t('eventsAttendance.report.noStaffRecord');
    const rows = [
      ...report.byOrganisation.map((l) => [t('eventsAttendance.report.organisation'), l.name ?? none, ...REPORT_STATUSES.map((s) => String(l.counts[s]))]),
      ...report.byStaffGroup.map((l) => [t('eventsAttendance.report.staffGroup'), l.name ?? none, ...REPORT_STATUSES.map((s) => String(l.counts[s]))]),
      [t('eventsAttendance.report.total'), event.title[request.lang], ...REPORT_STATUSES.map((s) => String(report.totals[s]))],
    ];
    return csv(reply, request.lang === 'cy' ? 'adroddiad-digwyddiad' : 'event-report', [header, ...rows]);
  });

  app.get('/admin/events/:id/feedback.csv', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { event } = await keeperOf(request);
    const t = request.t;
    const rows = (await store.feedback(event.id)).map((f) => [f.createdAt.toISOString().slice(0, 10), String(f.rating), f.useful, t(`language.names.${f.language === 'cy' ? 'cy' : 'en'}`)]);
    return csv(reply, request.lang === 'cy' ? 'adborth-digwyddiad' : 'event-feedback',
      [[t('eventsAttendance.feedback.date'), t('eventsAttendance.feedback.rating'), t('eventsAttendance.feedback.useful'), t('eventsAttendance.feedback.language')], ...rows]);
  });

  // Attendees: the recording and slides, feedback and the certificate.
  const attendeeOf = async (request: Params) => {
    const user = currentUser(request);
    const id = request.params.id;
    const event = UUID.test(id) ? await events.findEvent(id) : undefined;
    if (event === undefined || event.status === 'draft') throw new DomainError('GNM_NOT_FOUND');
    const attended = (await store.attendedBy(user.id)).filter((a) => a.eventId === event.id);
    return { user, event, attended };
  };

  const afterView = async (request: Params, reply: FastifyReply, status = 200, errors: string[] = [], values: { rating: string; useful: string } | null = null) => {
    const { user, event, attended } = await attendeeOf(request);
    const resources = await store.resources(event.id);
    const mine = await store.feedbackOf(event.id, user.id);
    return reply.code(status).render('pages/events-attendance/after.njk', {
      event, attended, resources, showResources: attended.length > 0 || resources.onDemand, errors,
      values: values ?? { rating: mine === undefined ? '' : String(mine.rating), useful: mine?.useful ?? '' }, given: mine !== undefined,
      done: DoneQuery.safeParse(request.query).data?.done ?? null,
    });
  };

  app.get('/events/:id/after', { config: { access: 'signed-in' } }, async (request: Params, reply) => afterView(request, reply));

  app.post('/events/:id/feedback', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { user, event, attended } = await attendeeOf(request);
    if (attended.length === 0) throw new DomainError('GNM_FORBIDDEN');
    const body = FeedbackBody.safeParse(request.body ?? {});
    const values = body.success ? body.data : { rating: '', useful: '' };
    const rating = Number(values.rating);
    const errors = [
      ...(/^[1-5]$/.test(values.rating) ? [] : ['rating']),
      ...(body.success && values.useful.trim().length <= 2000 ? [] : ['useful']),
    ];
    if (errors.length > 0) return afterView(request, reply, 400, errors, values);
    await db.transaction().execute((trx) => EventAttendanceStore.create(trx).giveFeedback(event.id, user.id, rating, values.useful.trim(), request.lang));
    return reply.redirect(localPath(request.lang, `/events/${event.id}/after?done=feedback`), 303);
  });

  app.get('/events/:id/certificate.pdf', { config: { access: 'signed-in' } }, async (request: Params, reply) => {
    const { user, event, attended } = await attendeeOf(request);
    const first = attended.at(-1);
    if (first === undefined) throw new DomainError('GNM_NOT_FOUND');
    const hours = attended.length * event.cpdHours;
    const text = Object.fromEntries((['en', 'cy'] as const).map((lang) => {
      const t = translator(lang);
      return [lang, {
        heading: t('eventsAttendance.certificate.heading'), certifies: t('eventsAttendance.certificate.certifies'), attended: t('eventsAttendance.certificate.attended'),
        when: attended.map((a) => sessionWhen(a, lang)).join('; '), cpd: t('eventsAttendance.certificate.cpd', { hours: hours.toLocaleString(lang === 'cy' ? 'cy-GB' : 'en-GB') }),
        issuer: t('eventsAttendance.certificate.issuer'),
      }];
    })) as Record<'en' | 'cy', { heading: string; certifies: string; attended: string; when: string; cpd: string; issuer: string }>;
    const pdf = await attendanceCertificatePdf({ name: user.displayName, title: event.title, text });
    return reply.type('application/pdf').header('Content-Disposition', `attachment; filename="${request.lang === 'cy' ? 'tystysgrif-presenoldeb' : 'certificate-of-attendance'}.pdf"`).send(pdf);
  });
}
