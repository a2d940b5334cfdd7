// The event form (create and edit): the event in English and Welsh, what it is
// for (audience staff groups, literacy level, competencies, modules to do
// before or after), facilitators (accounts, by email), manager approval, and
// one or more sessions, each with its time, place, capacity, language, booking
// window and places reserved for any number of organisations (quotas).
// Sessions, and a session's organisation rows, are added and removed without
// JavaScript: "Add another session", "Remove session N", "Add another
// organisation" and "Remove organisation N" are submit buttons that redraw
// the form with what was typed, saving nothing.
// Pure: values in, values and problems (each naming its field) out.

import { LITERACY_LEVEL_CODES } from '../../domain/learning/content-schema.js';
import { COMPETENCIES } from '../../domain/learning/competency-framework.js';
import { ORGANISATIONS, STAFF_GROUPS } from '../../domain/staff/reference-data.js';
import { londonToUtc } from '../../domain/events/time.js';
import type { DeliveryLanguage, EventInput, EventRecord, Quota, SessionInput, SessionRecord } from '../../db/stores/event-store.js';

export const EVENT_TOPICS = ['pharmacogenomics', 'cancer-genomics', 'rare-disease', 'genomic-testing', 'ethics-and-consent', 'bioinformatics'] as const;
export const DELIVERY_LANGUAGES: readonly DeliveryLanguage[] = ['en', 'cy', 'bilingual'];
export const MAX_SESSIONS = 20;
/** Organisation rows a session can have: one per organisation at most. */
export const MAX_QUOTAS = ORGANISATIONS.length;

const EVENT_TEXT = ['titleEn', 'titleCy', 'summaryEn', 'summaryCy', 'descriptionEn', 'descriptionCy', 'topic', 'cpdHours', 'literacyLevel', 'facilitators'] as const;
const EVENT_LISTS = ['audience', 'competencies', 'modulesBefore', 'modulesAfter'] as const;
export const SESSION_FIELDS = ['id', 'date', 'startTime', 'endTime', 'delivery', 'joinUrl', 'venueName', 'venueAddressEn', 'venueAddressCy', 'capacity', 'language',
  'opensDate', 'opensTime', 'closesDate', 'closesTime'] as const;
/** A session's organisation row j is posted as s{i}-quotaOrg-{j}, s{i}-quotaPlaces-{j}, s{i}-quotaUntil-{j}. */
export const QUOTA_FIELDS = ['quotaOrg', 'quotaPlaces', 'quotaUntil'] as const;

export type QuotaValues = Record<(typeof QUOTA_FIELDS)[number], string>;
export type SessionValues = Record<(typeof SESSION_FIELDS)[number], string> & { quotas: QuotaValues[] };
export type EventValues = Record<(typeof EVENT_TEXT)[number], string> & Record<(typeof EVENT_LISTS)[number], string[]> & { approvalRequired: boolean; sessions: SessionValues[] };

export interface FieldError { readonly field: string; readonly key: string; readonly session?: number; readonly quota?: number }

export const blankQuota = (): QuotaValues => ({ quotaOrg: '', quotaPlaces: '', quotaUntil: '' });
export const blankSession = (): SessionValues => ({ ...Object.fromEntries(SESSION_FIELDS.map((f) => [f, ''])) as Record<(typeof SESSION_FIELDS)[number], string>, quotas: [blankQuota()] });

export function blankEvent(): EventValues {
  return {
    ...Object.fromEntries(EVENT_TEXT.map((f) => [f, ''])) as Record<(typeof EVENT_TEXT)[number], string>,
    audience: [], competencies: [], modulesBefore: [], modulesAfter: [], approvalRequired: false, sessions: [blankSession()],
  };
}

const text = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, max) : '');
const many = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 100) : []);

export type FormAction = { kind: 'save' } | { kind: 'add' } | { kind: 'remove'; index: number } | { kind: 'add-quota'; session: number } | { kind: 'remove-quota'; session: number; index: number };

