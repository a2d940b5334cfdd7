// The staff directory and the ESR import page, for organisation administrators
// (their own organisations) and platform administrators (all).

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import { decodeExtract, ENCODING_NAMES, ESR_COLUMNS, ORGANISATIONS, type ExtractEncoding, type ImportMode } from '../../domain/staff/index.js';
import type { PendingImport } from '../../db/stores/staff-store.js';
import { importStaffExtract } from '../../services/staff-import.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { readUpload } from '../plugins/uploads.js';

const PAGE_SIZE = 50;

const DirectoryQuery = z.object({
  q: z.string().trim().max(100).optional(),
  org: z.string().trim().max(10).optional(),
  inactive: z.enum(['1']).optional(),
  page: z.coerce.number().int().min(1).max(100000).optional(),
});

const ConfirmBody = z.object({
  pending: z.uuid(),
  confirmLeavers: z.enum(['1']).optional(),
});

/** The extract's date from the form's day, month and year: today when all are empty, null when not a real date or in the future. */
function extractDate(day: string | undefined, month: string | undefined, year: string | undefined): Date | null {
  const parts = [day, month, year].map((p) => (p ?? '').trim());
  if (parts.every((p) => p === '')) return new Date();
  const [d, m, y] = parts.map(Number) as [number, number, number];
  if (!parts.every((p) => /^\d+$/.test(p)) || y < 1990) return null;
  const date = new Date(Date.UTC(y, m - 1, d, 12));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.getTime() - Date.now() > 24 * 3600 * 1000 ? null : date;
}

function scope(request: FastifyRequest, permission: 'staff.read' | 'staff.import'): 'all' | readonly string[] {
  const user = authorise(request, permission);
  return organisationsWhere(principalOf(user), permission);
}

