// A line manager's team: the people whose ESR record names them as line manager,
// each with how many modules their organisation requires of them are overdue.

import type { FastifyInstance } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import { overdueByStaff } from '../../services/learning/required-learning.js';
import { authorise, principalOf } from '../plugins/auth.js';

export async function teamRoutes(app: FastifyInstance): Promise<void> {
  const requirements = RequirementStore.create(app.database.db);

  app.get('/team', { config: { access: 'team.read' } }, async (request, reply) => {
    const user = authorise(request, 'team.read');
    const orgs = organisationsWhere(principalOf(user), 'team.read');
    const me = user.staffId === null ? undefined : await app.stores.staff.findById(user.staffId);
    const reports = me === undefined ? [] : (await app.stores.staff.reportsOf([me.assignmentNumber]))
      .filter((m) => orgs === 'all' || orgs.includes(m.organisationCode));
    const overdue = Object.fromEntries(await overdueByStaff({ requirements, library: app.content }, reports));
    return reply.render('pages/team.njk', { me, reports, overdue });
  });
}
