// Managing who holds which role, and reading the audit log. Organisation
// administrators manage roles within their own organisations; platform
// administrators manage all roles everywhere.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canGrant, isRole, organisationsWhere, ORGANISATION_SCOPED_ROLES, removesOwnLastAdministratorRole, ROLES, validateGrant, type RoleGrant } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import { ORGANISATIONS, organisationByCode } from '../../domain/staff/index.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { formErrors, type FieldError } from '../form-errors.js';
import type { User } from '../../db/stores/user-store.js';
import type { AuditFilter } from '../../db/stores/audit-store.js';
import { auditCsvHeader, auditCsvRow, csvField, presentAuditEvents } from '../audit-presenter.js';

const GrantSchema = z.object({
  role: z.string().refine(isRole),
  organisationCode: z.string().trim().max(10).optional(),
});

const DoneSchema = z.object({
  done: z.enum(['grant', 'revoke']).optional(),
  role: z.string().refine(isRole).optional(),
  organisationCode: z.string().max(10).optional(),
});

const AuditQuerySchema = z.object({
  who: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  organisation: z.string().trim().max(10).optional(),
  from: z.string().trim().max(20).optional(),
  to: z.string().trim().max(20).optional(),
  q: z.string().trim().max(200).optional(),
  before: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().positive().optional(),
});

/**
 * The moment a day (YYYY-MM-DD, plus some days) starts in Wales, as the log
 * shows its times in Europe/London; null when the text is not a real date.
 */
function startOfLondonDay(text: string, plusDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const midnight = utc + plusDays * 86_400_000;
  // London is on UTC or an hour ahead: the hour there at UTC midnight says which.
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(new Date(midnight)));
  return new Date(midnight - hour * 3_600_000);
}

