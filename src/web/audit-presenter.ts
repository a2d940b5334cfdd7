// The audit log as a person investigating reads it: who acted and on what,
// by name and linked (never a truncated id), and each entry's before and
// after side by side. Also the same entries as CSV rows. Presents only; the
// store finds the entries and the names.

import type { AuditEvent, AuditNames } from '../db/stores/audit-store.js';
import type { Translate } from './i18n.js';

export interface AuditChange {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export interface AuditRow {
  readonly id: number;
  readonly at: Date;
  readonly action: string;
  readonly actionLabel: string;
  readonly actor: { readonly name: string; readonly detail: string; readonly href: string | null } | null;
  readonly target: { readonly kind: string; readonly name: string; readonly detail: string; readonly href: string | null };
  readonly organisationCode: string | null;
  readonly changes: readonly AuditChange[];
}

// Where each kind of record is looked at, for the records that have a page.
const PAGES: Readonly<Record<string, (id: string) => string>> = {
  user: (id) => `/admin/users/${id}`,
  staff: (id) => `/staff/${id}`,
  workforce_scenario: (id) => `/plan/scenarios/${id}`,
  workforce_run: (id) => `/plan/runs/${id}`,
  learning_requirement: (id) => `/admin/learning/requirements/${id}`,
};

function shown(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Field by field: a value before, after, or both. Values that are not objects show as one field. */
export function changesOf(before: unknown, after: unknown, t?: Translate, orgName: (code: string) => string = (code) => code): AuditChange[] {
  const changes = rawChangesOf(before, after);
  if (t === undefined) return changes;
  // Field names and roles in the reader's language where there are words for them; otherwise as stored.
  const named = (key: string, fallback: string) => {
    const text = t(key);
    return text.startsWith('[') ? fallback : text;
  };
  const value = (field: string, v: string) => (v === '' ? v : field === 'role' ? named(`roles.${v}`, v) : field === 'organisationCode' ? orgName(v) : v);
  return changes.map((c) => ({ field: c.field === '' ? '' : named(`audit.fields.${c.field}`, c.field), before: value(c.field, c.before), after: value(c.field, c.after) }));
}

function rawChangesOf(before: unknown, after: unknown): AuditChange[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(before) && !isRecord(after)) {
    return before === null && after === null ? [] : [{ field: '', before: shown(before), after: shown(after) }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields.map((field) => ({ field, before: shown(b[field]), after: shown(a[field]) }));
}

function nameFromValues(event: AuditEvent): string | null {
  for (const values of [event.after, event.before]) {
    if (typeof values === 'object' && values !== null) {
      const name = (values as Record<string, unknown>)['name'] ?? (values as Record<string, unknown>)['title'];
      if (typeof name === 'string' && name !== '') return name;
    }
  }
  return null;
}

export function presentAuditEvents(events: readonly AuditEvent[], names: AuditNames, t: Translate, path: (p: string) => string, orgName?: (code: string) => string): AuditRow[] {
  return events.map((e) => {
    const actorName = e.actorUserId === null ? undefined : names.users.get(e.actorUserId);
    const actor = e.actorUserId === null ? null : {
      name: actorName?.displayName ?? t('audit.unknownPerson'),
      detail: actorName?.email ?? e.actorUserId,
      href: path(`/admin/users/${e.actorUserId}`),
    };
    const page = PAGES[e.entityType];
    let name = nameFromValues(e) ?? e.entityId;
    let detail = name === e.entityId ? '' : e.entityId;
    if (e.entityType === 'user') {
      const user = names.users.get(e.entityId);
      name = user?.displayName ?? t('audit.unknownPerson');
      detail = user?.email ?? e.entityId;
    } else if (e.entityType === 'staff') {
      const staff = names.staff.get(e.entityId);
      if (staff !== undefined) {
        name = staff.name;
        detail = staff.assignmentNumber;
      }
    }
    return {
      id: e.id,
      at: e.at,
      action: e.action,
      actionLabel: t(`audit.actions.${e.action}`),
      actor,
      target: { kind: t(`audit.entities.${e.entityType}`), name, detail, href: page === undefined ? null : path(page(e.entityId)) },
      organisationCode: e.organisationCode,
      changes: changesOf(e.before, e.after, t, orgName),
    };
  });
}

/** A CSV field, quoted when it must be, and never read as a formula by a spreadsheet. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsvHeader(t: Translate): string[] {
  return ['id', 'at', 'action', t('audit.action'), 'actor_user_id', t('audit.actor'), 'entity_type', t('audit.entity'), 'entity_id', 'organisation_code', 'before', 'after'];
}

export function auditCsvRow(e: AuditEvent, row: AuditRow): string[] {
  return [String(e.id), e.at.toISOString(), e.action, row.actionLabel, e.actorUserId ?? '', row.actor?.name ?? '', e.entityType, row.target.name, e.entityId,
    e.organisationCode ?? '', e.before === null ? '' : JSON.stringify(e.before), e.after === null ? '' : JSON.stringify(e.after)];
}