export async function staffRoutes(app: FastifyInstance): Promise<void> {
  app.get('/staff', { config: { access: 'staff.read' } }, async (request, reply) => {
    const parsed = DirectoryQuery.safeParse(request.query);
    const query = parsed.success ? parsed.data : {};
    const orgs = scope(request, 'staff.read');
    if (query.org !== undefined && query.org !== '' && orgs !== 'all' && !orgs.includes(query.org)) throw new DomainError('GNM_FORBIDDEN');
    const page = query.page ?? 1;
    const { members, total } = await app.stores.staff.list({
      organisationCodes: orgs, search: query.q, organisationCode: query.org, includeInactive: query.inactive === '1',
      limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE,
    });
    const visibleOrgs = ORGANISATIONS.filter((o) => orgs === 'all' || orgs.includes(o.code));
    return reply.render('pages/staff/directory.njk', {
      members, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), query, organisations: visibleOrgs,
    });
  });

  const importPage = async (request: FastifyRequest, orgs: 'all' | readonly string[]) => ({
    columns: ESR_COLUMNS,
    imports: await app.stores.staff.recentImports(orgs, 10, request.user?.id ?? null),
    maxMegabytes: app.config.IMPORT_MAX_MEGABYTES,
  });

  app.get('/staff/import', { config: { access: 'staff.import' } }, async (request, reply) => {
    const orgs = scope(request, 'staff.import');
    return reply.render('pages/staff/import.njk', { ...(await importPage(request, orgs)), values: {} });
  });

  // The file is read here, as a stream, only after the session, the access and the form token are checked (plugins/uploads.ts).
  app.post('/staff/import', { config: { access: 'staff.import', upload: true } }, async (request, reply) => {
    const user = authorise(request, 'staff.import');
    const orgs = scope(request, 'staff.import');
    if (!request.isMultipart()) throw new DomainError('GNM_VALIDATION');
    const upload = await readUpload(request);
    const mode = upload.fields['mode'] === 'partial' || upload.fields['mode'] === 'full' ? upload.fields['mode'] : undefined;
    const dryRun = upload.fields['dryRun'] === '1';
    const asOf = extractDate(upload.fields['asOfDay'], upload.fields['asOfMonth'], upload.fields['asOfYear']);
    const values = { mode, dryRun, asOfDay: upload.fields['asOfDay'], asOfMonth: upload.fields['asOfMonth'], asOfYear: upload.fields['asOfYear'] };
    const formPage = async (status: number, formError: string, field: string) =>
      reply.code(status).render('pages/staff/import.njk', { ...(await importPage(request, orgs)), values, formError, formErrorField: field });
    if (upload.file === null) return formPage(400, 'staffImport.errors.noFile', 'file');
    if (upload.tooLarge) return formPage(413, 'staffImport.errors.tooLarge', 'file');
    if (mode === undefined) return formPage(400, 'staffImport.errors.noMode', 'mode');
    if (asOf === null) return formPage(400, 'staffImport.errors.asOf', 'asOf');
    const decoded = decodeExtract(upload.file.bytes);
    if (!decoded.ok) return formPage(400, 'staffImport.errors.notText', 'file');
    return runImport(request, reply, user.id, orgs, {
      text: decoded.text, encoding: decoded.encoding, fileName: upload.file.filename, mode, asOf, dryRun, confirmLeavers: false, pendingId: null,
    });
  });

  // Importing a file checked earlier, without choosing it again: the file was kept for this person (staff store, migration 0014).
  app.post('/staff/import/confirm', { config: { access: 'staff.import' } }, async (request, reply) => {
    const user = authorise(request, 'staff.import');
    const orgs = scope(request, 'staff.import');
    const parsed = ConfirmBody.safeParse(request.body);
    const pending = parsed.success ? await app.stores.staff.findPending(parsed.data.pending, user.id) : undefined;
    if (!parsed.success || pending === undefined) {
      return reply.code(400).render('pages/staff/import.njk', { ...(await importPage(request, orgs)), values: {}, formError: 'staffImport.errors.expired', formErrorField: 'file' });
    }
    return runImport(request, reply, user.id, orgs, {
      text: pending.content, encoding: pending.encoding, fileName: pending.fileName, mode: pending.mode,
      asOf: new Date(`${pending.asOf}T12:00:00Z`), dryRun: false, confirmLeavers: parsed.data.confirmLeavers === '1', pendingId: pending.id,
    });
  });

  interface ImportRun {
    readonly text: string; readonly encoding: ExtractEncoding; readonly fileName: string; readonly mode: ImportMode;
    readonly asOf: Date; readonly dryRun: boolean; readonly confirmLeavers: boolean; readonly pendingId: string | null;
  }

  const runImport = async (request: FastifyRequest, reply: FastifyReply, userId: string, orgs: 'all' | readonly string[], run: ImportRun) => {
    const outcome = await importStaffExtract(app.stores.staff, {
      text: run.text, encoding: run.encoding, fileName: run.fileName, mode: run.mode, asOf: run.asOf,
      permittedOrganisations: orgs, actorUserId: userId, dryRun: run.dryRun, holdManyLeavers: !run.confirmLeavers,
    });
    let pending: PendingImport | null = null;
    if (outcome.status === 'checked' || outcome.status === 'held') {
      pending = await app.stores.staff.keepPending({
        userId, fileName: run.fileName, mode: run.mode, asOf: run.asOf.toISOString().slice(0, 10), encoding: run.encoding, content: run.text,
      });
    } else if (run.pendingId !== null) {
      await app.stores.staff.dropPending(run.pendingId);
    }
    const status = outcome.status === 'rejected' ? 422 : outcome.status === 'held' && run.pendingId !== null ? 400 : 200;
    const confirmError = outcome.status === 'held' && run.pendingId !== null ? 'staffImport.errors.confirmLeavers' : undefined;
    return reply.code(status).render('pages/staff/import-result.njk', {
      ...(await importPage(request, orgs)), outcome, fileName: run.fileName, pending, confirmError,
      asOf: run.asOf.toISOString().slice(0, 10), mode: run.mode, encodingName: ENCODING_NAMES[run.encoding],
      values: { mode: run.mode, dryRun: run.dryRun },
    });
  };

  app.get('/staff/:id', { config: { access: 'staff.read' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const member = await app.stores.staff.findById(id);
    if (member === undefined) throw new DomainError('GNM_NOT_FOUND');
    // Not in your organisation is reported as not found: the record's existence is not yours to know.
    const orgs = scope(request, 'staff.read');
    if (orgs !== 'all' && !orgs.includes(member.organisationCode)) throw new DomainError('GNM_NOT_FOUND');
    const history = await app.stores.audit.list({ entityType: 'staff', entityId: id, limit: 20 });
    const manager = member.lineManagerAssignmentNumber === null ? undefined : await app.stores.staff.findByAssignment(member.lineManagerAssignmentNumber);
    const invitation = await app.stores.accounts.pendingInvitation(member.id);
    return reply.render('pages/staff/member.njk', { member, history, manager, invitation });
  });
}
