// A line manager's team: the people whose ESR record names them as line manager.
// Learning progress joins this view when the learning capability lands.

import type { FastifyInstance } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { authorise, principalOf } from '../plugins/auth.js';

export async function teamRoutes(app: FastifyInstance): Promise<void> {
  app.get('/team', { config: { access: 'team.read' } }, async (request, reply) => {
    const user = authorise(request, 'team.read');
    const orgs = organisationsWhere(principalOf(user), 'team.read');
    const me = user.staffId === null ? undefined : await app.stores.staff.findById(user.staffId);
    const reports = me === undefined ? [] : (await app.stores.staff.reportsOf([me.assignmentNumber]))
      .filter((m) => orgs === 'all' || orgs.includes(m.organisationCode));
    return reply.render('pages/team.njk', { me, reports });
  });
}