/** What was posted, as form values, and what the button pressed asks for. */
export function readForm(body: unknown): { values: EventValues; action: FormAction } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const values = blankEvent();
  for (const f of EVENT_TEXT) values[f] = text(b[f], f.startsWith('description') ? 40_000 : f === 'facilitators' ? 4000 : 4000);
  for (const f of EVENT_LISTS) values[f] = many(b[f]);
  values.approvalRequired = text(b['approvalRequired'], 2) === '1';
  const count = Math.min(MAX_SESSIONS, Math.max(1, Number.parseInt(text(b['sessionCount'], 3), 10) || 1));
  values.sessions = Array.from({ length: count }, (_, i) => {
    const p = `s${String(i)}-`;
    const quotaCount = Math.min(MAX_QUOTAS, Math.max(1, Number.parseInt(text(b[`${p}quotaCount`], 3), 10) || 1));
    return {
      ...Object.fromEntries(SESSION_FIELDS.map((f) => [f, text(b[`${p}${f}`], 4000)])) as Record<(typeof SESSION_FIELDS)[number], string>,
      quotas: Array.from({ length: quotaCount }, (_, j) => Object.fromEntries(QUOTA_FIELDS.map((f) => [f, text(b[`${p}${f}-${String(j)}`], 100)])) as QuotaValues),
    };
  });
  const action = text(b['action'], 20);
  const remove = /^remove-(\d{1,2})$/.exec(action);
  const addQuota = /^add-quota-(\d{1,2})$/.exec(action);
  const removeQuota = /^remove-quota-(\d{1,2})-(\d{1,2})$/.exec(action);
  if (action === 'add-session') return { values, action: { kind: 'add' } };
  if (remove !== null) return { values, action: { kind: 'remove', index: Number(remove[1]) } };
  if (addQuota !== null) return { values, action: { kind: 'add-quota', session: Number(addQuota[1]) } };
  if (removeQuota !== null) return { values, action: { kind: 'remove-quota', session: Number(removeQuota[1]), index: Number(removeQuota[2]) } };
  return { values, action: { kind: 'save' } };
}

/** The form redrawn for a button that adds or removes a session or an organisation row (nothing saved); null when the form is to be saved. */
export function redrawForm(values: EventValues, action: FormAction): EventValues | null {
  const withSession = (index: number, change: (s: SessionValues) => SessionValues): EventValues => ({ ...values, sessions: values.sessions.map((s, i) => (i === index ? change(s) : s)) });
  switch (action.kind) {
    case 'save': return null;
    case 'add': return { ...values, sessions: values.sessions.length >= MAX_SESSIONS ? values.sessions : [...values.sessions, blankSession()] };
    case 'remove': return { ...values, sessions: values.sessions.length <= 1 ? values.sessions : values.sessions.filter((_, i) => i !== action.index) };
    case 'add-quota': return withSession(action.session, (s) => ({ ...s, quotas: s.quotas.length >= MAX_QUOTAS ? s.quotas : [...s.quotas, blankQuota()] }));
    // Removing the only row leaves it blank (the way to take a session's last quota away).
    case 'remove-quota': return withSession(action.session, (s) => ({ ...s, quotas: s.quotas.length <= 1 ? [blankQuota()] : s.quotas.filter((_, j) => j !== action.index) }));
  }
}