function doneQuery(action: 'grant' | 'revoke' | null, grant: RoleGrant): string {
  const query = new URLSearchParams();
  if (action !== null) query.set('done', action);
  query.set('role', grant.role);
  if (grant.organisationCode !== null) query.set('organisationCode', grant.organisationCode);
  return query.toString();
}

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/users', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const users = await app.stores.users.list({ organisationCodes: orgs, limit: 200 });
    const query = DoneSchema.safeParse(request.query);
    const done = query.success && query.data.done === 'revoke' && query.data.role !== undefined
      ? { role: query.data.role, organisationCode: query.data.organisationCode ?? null }
      : undefined;
    return reply.render('pages/admin/users.njk', { users, done });
  });

  const loadTarget = async (id: string, orgs: 'all' | readonly string[]) => {
    const target = await app.stores.users.findById(id);
    if (target === undefined) throw new DomainError('GNM_NOT_FOUND');
    if (orgs !== 'all') {
      const visible = await app.stores.users.list({ organisationCodes: orgs, limit: 100000 });
      if (!visible.some((u) => u.id === id)) throw new DomainError('GNM_NOT_FOUND');
    }
    return target;
  };

  const userPage = async (request: FastifyRequest, reply: FastifyReply, target: User, extra: Record<string, unknown> = {}) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const staff = target.staffId === null ? undefined : await app.stores.staff.findById(target.staffId);
    const grantable = ROLES.filter((role) => ORGANISATION_SCOPED_ROLES.has(role)
      ? ORGANISATIONS.some((o) => canGrant(principalOf(user), { role, organisationCode: o.code }))
      : canGrant(principalOf(user), { role, organisationCode: null }));
    const organisations = ORGANISATIONS.filter((o) => orgs === 'all' || orgs.includes(o.code));
    // Only the roles this administrator could give are theirs to remove.
    const removable = target.grants.map((g) => canGrant(principalOf(user), g));
    return reply.render('pages/admin/user.njk', { target, staff, grantable, organisations, removable, scopedRoles: [...ORGANISATION_SCOPED_ROLES], values: {}, ...extra });
  };

  app.get('/admin/users/:id', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const query = DoneSchema.safeParse(request.query);
    const done = query.success && query.data.done !== undefined && query.data.role !== undefined
      ? { action: query.data.done, role: query.data.role, organisationCode: query.data.organisationCode ?? null }
      : undefined;
    return userPage(request, reply, target, { done });
  });

  /** The grant a form names, or the field that is wrong and why. */
  const grantFrom = (body: unknown): { grant: RoleGrant } | { error: FieldError<'role' | 'organisationCode'>; values: Record<string, string> } => {
    const parsed = GrantSchema.safeParse(body);
    const role = (body as { role?: unknown } | null)?.role;
    const values = { role: typeof role === 'string' ? role : '', organisationCode: parsed.success ? parsed.data.organisationCode ?? '' : '' };
    if (!parsed.success || !isRole(parsed.data.role)) return { error: { field: 'role', key: 'users.errors.roleRequired' }, values };
    const chosen = parsed.data.role;
    const code = parsed.data.organisationCode ?? '';
    if (!ORGANISATION_SCOPED_ROLES.has(chosen)) return { grant: { role: chosen, organisationCode: null } };
    if (code === '') return { error: { field: 'organisationCode', key: 'users.errors.organisationRequired' }, values };
    if (organisationByCode(code) === undefined) return { error: { field: 'organisationCode', key: 'users.errors.organisationUnknown' }, values };
    return { grant: { role: chosen, organisationCode: code } };
  };

  app.post('/admin/users/:id/roles', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const form = grantFrom(request.body);
    // A role that needs an organisation, given without one, is a mistake in the form, not a refusal (issue 14 item 9).
    if ('error' in form) return userPage(request, reply.code(400), target, { ...formErrors([form.error]), values: form.values });
    if (!validateGrant(form.grant) || !canGrant(principalOf(user), form.grant)) throw new DomainError('GNM_ROLE_SCOPE');
    await app.stores.users.grant(target.id, form.grant, user.id);
    return reply.redirect(localPath(request.lang, `/admin/users/${target.id}?${doneQuery('grant', form.grant)}`), 303);
  });

  const removal = async (request: FastifyRequest, source: unknown) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const form = grantFrom(source);
    if ('error' in form) throw new DomainError('GNM_VALIDATION', { field: form.error.field });
    const grant = form.grant;
    if (!canGrant(principalOf(user), grant)) throw new DomainError('GNM_ROLE_SCOPE');
    const held = target.grants.some((g) => g.role === grant.role && g.organisationCode === grant.organisationCode);
    if (!held) throw new DomainError('GNM_NOT_FOUND');
    return { user, target, grant, lastAdmin: removesOwnLastAdministratorRole(principalOf(user), principalOf(target), grant) };
  };

  // Removing a role asks first, on a page of its own (works without JavaScript).
  app.get('/admin/users/:id/roles/remove', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const { target, grant, lastAdmin } = await removal(request, request.query);
    const errors = lastAdmin ? [{ field: 'confirm', key: 'users.errors.lastAdminRole' }] : [];
    return reply.code(lastAdmin ? 409 : 200).render('pages/admin/role-remove.njk', { target, grant, errors, lastAdmin });
  });

  app.post('/admin/users/:id/roles/revoke', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const { user, target, grant, lastAdmin } = await removal(request, request.body);
    if (lastAdmin) {
      return reply.code(409).render('pages/admin/role-remove.njk', { target, grant, errors: [{ field: 'confirm', key: 'users.errors.lastAdminRole' }], lastAdmin });
    }
    // A form that did not come through the confirmation page goes there first.
    if ((request.body as { confirm?: unknown } | null)?.confirm !== 'yes') {
      return reply.redirect(localPath(request.lang, `/admin/users/${target.id}/roles/remove?${doneQuery(null, grant)}`), 303);
    }
    await app.stores.users.revoke(target.id, grant, user.id);
    // Without a role in the administrator's organisations, the person is no longer theirs to see.
    const stillVisible = await loadTarget(target.id, organisationsWhere(principalOf(user), 'roles.manage')).then(() => true, () => false);
    return reply.redirect(localPath(request.lang, stillVisible ? `/admin/users/${target.id}?${doneQuery('revoke', grant)}` : `/admin/users?${doneQuery('revoke', grant)}`), 303);
  });

  /** The filters of the audit page's form, checked; a date that is not a date is an error on its field. */
  const auditFilterFrom = (query: unknown): { filter: AuditFilter; values: Record<string, string>; errors: FieldError[] } => {
    const parsed = AuditQuerySchema.safeParse(query);
    const v = parsed.success ? parsed.data : {};
    const values = { who: v.who ?? '', action: v.action ?? '', organisation: v.organisation ?? '', from: v.from ?? '', to: v.to ?? '', q: v.q ?? '' };
    const errors: FieldError[] = [];
    const from = values.from === '' ? undefined : startOfLondonDay(values.from);
    const to = values.to === '' ? undefined : startOfLondonDay(values.to, 1);
    if (from === null) errors.push({ field: 'from', key: 'audit.errors.date' });
    if (to === null) errors.push({ field: 'to', key: 'audit.errors.date' });
    if (from != null && to != null && to <= from) errors.push({ field: 'to', key: 'audit.errors.toBeforeFrom' });
    const filter: AuditFilter = {
      ...(values.who === '' ? {} : { actor: values.who }),
      ...(values.action === '' ? {} : { action: values.action }),
      ...(values.organisation === '' ? {} : { organisationCode: values.organisation }),
      ...(from == null ? {} : { from }),
      ...(to == null ? {} : { to }),
      ...(values.q === '' ? {} : { q: values.q }),
    };
    return { filter, values, errors };
  };

  const PAGE_SIZE = 50;
  app.get('/admin/audit', { config: { access: 'audit.read' } }, async (request, reply) => {
    authorise(request, 'audit.read');
    const { filter, values, errors } = auditFilterFrom(request.query);
    const paging = AuditQuerySchema.safeParse(request.query);
    const beforeId = paging.success ? paging.data.before : undefined;
    const afterId = paging.success ? paging.data.after : undefined;
    const events = await app.stores.audit.search(filter, { limit: PAGE_SIZE, ...(beforeId === undefined ? {} : { beforeId }), ...(afterId === undefined ? {} : { afterId }) });
    const names = await app.stores.audit.namesFor(events);
    const rows = presentAuditEvents(events, names, request.t, (path) => localPath(request.lang, path), (code) => organisationByCode(code)?.name[request.lang] ?? code);
    const first = events[0];
    const last = events[events.length - 1];
    const older = last !== undefined && await app.stores.audit.hasMore(filter, last.id, false) ? last.id : undefined;
    const newer = first !== undefined && (beforeId !== undefined || afterId !== undefined) && await app.stores.audit.hasMore(filter, first.id, true) ? first.id : undefined;
    const actions = await app.stores.audit.actions();
    const filterQuery = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== '')).toString();
    return reply.code(errors.length > 0 ? 400 : 200).render('pages/admin/audit.njk', {
      rows, values, actions, organisations: ORGANISATIONS, older, newer, filterQuery, ...formErrors(errors),
      filtered: filterQuery !== '',
    });
  });

  // The same entries as the page shows, filtered alike, as a spreadsheet (up to a cap, said in the last row).
  const CSV_MAX_ROWS = 50_000;
  app.get('/admin/audit.csv', { config: { access: 'audit.read' } }, async (request, reply) => {
    authorise(request, 'audit.read');
    const { filter, errors } = auditFilterFrom(request.query);
    if (errors.length > 0) throw new DomainError('GNM_VALIDATION', { field: errors[0]?.field ?? '' });
    const lines = [auditCsvHeader(request.t)];
    let beforeId: number | undefined;
    let total = 0;
    for (;;) {
      const events = await app.stores.audit.search(filter, { limit: 1000, ...(beforeId === undefined ? {} : { beforeId }) });
      if (events.length === 0) break;
      const rows = presentAuditEvents(events, await app.stores.audit.namesFor(events), request.t, (path) => path);
      events.forEach((e, i) => { const row = rows[i]; if (row !== undefined) lines.push(auditCsvRow(e, row)); });
      total += events.length;
      beforeId = events[events.length - 1]?.id;
      if (events.length < 1000 || total >= CSV_MAX_ROWS) break;
    }
    const csv = `\uFEFF${lines.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${request.lang === 'cy' ? 'log-archwilio' : 'audit-log'}.csv"`).send(csv);
  });
}
