// The staff directory and the ESR import page, for organisation administrators
// (their own organisations) and platform administrators (all).

import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { organisationsWhere } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import { ESR_COLUMNS, ORGANISATIONS } from '../../domain/staff/index.js';
import { importStaffExtract } from '../../services/staff-import.js';
import { authorise, principalOf } from '../plugins/auth.js';

const PAGE_SIZE = 50;

const DirectoryQuery = z.object({
  q: z.string().trim().max(100).optional(),
  org: z.string().trim().max(10).optional(),
  inactive: z.enum(['1']).optional(),
  page: z.coerce.number().int().min(1).max(100000).optional(),
});

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name] as MultipartValue | undefined;
  return value !== undefined && typeof value.value === 'string' ? value.value : undefined;
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

  app.get('/staff/import', { config: { access: 'staff.import' } }, async (request, reply) => {
    const orgs = scope(request, 'staff.import');
    const imports = await app.stores.staff.recentImports(orgs);
    return reply.render('pages/staff/import.njk', { columns: ESR_COLUMNS, imports, values: { mode: 'full' } });
  });

  app.post('/staff/import', { config: { access: 'staff.import' } }, async (request, reply) => {
    const user = authorise(request, 'staff.import');
    const orgs = scope(request, 'staff.import');
    const body = (request.isMultipart() ? request.body : {}) as Record<string, unknown>;
    const file = body['file'] as MultipartFile | undefined;
    const mode = field(body, 'mode') === 'partial' ? 'partial' : 'full';
    const dryRun = field(body, 'dryRun') === '1';
    const imports = await app.stores.staff.recentImports(orgs);
    const base = { columns: ESR_COLUMNS, imports, values: { mode, dryRun } };
    if (file?.filename === undefined || file.filename === '') {
      return reply.code(400).render('pages/staff/import.njk', { ...base, formError: 'staffImport.errors.noFile' });
    }
    const buffer = await file.toBuffer();
    if (file.file.truncated) {
      return reply.code(413).render('pages/staff/import.njk', { ...base, formError: 'staffImport.errors.tooLarge' });
    }
    const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
    if (buffer.includes(0) || text.includes('\uFFFD')) {
      return reply.code(400).render('pages/staff/import.njk', { ...base, formError: 'staffImport.errors.notText' });
    }
    const outcome = await importStaffExtract(app.stores.staff, {
      text, fileName: file.filename, mode, permittedOrganisations: orgs, actorUserId: user.id, dryRun,
    });
    const status = outcome.status === 'rejected' ? 422 : 200;
    return reply.code(status).render('pages/staff/import-result.njk', { ...base, outcome, fileName: file.filename });
  });

  app.get('/staff/:id', { config: { access: 'staff.read' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const member = await app.stores.staff.findById(id);
    if (member === undefined) throw new DomainError('GNM_NOT_FOUND');
    // Not in your organisation is reported as not found: the record's existence is not yours to know.
    const orgs = scope(request, 'staff.read');
    if (orgs !== 'all' && !orgs.includes(member.organisationCode)) throw new DomainError('GNM_NOT_FOUND');
    const history = await app.stores.audit.list({ entityType: 'staff', entityId: id, limit: 20 });
    const manager = member.lineManagerAssignmentNumber === null ? undefined : await app.stores.staff.findByAssignment(member.lineManagerAssignmentNumber);
    return reply.render('pages/staff/member.njk', { member, history, manager });
  });
}
