// Events: the list of published events with their upcoming sessions (filters
// by topic, online or in person, language of delivery, places left), an
// event's page (book, join the waiting list, cancel; the joining link shown
// only to people booked, from 30 minutes before the start), and for
// education leads the events admin page (create an event with one session,
// publish, cancel: everyone booked or waiting is emailed). Every form is a
// plain POST with a CSRF token and works without JavaScript; every change is
// audited by the store.

import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { JOIN_OPENS_BEFORE_MS, londonToUtc } from '../../domain/events/time.js';
import type { Booking, DeliveryLanguage, EventRecord, SessionRecord } from '../../db/stores/event-store.js';
import { EventsService } from '../../services/events/events-service.js';
import { authorise, currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

export const EVENT_TOPICS = ['pharmacogenomics', 'cancer-genomics', 'rare-disease', 'genomic-testing', 'ethics-and-consent', 'bioinformatics'] as const;
const DELIVERY_LANGUAGES: readonly DeliveryLanguage[] = ['en', 'cy', 'bilingual'];
const UUID = /^[0-9a-f-]{36}$/;

const ListQuery = z.object({
  topic: z.string().max(40).optional(),
  delivery: z.string().max(20).optional(),
  language: z.string().max(20).optional(),
  places: z.string().max(2).optional(),
});

const DoneQuery = z.object({ done: z.enum(['booked', 'waiting', 'cancelled', 'already', 'closed', 'created', 'published', 'event-cancelled']).optional() });

const CreateForm = z.object({
  titleEn: z.string().max(4000).default(''), titleCy: z.string().max(4000).default(''),
  summaryEn: z.string().max(4000).default(''), summaryCy: z.string().max(4000).default(''),
  descriptionEn: z.string().max(40000).default(''), descriptionCy: z.string().max(40000).default(''),
  topic: z.string().max(40).default(''), cpdHours: z.string().max(10).default(''),
  date: z.string().max(20).default(''), startTime: z.string().max(10).default(''), endTime: z.string().max(10).default(''),
  delivery: z.string().max(20).default(''), joinUrl: z.string().max(4000).default(''),
  venueName: z.string().max(4000).default(''), venueAddressEn: z.string().max(4000).default(''), venueAddressCy: z.string().max(4000).default(''),
  capacity: z.string().max(10).default(''), language: z.string().max(20).default(''),
});
type CreateValues = z.infer<typeof CreateForm>;

interface FieldError { readonly field: keyof CreateValues; readonly key: string }

/** The form's values checked; each problem names its field. */
function checkCreate(values: CreateValues, now: Date): { errors: FieldError[]; startsAt: Date | null; endsAt: Date | null } {
  const errors: FieldError[] = [];
  const required: (keyof CreateValues)[] = ['titleEn', 'titleCy', 'summaryEn', 'summaryCy', 'descriptionEn', 'descriptionCy'];
  for (const field of required) {
    const text = values[field].trim();
    if (text === '') errors.push({ field, key: 'events.admin.errors.required' });
    else if (text.length > (field.startsWith('description') ? 10_000 : 300)) errors.push({ field, key: 'events.admin.errors.tooLong' });
  }
  if (!(EVENT_TOPICS as readonly string[]).includes(values.topic)) errors.push({ field: 'topic', key: 'events.admin.errors.topic' });
  const hours = Number(values.cpdHours);
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(values.cpdHours.trim()) || hours <= 0 || hours > 40) errors.push({ field: 'cpdHours', key: 'events.admin.errors.cpdHours' });
  const startsAt = londonToUtc(values.date, values.startTime);
  const endsAt = londonToUtc(values.date, values.endTime);
  if (startsAt === null) errors.push({ field: 'date', key: 'events.admin.errors.date' });
  else if (startsAt <= now) errors.push({ field: 'date', key: 'events.admin.errors.past' });
  if (endsAt === null || (startsAt !== null && endsAt <= startsAt)) errors.push({ field: 'endTime', key: 'events.admin.errors.endTime' });
  if (values.delivery === 'online') {
    if (!/^https:\/\/[^\s<>"]+$/.test(values.joinUrl.trim())) errors.push({ field: 'joinUrl', key: 'events.admin.errors.joinUrl' });
  } else if (values.delivery === 'in-person') {
    if (values.venueName.trim() === '') errors.push({ field: 'venueName', key: 'events.admin.errors.required' });
    if (values.venueAddressEn.trim() === '') errors.push({ field: 'venueAddressEn', key: 'events.admin.errors.required' });
    if (values.venueAddressCy.trim() === '') errors.push({ field: 'venueAddressCy', key: 'events.admin.errors.required' });
  } else {
    errors.push({ field: 'delivery', key: 'events.admin.errors.delivery' });
  }
  if (!/^\d{1,5}$/.test(values.capacity.trim()) || Number(values.capacity) < 1 || Number(values.capacity) > 10_000) errors.push({ field: 'capacity', key: 'events.admin.errors.capacity' });
  if (!(DELIVERY_LANGUAGES as readonly string[]).includes(values.language)) errors.push({ field: 'language', key: 'events.admin.errors.language' });
  return { errors, startsAt, endsAt };
}

const EMPTY_FORM: CreateValues = CreateForm.parse({});

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  const service = new EventsService({ db: app.database.db, email: app.email, publicUrl: app.config.PUBLIC_URL });
  const store = service.store;

  const sessionView = (s: SessionRecord, booking: Booking | undefined, now: Date) => {
    const placesLeft = Math.max(0, s.capacity - s.booked);
    const open = now >= s.bookingOpensAt && now < s.bookingClosesAt;
    const mine = booking !== undefined && (booking.status === 'booked' || booking.status === 'waiting') ? booking.status : null;
    return {
      ...s, placesLeft, open, full: placesLeft === 0 || s.waiting > 0, mine,
      canCancel: mine !== null && now < s.startsAt,
      joinVisible: mine === 'booked' && s.delivery === 'online' && s.joinUrl !== null && now.getTime() >= s.startsAt.getTime() - JOIN_OPENS_BEFORE_MS && now < s.endsAt,
      joinOpensAt: new Date(s.startsAt.getTime() - JOIN_OPENS_BEFORE_MS),
      past: now >= s.endsAt,
    };
  };

  app.get('/events', { config: { access: 'signed-in' } }, async (request, reply) => {
    currentUser(request);
    const q = ListQuery.safeParse(request.query).data ?? {};
    const filters = {
      topic: (EVENT_TOPICS as readonly string[]).includes(q.topic ?? '') ? q.topic ?? '' : '',
      delivery: q.delivery === 'online' || q.delivery === 'in-person' ? q.delivery : '',
      language: (DELIVERY_LANGUAGES as readonly string[]).includes(q.language ?? '') ? q.language ?? '' : '',
      places: q.places === '1',
    };
    const now = new Date();
    const events = (await store.listEvents(['published'])).filter((e) => filters.topic === '' || e.topic === filters.topic);
    const sessions = await store.sessionsOf(events.map((e) => e.id), now);
    const shown = events.map((event) => ({
      event,
      sessions: sessions.filter((s) => s.eventId === event.id)
        .filter((s) => (filters.delivery === '' || s.delivery === filters.delivery) && (filters.language === '' || s.language === filters.language))
        .filter((s) => !filters.places || (s.capacity - s.booked > 0 && s.waiting === 0))
        .map((s) => sessionView(s, undefined, now)),
    })).filter((e) => e.sessions.length > 0)
      .sort((a, b) => (a.sessions[0]?.startsAt.getTime() ?? 0) - (b.sessions[0]?.startsAt.getTime() ?? 0));
    const filtered = filters.topic !== '' || filters.delivery !== '' || filters.language !== '' || filters.places;
    return reply.render('pages/events/list.njk', { events: shown, filters, filtered, topics: EVENT_TOPICS, languages: DELIVERY_LANGUAGES });
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
    const sessions = await store.sessionsOf([event.id]);
    const bookings = await store.bookingsOf(user.id, sessions.map((s) => s.id));
    const done = DoneQuery.safeParse(request.query).data?.done ?? null;
    return reply.render('pages/events/event.njk', {
      event, done,
      upcoming: sessions.filter((s) => s.endsAt > now).map((s) => sessionView(s, bookings.find((b) => b.sessionId === s.id), now)),
      past: sessions.filter((s) => s.endsAt <= now).map((s) => sessionView(s, bookings.find((b) => b.sessionId === s.id), now)),
    });
  });

  const sessionOf = async (request: FastifyRequest): Promise<{ event: EventRecord; sessionId: string }> => {
    const { id, sessionId } = request.params as { id: string; sessionId: string };
    const event = await eventOr404(id, true);
    const session = UUID.test(sessionId) ? await store.findSession(sessionId) : undefined;
    if (session?.eventId !== event.id) throw new DomainError('GNM_NOT_FOUND');
    return { event, sessionId };
  };

  app.post('/events/:id/sessions/:sessionId/book', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { event, sessionId } = await sessionOf(request);
    const result = await service.book(sessionId, user.id);
    const done = result.outcome === 'not-found' ? 'closed' : result.outcome;
    return reply.redirect(localPath(request.lang, `/events/${event.id}?done=${done}#session-${sessionId}`), 303);
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

  app.get('/admin/events/new', { config: { access: 'learning.publish' } }, async (request, reply) => {
    authorise(request, 'learning.publish');
    return reply.render('pages/events/new.njk', { values: EMPTY_FORM, errors: [], errorKeys: {}, topics: EVENT_TOPICS, languages: DELIVERY_LANGUAGES });
  });

  app.post('/admin/events', { config: { access: 'learning.publish' } }, async (request, reply) => {
    const user = authorise(request, 'learning.publish');
    const parsed = CreateForm.safeParse(request.body ?? {});
    const values = parsed.success ? parsed.data : EMPTY_FORM;
    const checked = parsed.success ? checkCreate(values, new Date()) : { errors: [{ field: 'titleEn' as const, key: 'events.admin.errors.tooLong' }], startsAt: null, endsAt: null };
    if (checked.errors.length > 0 || checked.startsAt === null || checked.endsAt === null) {
      return reply.code(400).render('pages/events/new.njk', { values, errors: checked.errors, errorKeys: Object.fromEntries(checked.errors.map((e) => [e.field, e.key])), topics: EVENT_TOPICS, languages: DELIVERY_LANGUAGES });
    }
    const online = values.delivery === 'online';
    const { event } = await service.store.createEvent({
      title: { en: values.titleEn.trim(), cy: values.titleCy.trim() }, summary: { en: values.summaryEn.trim(), cy: values.summaryCy.trim() },
      description: { en: values.descriptionEn.trim(), cy: values.descriptionCy.trim() }, topic: values.topic, cpdHours: Number(values.cpdHours),
    }, {
      startsAt: checked.startsAt, endsAt: checked.endsAt, delivery: online ? 'online' : 'in-person', joinUrl: online ? values.joinUrl.trim() : null,
      venueName: online ? null : values.venueName.trim(), venueAddress: online ? null : { en: values.venueAddressEn.trim(), cy: values.venueAddressCy.trim() },
      capacity: Number(values.capacity), bookingOpensAt: new Date(), bookingClosesAt: checked.startsAt, language: values.language as DeliveryLanguage,
    }, user.id);
    return reply.redirect(localPath(request.lang, `/admin/events?done=created#event-${event.id}`), 303);
  });

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