const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** A UTC instant as London date (YYYY-MM-DD) and time (HH:MM). */
export function londonParts(instant: Date): { date: string; time: string } {
  const p = Object.fromEntries(LONDON.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p['year'] ?? ''}-${p['month'] ?? ''}-${p['day'] ?? ''}`, time: `${p['hour'] ?? ''}:${p['minute'] ?? ''}` };
}

/** The form's values for an event as saved. */
export function valuesOf(event: EventRecord, sessions: readonly SessionRecord[], quotas: ReadonlyMap<string, readonly Quota[]>, facilitatorEmails: readonly string[]): EventValues {
  return {
    titleEn: event.title.en, titleCy: event.title.cy, summaryEn: event.summary.en, summaryCy: event.summary.cy, descriptionEn: event.description.en, descriptionCy: event.description.cy,
    topic: event.topic, cpdHours: String(event.cpdHours), literacyLevel: event.literacyLevel ?? '', facilitators: facilitatorEmails.join('\n'),
    audience: [...event.audienceStaffGroups], competencies: [...event.competencies], modulesBefore: [...event.modulesBefore], modulesAfter: [...event.modulesAfter],
    approvalRequired: event.approvalRequired,
    sessions: sessions.map((s) => {
      const start = londonParts(s.startsAt);
      const opens = londonParts(s.bookingOpensAt);
      const closes = londonParts(s.bookingClosesAt);
      const saved = quotas.get(s.id) ?? [];
      return {
        id: s.id, date: start.date, startTime: start.time, endTime: londonParts(s.endsAt).time, delivery: s.delivery, joinUrl: s.joinUrl ?? '', venueName: s.venueName ?? '',
        venueAddressEn: s.venueAddress?.en ?? '', venueAddressCy: s.venueAddress?.cy ?? '', capacity: String(s.capacity), language: s.language,
        opensDate: opens.date, opensTime: opens.time, closesDate: closes.date, closesTime: closes.time,
        quotas: saved.length === 0 ? [blankQuota()] : saved.map((q) => ({ quotaOrg: q.organisationCode, quotaPlaces: String(q.places), quotaUntil: londonParts(q.reservedUntil).date })),
      };
    }),
  };
}

export interface CheckedEvent {
  readonly errors: FieldError[];
  readonly event: EventInput | null;
  readonly sessions: { readonly id: string | null; readonly session: SessionInput; readonly quotas: Quota[] }[];
  readonly facilitatorEmails: string[];
}

/**
 * Check the form. `existing` are the event's sessions as saved (an edit):
 * a session that has started keeps its time, and booking may have opened in
 * the past; a new session must start in the future.
 */
export function checkEvent(values: EventValues, moduleSlugs: ReadonlySet<string>, now: Date, existing: readonly SessionRecord[] = []): CheckedEvent {
  const errors: FieldError[] = [];
  const required = ['titleEn', 'titleCy', 'summaryEn', 'summaryCy', 'descriptionEn', 'descriptionCy'] as const;
  for (const field of required) {
    const v = values[field].trim();
    if (v === '') errors.push({ field, key: 'events.admin.errors.required' });
    else if (v.length > (field.startsWith('description') ? 10_000 : 300)) errors.push({ field, key: 'events.admin.errors.tooLong' });
  }
  if (!(EVENT_TOPICS as readonly string[]).includes(values.topic)) errors.push({ field: 'topic', key: 'events.admin.errors.topic' });
  const hours = Number(values.cpdHours);
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(values.cpdHours.trim()) || hours <= 0 || hours > 40) errors.push({ field: 'cpdHours', key: 'events.admin.errors.cpdHours' });
  if (values.literacyLevel !== '' && !(LITERACY_LEVEL_CODES as readonly string[]).includes(values.literacyLevel)) errors.push({ field: 'literacyLevel', key: 'events.admin.errors.choice' });
  const groups = new Set(STAFF_GROUPS.map((g) => g.code));
  if (values.audience.some((a) => !groups.has(a))) errors.push({ field: 'audience', key: 'events.admin.errors.choice' });
  const competencies = new Set(COMPETENCIES.map((c) => c.id));
  if (values.competencies.some((c) => !competencies.has(c))) errors.push({ field: 'competencies', key: 'events.admin.errors.choice' });
  if (values.modulesBefore.some((m) => !moduleSlugs.has(m))) errors.push({ field: 'modulesBefore', key: 'events.admin.errors.choice' });
  if (values.modulesAfter.some((m) => !moduleSlugs.has(m))) errors.push({ field: 'modulesAfter', key: 'events.admin.errors.choice' });
  const facilitatorEmails = [...new Set(values.facilitators.split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];
  if (facilitatorEmails.length > 20 || facilitatorEmails.some((e) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e))) errors.push({ field: 'facilitators', key: 'events.admin.errors.facilitators' });

  const organisations = new Set(ORGANISATIONS.map((o) => o.code));
  const sessions: CheckedEvent['sessions'] = [];
  values.sessions.forEach((s, i) => {
    const err = (field: string, key: string) => errors.push({ field: `s${String(i)}-${field}`, key, session: i });
    const before = s.id === '' ? undefined : existing.find((e) => e.id === s.id);
    if (s.id !== '' && before === undefined) err('date', 'events.admin.errors.date');
    const startsAt = londonToUtc(s.date, s.startTime);
    const endsAt = londonToUtc(s.date, s.endTime);
    const unchanged = before !== undefined && startsAt !== null && startsAt.getTime() === before.startsAt.getTime();
    if (startsAt === null) err('date', 'events.admin.errors.date');
    else if (startsAt <= now && !unchanged) err('date', 'events.admin.errors.past');
    if (endsAt === null || (startsAt !== null && endsAt <= startsAt)) err('endTime', 'events.admin.errors.endTime');
    if (s.delivery === 'online') {
      if (!/^https:\/\/[^\s<>"]+$/.test(s.joinUrl.trim())) err('joinUrl', 'events.admin.errors.joinUrl');
    } else if (s.delivery === 'in-person') {
      if (s.venueName.trim() === '') err('venueName', 'events.admin.errors.required');
      if (s.venueAddressEn.trim() === '') err('venueAddressEn', 'events.admin.errors.required');
      if (s.venueAddressCy.trim() === '') err('venueAddressCy', 'events.admin.errors.required');
    } else {
      err('delivery', 'events.admin.errors.delivery');
    }
    const capacity = Number(s.capacity);
    const capacityValid = /^\d{1,5}$/.test(s.capacity.trim()) && capacity >= 1 && capacity <= 10_000;
    if (!capacityValid) err('capacity', 'events.admin.errors.capacity');
    if (!(DELIVERY_LANGUAGES as readonly string[]).includes(s.language)) err('language', 'events.admin.errors.language');
    // The booking window: opens now (or when it opened) unless given; closes at the start unless given.
    let opensAt: Date | null = before?.bookingOpensAt ?? now;
    if (s.opensDate.trim() !== '' || s.opensTime.trim() !== '') {
      opensAt = londonToUtc(s.opensDate, s.opensTime === '' ? '00:00' : s.opensTime);
      if (opensAt === null) err('opensDate', 'events.admin.errors.window');
    }
    let closesAt: Date | null = startsAt;
    if (s.closesDate.trim() !== '' || s.closesTime.trim() !== '') {
      closesAt = londonToUtc(s.closesDate, s.closesTime === '' ? '23:59' : s.closesTime);
      if (closesAt === null) err('closesDate', 'events.admin.errors.window');
    }
    if (opensAt !== null && closesAt !== null && startsAt !== null && (closesAt <= opensAt || closesAt > startsAt)) err('closesDate', 'events.admin.errors.windowOrder');
    const quotas = checkQuotas(s.quotas, capacityValid ? capacity : null, startsAt, organisations, (field, j, key) => errors.push({ field: `s${String(i)}-${field}-${String(j)}`, key, session: i, quota: j }));
    if (startsAt !== null && endsAt !== null && opensAt !== null && closesAt !== null) {
      const online = s.delivery === 'online';
      sessions.push({
        id: before?.id ?? null, quotas,
        session: {
          startsAt, endsAt, delivery: online ? 'online' : 'in-person', joinUrl: online ? s.joinUrl.trim() : null,
          venueName: online ? null : s.venueName.trim(), venueAddress: online ? null : { en: s.venueAddressEn.trim(), cy: s.venueAddressCy.trim() },
          capacity, bookingOpensAt: opensAt, bookingClosesAt: closesAt, language: s.language as DeliveryLanguage,
        },
      });
    }
  });
  if (errors.length > 0) return { errors, event: null, sessions: [], facilitatorEmails };
  return {
    errors, facilitatorEmails, sessions,
    event: {
      title: { en: values.titleEn.trim(), cy: values.titleCy.trim() }, summary: { en: values.summaryEn.trim(), cy: values.summaryCy.trim() },
      description: { en: values.descriptionEn.trim(), cy: values.descriptionCy.trim() }, topic: values.topic, cpdHours: hours,
      audienceStaffGroups: values.audience, literacyLevel: values.literacyLevel === '' ? null : values.literacyLevel, competencies: values.competencies,
      modulesBefore: values.modulesBefore, modulesAfter: values.modulesAfter, approvalRequired: values.approvalRequired,
    },
  };
}


/**
 * A session's organisation rows: a blank row is ignored; each other row needs
 * an organisation (not one already given a row above it), a whole number of
 * places of 1 or more, and a real date before the day of the session (the
 * places are kept until the end of that day, UK time). The places of all rows
 * together must fit in the session (`capacity`, when that is valid): the row
 * that goes past it is named. The quotas come back in organisation code order,
 * the order the store gives them in.
 */
function checkQuotas(rows: readonly QuotaValues[], capacity: number | null, startsAt: Date | null, organisations: ReadonlySet<string>,
  err: (field: (typeof QUOTA_FIELDS)[number], row: number, key: string) => void): Quota[] {
  const quotas: Quota[] = [];
  const seen = new Set<string>();
  let total = 0;
  let placesValid = true;
  let totalNamed = false;
  rows.forEach((q, j) => {
    if (q.quotaOrg === '' && q.quotaPlaces.trim() === '' && q.quotaUntil.trim() === '') return;
    if (!organisations.has(q.quotaOrg)) err('quotaOrg', j, 'events.admin.errors.quotaOrg');
    else if (seen.has(q.quotaOrg)) err('quotaOrg', j, 'events.admin.quotas.errors.duplicate');
    seen.add(q.quotaOrg);
    const places = Number(q.quotaPlaces.trim());
    if (!/^\d{1,5}$/.test(q.quotaPlaces.trim()) || places < 1) {
      err('quotaPlaces', j, 'events.admin.errors.quotaPlaces');
      placesValid = false;
    } else {
      total += places;
      if (placesValid && !totalNamed && capacity !== null && total > capacity) {
        err('quotaPlaces', j, 'events.admin.quotas.errors.total');
        totalNamed = true;
      }
    }
    const until = londonToUtc(q.quotaUntil.trim(), '23:59');
    if (until === null || (startsAt !== null && until > startsAt)) err('quotaUntil', j, 'events.admin.errors.quotaUntil');
    if (until !== null) quotas.push({ organisationCode: q.quotaOrg, places, reservedUntil: until });
  });
  return quotas.sort((a, b) => (a.organisationCode < b.organisationCode ? -1 : a.organisationCode > b.organisationCode ? 1 : 0));
}
