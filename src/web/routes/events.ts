// Events: the list of published events with their upcoming sessions (filters
// by topic, month, online or in person, language of delivery, places left),
// an event's page (book, join the waiting list, confirm a place offered,
// cancel; the joining link shown only to people booked, from 30 minutes
// before the start; facilitators, audience, level, competencies and linked
// modules), the approvals page (a line manager's, and requests with no line
// manager on the platform for education leads and organisation
// administrators), and for education leads the
// events admin pages (create and edit an event with its sessions, publish,
// cancel: everyone booked or waiting is emailed; a moved session emails a
// calendar entry that replaces the old one). Every form is a plain POST with
// a CSRF token and works without JavaScript; every change is audited by the
// store.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { JOIN_OPENS_BEFORE_MS } from '../../domain/events/time.js';
import { LITERACY_LEVELS, STAFF_GROUPS } from '../../domain/staff/reference-data.js';
import { ORGANISATIONS } from '../../domain/staff/reference-data.js';
import { COMPETENCIES } from '../../domain/learning/competency-framework.js';
import { eventsVersion, type Booking, type EventRecord, type Quota, type SessionRecord } from '../../db/stores/event-store.js';
import { UserStore, type User } from '../../db/stores/user-store.js';
import { capacityFor, decidesFallback, fallbackReach, type ApprovalCapacity } from '../../domain/events/approvals.js';
import { EventsService } from '../../services/events/events-service.js';
import { authorise, currentUser, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { DELIVERY_LANGUAGES, EVENT_TOPICS, MAX_QUOTAS, MAX_SESSIONS, blankEvent, checkEvent, londonParts, readForm, redrawForm, valuesOf, type EventValues, type FieldError } from './event-form.js';

export { EVENT_TOPICS } from './event-form.js';

const UUID = /^[0-9a-f-]{36}$/;
const ORGANISATION_NAMES = Object.fromEntries(ORGANISATIONS.map((o) => [o.code, o.name]));

/** How long the events list is kept at most (another process's writes, the clock). */
const LIST_TTL_MS = 5_000;
/** Lists kept (one per set of filters asked for) before they are all dropped. */
const KEPT_LISTS_MAX = 500;

/** A session's quotas compared whatever order they come in: set again (and audited) only when changed. */
const quotasKey = (quotas: readonly Quota[]): string =>
  quotas.map((q) => `${q.organisationCode}|${String(q.places)}|${q.reservedUntil.toISOString()}`).sort().join('\n');

interface ListFilters { topic: string; month: string; delivery: string; language: string; places: boolean }

const MONTH_FORMATS = {
  en: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  cy: new Intl.DateTimeFormat('cy-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const monthLabel = (lang: 'en' | 'cy', m: string) => MONTH_FORMATS[lang].format(new Date(`${m}-15T12:00:00Z`));

const ListQuery = z.object({
  topic: z.string().max(40).optional(),
  month: z.string().max(7).optional(),
  delivery: z.string().max(20).optional(),
  language: z.string().max(20).optional(),
  places: z.string().max(2).optional(),
});

const DONE = ['booked', 'waiting', 'cancelled', 'already', 'closed', 'created', 'updated', 'published', 'event-cancelled', 'confirmed', 'not-confirmed', 'awaiting-approval', 'approved', 'declined', 'decided-already'] as const;
const DoneQuery = z.object({ done: z.enum(DONE).optional() });
const Decision = z.object({ decision: z.enum(['approve', 'decline']).optional(), reason: z.string().max(2000).default('') });

/** comingMonths, worked out at most once a minute (every list request asks it). */
let monthsKept: { at: number; months: string[] } = { at: 0, months: [] };
function comingMonthsNow(now: Date): string[] {
  if (now.getTime() - monthsKept.at >= 60_000 || now.getTime() < monthsKept.at) monthsKept = { at: now.getTime(), months: comingMonths(now) };
  return monthsKept.months;
}

/** The next twelve months (London), as YYYY-MM. */
function comingMonths(now: Date): string[] {
  const { date } = londonParts(now);
  const [y, m] = date.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const month = ((m - 1 + i) % 12) + 1;
    const year = y + Math.floor((m - 1 + i) / 12);
    return `${String(year)}-${String(month).padStart(2, '0')}`;
  });
}

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  const service = new EventsService({ db: app.database.db, email: app.email, publicUrl: app.config.PUBLIC_URL, offerHours: app.config.EVENT_OFFER_HOURS });
  const store = service.store;
  const users = UserStore.create(app.database.db);

  const sessionView = (s: SessionRecord, booking: Booking | undefined, now: Date, waitingPlace: number | null = null) => {
    const placesLeft = Math.max(0, s.capacity - s.booked);
    const open = now >= s.bookingOpensAt && now < s.bookingClosesAt;
    const status = booking?.status;
    const mine = status === 'booked' || status === 'waiting' || status === 'offered' || status === 'awaiting-approval' ? status : null;
    return {
      ...s, placesLeft, open, full: placesLeft === 0 || s.waiting > 0, mine,
      declined: status === 'declined' ? booking?.decisionReason ?? '' : null,
      offerExpiresAt: mine === 'offered' ? booking?.offerExpiresAt ?? null : null,
      waitingPlace: mine === 'waiting' ? waitingPlace : null,
      canCancel: mine !== null && now < s.startsAt,
      joinVisible: mine === 'booked' && s.delivery === 'online' && s.joinUrl !== null && now.getTime() >= s.startsAt.getTime() - JOIN_OPENS_BEFORE_MS && now < s.endsAt,
      joinOpensAt: new Date(s.startsAt.getTime() - JOIN_OPENS_BEFORE_MS),
      past: now >= s.endsAt,
    };
  };

  type KeptList = { version: number; at: number; stamp: string; context: Record<string, unknown> };
  const keptLists = new Map<string, KeptList>();
  /** The list being read for each filters, and the eventsVersion it was started at. */
  const readingLists = new Map<string, { version: number; done: Promise<KeptList> }>();
  const readList = (filterKey: string, filters: ListFilters, months: readonly string[], now: Date, version: number): { version: number; done: Promise<KeptList> } => {
    const reading: { version: number; done: Promise<KeptList> } = { version, done: Promise.resolve(undefined as never) };
    reading.done = (async () => {
      try {
        const list: KeptList = { version, at: now.getTime(), stamp: String(++listStamps), context: await listContext(filters, months, now) };
        if (keptLists.size >= KEPT_LISTS_MAX) keptLists.clear();
        // A read started before a later write is not kept over what that write's own read keeps.
        if (eventsVersion() === version || keptLists.get(filterKey) === undefined) keptLists.set(filterKey, list);
        return list;
      } finally {
        if (readingLists.get(filterKey) === reading) readingLists.delete(filterKey);
      }
    })();
    // A read nobody waits for (behind a list shown past its time) must not end the process when it fails; the next request reads again.
    reading.done.catch(() => undefined);
    readingLists.set(filterKey, reading);
    return reading;
  };
  let listStamps = 0;

  app.get('/events', { config: { access: 'signed-in' } }, async (request, reply) => {
    currentUser(request);
    const q = ListQuery.safeParse(request.query).data ?? {};
    const now = new Date();
    const months = comingMonthsNow(now);
    const filters: ListFilters = {
      topic: (EVENT_TOPICS as readonly string[]).includes(q.topic ?? '') ? q.topic ?? '' : '',
      month: months.includes(q.month ?? '') ? q.month ?? '' : '',
      delivery: q.delivery === 'online' || q.delivery === 'in-person' ? q.delivery : '',
      language: (DELIVERY_LANGUAGES as readonly string[]).includes(q.language ?? '') ? q.language ?? '' : '',
      places: q.places === '1',
    };
    // The list is the same for everyone (nobody's own bookings are on it):
    // kept per filters, read afresh when this process has written events,
    // sessions or bookings since (eventsVersion), and at least every
    // LIST_TTL_MS for another process's writes and for the clock (sessions
    // ending, booking windows). Booking is always decided under the session's
    // lock, so a list a few seconds old cannot give a place twice.
    // One read at a time per filters: requests arriving while it runs share it
    // (each used to read the list itself, and under load a read due every
    // LIST_TTL_MS held hundreds of requests behind the database). A list only
    // past its time is shown while the next is read; one this process has
    // written since is never shown.
    const filterKey = `${filters.topic}|${filters.month}|${filters.delivery}|${filters.language}|${filters.places ? '1' : ''}`;
    const version = eventsVersion();
    let kept = keptLists.get(filterKey);
    if (kept === undefined || kept.version !== version || now.getTime() - kept.at >= LIST_TTL_MS) {
      const inFlight = readingLists.get(filterKey);
      const reading = inFlight !== undefined && inFlight.version === version ? inFlight : readList(filterKey, filters, months, now, version);
      // Only past its time (nothing written here since): shown as it is, the read going on behind.
      if (kept === undefined || kept.version !== version) kept = await reading.done;
    }
    return reply.renderKept(`events-list|${filterKey}`, 'pages/events/list.njk', kept.context, {}, kept.stamp);
  });

  /** The list's events and sessions for these filters: two queries (events, then all their sessions with places taken and waiting). */
  const listContext = async (filters: ListFilters, months: readonly string[], now: Date): Promise<Record<string, unknown>> => {
    const events = (await store.listEvents(['published'])).filter((e) => filters.topic === '' || e.topic === filters.topic);
    const sessions = await store.sessionsOf(events.map((e) => e.id), now);
    const byEvent = new Map<string, SessionRecord[]>();
    for (const s of sessions) {
      const list = byEvent.get(s.eventId);
      if (list === undefined) byEvent.set(s.eventId, [s]);
      else list.push(s);
    }
    const shown = events.map((event) => ({
      event,
      sessions: (byEvent.get(event.id) ?? [])
        .filter((s) => (filters.delivery === '' || s.delivery === filters.delivery) && (filters.language === '' || s.language === filters.language))
        .filter((s) => filters.month === '' || londonParts(s.startsAt).date.startsWith(filters.month))
        .filter((s) => !filters.places || (s.capacity - s.booked > 0 && s.waiting === 0))
        .map((s) => sessionView(s, undefined, now)),
    })).filter((e) => e.sessions.length > 0)
      .sort((a, b) => (a.sessions[0]?.startsAt.getTime() ?? 0) - (b.sessions[0]?.startsAt.getTime() ?? 0));
    const filtered = filters.topic !== '' || filters.month !== '' || filters.delivery !== '' || filters.language !== '' || filters.places;
    return {
      events: shown, filters, filtered, topics: EVENT_TOPICS, languages: DELIVERY_LANGUAGES,
      months: months.map((m) => ({ value: m, label: { en: monthLabel('en', m), cy: monthLabel('cy', m) } })),
    };
  };

  // Requests to approve (before /events/:id): a line manager's own team's,
  // and, for education leads and organisation administrators, requests with
  // no line manager on the platform (domain/events/approvals.ts says who).
  const approvalsOf = async (user: User) => {
    const principal = principalOf(user);
    const fallback = decidesFallback(principal);
    const [requests, unmanaged] = await Promise.all([
      store.awaitingApprovalBy(user.id),
      fallback ? service.approvals.withoutLineManager(fallbackReach(principal), user.id) : [],
    ]);
    return { requests, unmanaged, fallback, organisationNames: ORGANISATION_NAMES };
  };

  app.get('/events/approvals', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const done = DoneQuery.safeParse(request.query).data?.done ?? null;
    return reply.render('pages/events/approvals.njk', { ...await approvalsOf(user), done, errors: [], values: {} });
  });

  app.post('/events/approvals/:bookingId', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { bookingId } = request.params as { bookingId: string };
    // The line manager decides their team's requests, theirs alone; a request with no line manager on the platform, an education lead or an administrator of the learner's organisation (never their own).
    let capacity: ApprovalCapacity | null = null;
    if (UUID.test(bookingId)) {
      if ((await store.awaitingApprovalBy(user.id)).some((r) => r.booking.id === bookingId)) capacity = 'line-manager';
      else if (decidesFallback(principalOf(user))) {
        const facts = await service.approvals.factsOf(bookingId);
        if (facts !== undefined && facts.userId !== user.id) capacity = capacityFor(principalOf(user), { isTheirLineManager: false, hasActiveLineManager: facts.hasActiveLineManager, organisationCode: facts.organisationCode });
      }
    }
    if (capacity === null) return reply.redirect(localPath(request.lang, '/events/approvals?done=decided-already'), 303);
    const body = Decision.safeParse(request.body ?? {}).data ?? { reason: '' };
    const reason = body.reason.trim();
    const errors: FieldError[] = [];
    if (body.decision === undefined) errors.push({ field: `decision-${bookingId}`, key: 'events.approvals.errors.decision' });
    else if (body.decision === 'decline' && reason === '') errors.push({ field: `reason-${bookingId}`, key: 'events.approvals.errors.reason' });
    if (errors.length > 0) {
      return reply.code(400).render('pages/events/approvals.njk', { ...await approvalsOf(user), done: null, errors, errorKeys: Object.fromEntries(errors.map((e) => [e.field, e.key])), values: { [bookingId]: { decision: body.decision ?? '', reason } } });
    }
    const decided = await service.decide(bookingId, body.decision === 'approve', body.decision === 'decline' ? reason : null, user.id, capacity);
    return reply.redirect(localPath(request.lang, `/events/approvals?done=${decided === null ? 'decided-already' : body.decision === 'approve' ? 'approved' : 'declined'}`), 303);
  });

  const eventOr404 = async (id: string, published: boolean): Promise<EventRecord> => {
    const event = UUID.test(id) ? await store.findEvent(id) : undefined;
    if (event === undefined || (published && event.status === 'draft')) throw new DomainError('GNM_NOT_FOUND');
    return event;
  };

  app.get('/events/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const event = await eventOr404((request.params as { id: string }).id, true);
    const now = new Date();
    const [sessions, facilitators] = await Promise.all([store.sessionsOf([event.id]), store.facilitatorsOf(event.id)]);
    const [bookings, noLineManager] = await Promise.all([
      store.bookingsOf(user.id, sessions.map((s) => s.id)),
      // Who decides this person's requests: said on the page when nobody is their line manager on the platform.
      event.approvalRequired ? service.approvals.hasActiveLineManager(user.id).then((has) => !has) : false,
    ]);
    // Where the person stands on each waiting list they are on (as My learning says it).
    const waitingPlaces = !bookings.some((b) => b.status === 'waiting') ? new Map<string, number>()
      : new Map((await store.upcomingOf(user.id, now)).flatMap((u) => (u.eventId === event.id && u.waitingPlace !== null ? [[u.sessionId, u.waitingPlace] as const] : [])));
    const done = DoneQuery.safeParse(request.query).data?.done ?? null;
    const moduleOf = (slug: string) => {
      const m = app.content.bySlug(slug);
      return m === undefined ? null : { slug, title: m.manifest.title };
    };
    return reply.render('pages/events/event.njk', {
      event, done, noLineManager, facilitators, keepsRegister: facilitators.some((f) => f.id === user.id),
      audience: STAFF_GROUPS.filter((g) => event.audienceStaffGroups.includes(g.code)),
      level: LITERACY_LEVELS.find((l) => l.code === event.literacyLevel) ?? null,
      competencies: COMPETENCIES.filter((c) => event.competencies.includes(c.id)),
      modulesBefore: event.modulesBefore.map(moduleOf).filter((m) => m !== null),
      modulesAfter: event.modulesAfter.map(moduleOf).filter((m) => m !== null),
      upcoming: sessions.filter((s) => s.endsAt > now).map((s) => sessionView(s, bookings.find((b) => b.sessionId === s.id), now, waitingPlaces.get(s.id) ?? null)),
      past: sessions.filter((s) => s.endsAt <= now).map((s) => sessionView(s, bookings.find((b) => b.sessionId === s.id), now)),
    });
  });

  const sessionOf = async (request: FastifyRequest): Promise<{ event: EventRecord; sessionId: string }> => {
    const { id, sessionId } = request.params as { id: string; sessionId: string };
    const event = await eventOr404(id, true);
    // Only which event the session is of: the store decides everything else under the session's lock.
    const eventOfSession = UUID.test(sessionId) ? await store.eventIdOfSession(sessionId) : undefined;
    if (eventOfSession !== event.id) throw new DomainError('GNM_NOT_FOUND');
    return { event, sessionId };
  };

  app.post('/events/:id/sessions/:sessionId/book', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { id, sessionId } = request.params as { id: string; sessionId: string };
    if (!UUID.test(id) || !UUID.test(sessionId)) throw new DomainError('GNM_NOT_FOUND');
    // The store checks under the session's lock that the session is of this event and the event is not a draft (as sessionOf does for the others).
    const result = await service.book(sessionId, user.id, id);
    if (result.outcome === 'not-found') throw new DomainError('GNM_NOT_FOUND');
    return reply.redirect(localPath(request.lang, `/events/${id}?done=${result.outcome}#session-${sessionId}`), 303);
  });

  app.post('/events/:id/sessions/:sessionId/confirm', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { event, sessionId } = await sessionOf(request);
    const confirmed = await service.confirmOffer(sessionId, user.id);
    return reply.redirect(localPath(request.lang, `/events/${event.id}?done=${confirmed === null ? 'not-confirmed' : 'confirmed'}#session-${sessionId}`), 303);
  });

  // The booked place as a calendar file (the confirmation email's entry, again: the same UID and SEQUENCE).
  app.get('/events/:id/sessions/:sessionId/calendar.ics', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { sessionId } = await sessionOf(request);
    const calendar = await service.calendarOfBooking(user.id, sessionId, request.lang);
    if (calendar === undefined) throw new DomainError('GNM_NOT_FOUND');
    return reply.header('content-type', 'text/calendar; charset=utf-8').header('content-disposition', 'attachment; filename="event.ics"').send(calendar);
  });

  app.post('/events/:id/sessions/:sessionId/cancel', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { event, sessionId } = await sessionOf(request);
    const result = await service.cancel(sessionId, user.id);
    return reply.redirect(localPath(request.lang, `/events/${event.id}?done=${result.cancelled === null ? 'closed' : 'cancelled'}`), 303);
  });

  // Education leads.
  const adminList = async (request: FastifyRequest) => {
    const events = await store.listEvents(['draft', 'published', 'cancelled']);
    const sessions = await store.sessionsOf(events.map((e) => e.id));
    const done = DoneQuery.safeParse(request.query).data?.done ?? null;
    return { done, events: events.map((event) => ({ event, sessions: sessions.filter((s) => s.eventId === event.id) })) };
  };

  app.get('/admin/events', { config: { access: 'learning.publish' } }, async (request, reply) => {
    authorise(request, 'learning.publish');
    return reply.render('pages/events/admin.njk', await adminList(request));
  });

  const moduleChoices = () => app.content.modules.map((m) => ({ slug: m.manifest.slug, title: m.manifest.title }));
  const renderForm = (reply: FastifyReply, code: number, values: EventValues, errors: FieldError[], eventId: string | null) =>
    reply.code(code).render('pages/events/form.njk', {
      values, errors, errorKeys: Object.fromEntries(errors.map((e) => [e.field, e.key])), eventId,
      topics: EVENT_TOPICS, languages: DELIVERY_LANGUAGES, staffGroups: STAFF_GROUPS, levels: LITERACY_LEVELS, competencies: COMPETENCIES,
      modules: moduleChoices(), organisations: ORGANISATIONS, maxSessions: MAX_SESSIONS, maxQuotas: MAX_QUOTAS,
    });

  app.get('/admin/events/new', { config: { access: 'learning.publish' } }, async (request, reply) => {
    authorise(request, 'learning.publish');
    return renderForm(reply, 200, blankEvent(), [], null);
  });

  /** Facilitators by email: each must be an account. */
  const facilitatorIds = async (emails: readonly string[]): Promise<{ ids: string[]; unknown: string[] }> => {
    const found = await Promise.all(emails.map(async (e) => ({ e, user: await users.findByEmail(e) })));
    return { ids: found.flatMap((f) => (f.user === undefined ? [] : [f.user.id])), unknown: found.filter((f) => f.user === undefined).map((f) => f.e) };
  };

  const save = async (request: FastifyRequest, reply: FastifyReply, eventId: string | null) => {
    const user = authorise(request, 'learning.publish');
    const existingEvent = eventId === null ? null : await eventOr404(eventId, false);
    if (existingEvent?.status === 'cancelled') throw new DomainError('GNM_NOT_FOUND');
    const { values, action } = readForm(request.body);
    const redrawn = redrawForm(values, action);
    if (redrawn !== null) return renderForm(reply, 200, redrawn, [], eventId);
    const existing = existingEvent === null ? [] : await store.sessionsOf([existingEvent.id]);
    const checked = checkEvent(values, new Set(app.content.modules.map((m) => m.manifest.slug)), new Date(), existing);
    const people = await facilitatorIds(checked.facilitatorEmails);
    const errors = [...checked.errors, ...(people.unknown.length > 0 ? [{ field: 'facilitators', key: 'events.admin.errors.facilitatorUnknown' }] : [])];
    if (errors.length > 0 || checked.event === null) return renderForm(reply, 400, values, errors, eventId);
    let id: string;
    let sessionIds: string[];
    if (existingEvent === null) {
      const created = await store.createEvent(checked.event, checked.sessions.map((s) => s.session), user.id, people.ids);
      id = created.event.id;
      sessionIds = created.sessionIds;
    } else {
      try {
        sessionIds = (await service.updateEvent(existingEvent.id, checked.event, checked.sessions.map((s) => ({ id: s.id, session: s.session })), people.ids, user.id)).sessionIds;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'GNM_CONFLICT') {
          return renderForm(reply, 409, values, [{ field: 's0-date', key: 'events.admin.errors.sessionHeld', session: 0 }], eventId);
        }
        throw error;
      }
      id = existingEvent.id;
    }
    const quotas = await store.quotasOf(sessionIds);
    for (const [i, s] of checked.sessions.entries()) {
      const sessionId = sessionIds[i];
      if (sessionId === undefined || sessionId === '') continue;
      if (quotasKey(quotas.get(sessionId) ?? []) !== quotasKey(s.quotas)) await service.setQuotas(sessionId, s.quotas, user.id);
    }
    return reply.redirect(localPath(request.lang, `/admin/events?done=${existingEvent === null ? 'created' : 'updated'}#event-${id}`), 303);
  };

  app.post('/admin/events', { config: { access: 'learning.publish' } }, async (request, reply) => save(request, reply, null));

  app.get('/admin/events/:id/edit', { config: { access: 'learning.publish' } }, async (request, reply) => {
    authorise(request, 'learning.publish');
    const event = await eventOr404((request.params as { id: string }).id, false);
    if (event.status === 'cancelled') throw new DomainError('GNM_NOT_FOUND');
    const sessions = await store.sessionsOf([event.id]);
    const [quotas, facilitators] = await Promise.all([store.quotasOf(sessions.map((s) => s.id)), store.facilitatorsOf(event.id)]);
    return renderForm(reply, 200, valuesOf(event, sessions, quotas, facilitators.map((f) => f.email)), [], event.id);
  });

  app.post('/admin/events/:id', { config: { access: 'learning.publish' } }, async (request, reply) => save(request, reply, (request.params as { id: string }).id));

  app.post('/admin/events/:id/publish', { config: { access: 'learning.publish' } }, async (request, reply) => {
    const user = authorise(request, 'learning.publish');
    const event = await eventOr404((request.params as { id: string }).id, false);
    await store.setStatus(event.id, 'published', user.id);
    return reply.redirect(localPath(request.lang, '/admin/events?done=published'), 303);
  });

  app.post('/admin/events/:id/cancel', { config: { access: 'learning.publish' } }, async (request, reply) => {
    const user = authorise(request, 'learning.publish');
    const event = await eventOr404((request.params as { id: string }).id, false);
    await service.cancelEvent(event.id, user.id);
    return reply.redirect(localPath(request.lang, '/admin/events?done=event-cancelled'), 303);
  });
}
