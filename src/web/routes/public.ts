// The start page (signed out), a person's home page (signed in), the
// accessibility statement, and the health check used by load balancers. The
// home page is where a person starts: their own learning (carry on, required,
// recommended, certificates), then the cards that lead to the work of each
// other role they hold.

import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { EventStore } from '../../db/stores/event-store.js';
import { EventApprovalStore } from '../../db/stores/event-approval-store.js';
import { decidesFallback, fallbackReach } from '../../domain/events/approvals.js';
import { organisationsWhere } from '../../domain/auth/index.js';
import { learnerStart, pathwayFor, workSections } from '../../domain/learning/index.js';
import { AssessmentStore } from '../../db/stores/assessment-store.js';
import { CredentialStore } from '../../db/stores/credential-store.js';
import { ProgressStore } from '../../db/stores/progress-store.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import { learnerStanding } from '../../services/learning/learner-standing.js';
import { principalOf } from '../plugins/auth.js';

export async function publicRoutes(app: FastifyInstance): Promise<void> {
  const sources = {
    staff: app.stores.staff, progress: ProgressStore.create(app.database.db), attempts: AssessmentStore.create(app.database.db),
    requirements: RequirementStore.create(app.database.db), library: app.content,
  };
  const credentials = CredentialStore.create(app.database.db);
  const events = EventStore.create(app.database.db);
  const approvalStore = EventApprovalStore.create(app.database.db);

  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    const user = request.user;
    if (user === null) return reply.render('pages/start.njk');
    const principal = principalOf(user);
    const staffOrgs = organisationsWhere(principal, 'staff.read');
    const [standing, issued, counts, approvals] = await Promise.all([
      learnerStanding(sources, user), credentials.forUser(user.id),
      staffOrgs.length === 0 ? null : app.stores.staff.countByOrganisation(),
      // Event places waiting for this person's approval as someone's line manager, and, for
      // education leads and organisation administrators, requests with no line manager on the platform (issue 16).
      Promise.all([events.awaitingApprovalBy(user.id), decidesFallback(principal) ? approvalStore.countWithoutLineManager(fallbackReach(principal), user.id) : 0])
        .then(([mine, unmanaged]) => mine.length + unmanaged),
    ]);
    const start = learnerStart({
      modules: app.content.modules, progress: standing.progress, completions: standing.completions,
      required: standing.required, requiredLevel: standing.requiredLevel, credentials: issued,
      pathway: pathwayFor(app.content.pathways, standing.staffGroup?.code),
    });
    return reply.render('pages/home.njk', {
      start, work: workSections(user.grants), staffGroup: standing.staffGroup ?? null, requiredLevel: standing.requiredLevel,
      linked: standing.staff?.active === true, counts: counts === null ? null : Object.fromEntries(counts), staffOrgs,
      approvals,
    });
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
