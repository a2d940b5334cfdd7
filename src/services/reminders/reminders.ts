// Required learning reminders and the line managers' weekly digest, run as
// scheduled jobs (daily at 07:00, the digest on Mondays at 07:30). For each
// active account linked to a staff record, the modules its organisation
// requires (refresher periods included: an expired completion no longer
// counts) decide which reminder is due (domain/learning/reminders.ts); each is
// recorded before it is queued, so it is sent once. Messages go in the
// person's recorded language, with a link to the module. A requirement that
// names an event (issue 16) is reminded of in the same way, with its own
// templates that name the event and link to its page.

import type { Config } from '../../config/env.js';
import type { ReminderRecipient, ReminderStore } from '../../db/stores/reminder-store.js';
import type { RequirementStore } from '../../db/stores/requirement-store.js';
import { calendarDateIn, reminderDue, requiredModulesFor, type CalendarDate, type LearningModule } from '../../domain/learning/index.js';
import { isLanguage, type Language } from '../../domain/i18n.js';
import type { EmailService, OutgoingEmail } from '../email/email-service.js';

export interface ReminderDeps {
  readonly requirements: RequirementStore;
  readonly reminders: ReminderStore;
  readonly modules: () => readonly LearningModule[];
  readonly email: EmailService;
  readonly config: Pick<Config, 'PUBLIC_URL' | 'REMINDER_DAYS_BEFORE' | 'REMINDER_OVERDUE_MAX'>;
}

export const REMINDERS_JOB = 'reminders-daily';
export const DIGEST_JOB = 'reminders-digest';

const dateFormats: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  cy: new Intl.DateTimeFormat('cy', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

function formatDate(date: CalendarDate, language: Language): string {
  return dateFormats[language].format(new Date(`${date}T00:00:00Z`));
}

function languageOf(person: ReminderRecipient): Language {
  return isLanguage(person.language) ? person.language : 'en';
}

function link(config: ReminderDeps['config'], language: Language, path: string): string {
  return `${config.PUBLIC_URL}${language === 'cy' ? '/cy' : ''}${path}`;
}

interface Target {
  readonly id: string;
  readonly kind: 'module' | 'event';
  readonly title: { readonly en: string; readonly cy: string };
  readonly path: string;
}

interface Outstanding {
  readonly person: ReminderRecipient;
  readonly module: Target;
  readonly dueDate: CalendarDate;
  readonly overdue: boolean;
}

/** Every required module not completed (or whose completion will expire), for every linked account. */
async function outstanding(deps: ReminderDeps, today: CalendarDate): Promise<Outstanding[]> {
  const offered = new Map<string, Target>(deps.modules().map((m) => [m.manifest.id, { id: m.manifest.id, kind: 'module', title: m.manifest.title, path: `/learn/${m.manifest.slug}` }]));
  for (const e of await deps.requirements.eventTargets()) offered.set(e.id, { id: e.id, kind: 'event', title: e.title, path: `/events/${encodeURIComponent(e.eventId)}` });
  const requirements = (await deps.requirements.list('all')).filter((r) => offered.has(r.moduleId));
  if (requirements.length === 0) return [];
  const people = await deps.reminders.recipients([...new Set(requirements.map((r) => r.organisationCode))]);
  const latest = await deps.requirements.completionsByStaff(people.map((p) => p.staffId), 'latest');
  const out: Outstanding[] = [];
  for (const person of people) {
    const done = latest.get(person.staffId) ?? new Map<string, Date>();
    for (const r of requiredModulesFor(person, requirements, done, today, done)) {
      const module = offered.get(r.moduleId);
      if (module === undefined) continue;
      if (r.status !== 'completed') out.push({ person, module, dueDate: r.dueDate, overdue: r.status === 'overdue' });
      // A completion that will soon stop counting (a refresher period): remind before it does.
      else if (r.renewBy !== undefined) out.push({ person, module, dueDate: r.renewBy, overdue: false });
    }
  }
  return out;
}

const TEMPLATE = {
  module: { before: 'reminder-due-soon', due: 'reminder-due-today', overdue: 'reminder-overdue' },
  event: { before: 'event-required-due-soon', due: 'event-required-due-today', overdue: 'event-required-overdue' },
} as const;

/** The day's reminders; returns how many were queued. */
export async function sendDailyReminders(deps: ReminderDeps, now = new Date()): Promise<number> {
  const today = calendarDateIn(now);
  const emails: OutgoingEmail[] = [];
  const keys: { userId: string; moduleId: string; dueDate: string; kind: string }[] = [];
  for (const item of await outstanding(deps, today)) {
    const kind = reminderDue(item.dueDate, today, deps.config.REMINDER_DAYS_BEFORE, deps.config.REMINDER_OVERDUE_MAX);
    if (kind === null) continue;
    const key = { userId: item.person.userId, moduleId: item.module.id, dueDate: item.dueDate, kind };
    if (!await deps.reminders.take(key.userId, key.moduleId, key.dueDate, key.kind)) continue;
    const language = languageOf(item.person);
    emails.push({
      template: TEMPLATE[item.module.kind][kind === 'before' || kind === 'due' ? kind : 'overdue'],
      to: { address: item.person.email, userId: item.person.userId, name: item.person.displayName },
      params: { module: item.module.title[language], dueDate: formatDate(item.dueDate, language), link: link(deps.config, language, item.module.path) },
      language,
    });
    keys.push(key);
  }
  const ids = await deps.email.sendEmails(emails);
  for (const [i, id] of ids.entries()) {
    const key = keys[i];
    if (key !== undefined) await deps.reminders.setMessage(key.userId, key.moduleId, key.dueDate, key.kind, id);
  }
  return ids.length;
}

/** Each line manager's weekly digest of their team's overdue learning; returns how many were queued. */
export async function sendManagerDigests(deps: ReminderDeps, now = new Date()): Promise<number> {
  const today = calendarDateIn(now);
  const byManager = new Map<string, Outstanding[]>();
  for (const item of await outstanding(deps, today)) {
    const manager = item.person.lineManagerAssignmentNumber;
    if (!item.overdue || manager === null) continue;
    byManager.set(manager, [...byManager.get(manager) ?? [], item]);
  }
  const managers = await deps.reminders.byAssignment([...byManager.keys()]);
  const emails: OutgoingEmail[] = [];
  for (const manager of managers) {
    const items = byManager.get(manager.assignmentNumber) ?? [];
    if (items.length === 0 || !await deps.reminders.take(manager.userId, '', today, 'digest')) continue;
    const language = languageOf(manager);
    emails.push({
      template: 'manager-digest',
      to: { address: manager.email, userId: manager.userId, name: manager.displayName },
      params: {
        count: items.length, link: link(deps.config, language, '/team'),
        items: items.map((i) => `${i.person.displayName}: ${i.module.title[language]} (${formatDate(i.dueDate, language)})`),
      },
      language,
    });
  }
  return (await deps.email.sendEmails(emails)).length;
}
