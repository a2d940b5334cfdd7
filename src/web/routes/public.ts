// Pages anyone may see: the start page, the accessibility statement, and the
// health check used by load balancers.

import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { principalOf } from '../plugins/auth.js';

export async function publicRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    const user = request.user;
    if (user === null) return reply.render('pages/start.njk');
    const principal = principalOf(user);
    const staffOrgs = organisationsWhere(principal, 'staff.read');
    const counts = staffOrgs.length === 0 ? null : await app.stores.staff.countByOrganisation();
    return reply.render('pages/home.njk', { counts: counts === null ? null : Object.fromEntries(counts), staffOrgs });
  });

  app.get('/accessibility', { config: { access: 'public' } }, (_request, reply) => reply.render('pages/accessibility.njk'));

  app.get('/health', { config: { access: 'public' } }, async (request, reply) => {
    const started = process.hrtime.bigint();
    try {
      await sql`select 1`.execute(app.database.db);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return await reply.send({ status: 'ok', database: app.database.engine, databaseMs: Math.round(ms * 10) / 10 });
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: app.database.engine });
    }
  });
}
