// A line manager's team: the people whose ESR record names them as line manager,
// each with the modules their organisation requires of them, which are overdue
// and since when; filtered and sorted (domain/learning/team.ts), downloaded as
// CSV, and each person's learning opened read-only. A manager may open only
// their own reports, in the organisations their role covers: anyone else is
// "not found", so the page does not say who else is in the directory.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import { csvCell, selectTeam, teamQueryFrom, teamRow, overdueSince, TEAM_SHOWS, TEAM_SORTS, type TeamRow } from '../../domain/learning/index.js';
import { ORGANISATIONS, PAY_BANDS } from '../../domain/staff/index.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import type { StaffMember } from '../../db/stores/staff-store.js';
import { requiredByStaff, today } from '../../services/learning/required-learning.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { EventAttendanceStore } from '../../db/stores/event-attendance-store.js';
import { repeatedNoShows } from '../../domain/events/attendance.js';
import type { PersonLiteracy } from '../../domain/insights/index.js';
import { staffLiteracy } from '../../services/insights/person-literacy.js';
import { competenciesCoveredBy, fundedCoveringOf } from '../../services/learning/competencies-covered.js';

type StaffParams = FastifyRequest<{ Params: { staffId: string } }>;

export async function teamRoutes(app: FastifyInstance): Promise<void> {
  const requirements = RequirementStore.create(app.database.db);
  const deps = { requirements, library: app.content };
  // Repeated no-shows at booked events (issue 16): shown to the manager, never a block on booking.
  const attendance = EventAttendanceStore.create(app.database.db);

  /** The signed-in manager's staff record and their reports in the organisations their role covers. */
  async function myTeam(request: FastifyRequest): Promise<{ me: StaffMember | undefined; reports: StaffMember[] }> {
    const user = authorise(request, 'team.read');
    const orgs = organisationsWhere(principalOf(user), 'team.read');
    const me = user.staffId === null ? undefined : await app.stores.staff.findById(user.staffId);
    const reports = me === undefined ? [] : (await app.stores.staff.reportsOf([me.assignmentNumber]))
      .filter((m) => orgs === 'all' || orgs.includes(m.organisationCode));
    return { me, reports };
  }

  async function rowsOf(reports: readonly StaffMember[]): Promise<(TeamRow<StaffMember> & { literacy: PersonLiteracy | undefined })[]> {
    const on = today();
    const { required, completed } = await requiredByStaff(deps, reports, on);
    // Each person's literacy level, counted as the insights count it (funded modules completed with credits included).
    const literacy = await staffLiteracy(app.database.db, app.content, reports.map((m) => m.id), completed);
    return reports.map((m) => ({ ...teamRow(m, required.get(m.id) ?? [], on), literacy: literacy.get(m.id) }));
  }

  /** Titles of modules and events (a requirement may name an event, issue 16), by target id. */
  const titlesIn = async (lang: 'en' | 'cy') => {
    const out = new Map(app.content.modules.map((m) => [m.manifest.id, m.manifest.title[lang]]));
    for (const e of await requirements.eventTargets('all')) out.set(e.id, e.title[lang]);
    return (moduleId: string) => out.get(moduleId) ?? moduleId;
  };

  app.get('/team', { config: { access: 'team.read' } }, async (request, reply) => {
    const { me, reports } = await myTeam(request);
    const query = teamQueryFrom(request.query as Record<string, unknown>);
    const all = await rowsOf(reports);
    const moduleTitle = await titlesIn(request.lang);
    const rows = selectTeam(all, query).map((r) => ({
      ...r, overdue: r.overdue.map((o) => ({ ...o, title: moduleTitle(o.moduleId), since: overdueSince(o.dueDate) })),
    }));
    const search = new URLSearchParams({ show: query.show, sort: query.sort, ...(query.search === '' ? {} : { q: query.search }) }).toString();
    const noShows = repeatedNoShows(await attendance.noShowsByStaff(reports.map((m) => m.id)));
    return reply.render('pages/team.njk', { me, reports, rows, total: all.length, query, shows: TEAM_SHOWS, sorts: TEAM_SORTS, search, noShows });
  });

  app.get('/team.csv', { config: { access: 'team.read' } }, async (request, reply) => {
    const { reports } = await myTeam(request);
    const query = teamQueryFrom(request.query as Record<string, unknown>);
    const t = request.t;
    const lang = request.lang;
    const moduleTitle = await titlesIn(lang);
    const orgNames = new Map(ORGANISATIONS.map((o) => [o.code, o.name[lang]]));
    const bandNames = new Map(PAY_BANDS.map((b) => [b.code, b.name[lang]]));
    const header = [t('team.csv.name'), t('staff.assignmentNumber'), t('staff.jobRole'), t('staff.band'), t('staff.organisation'),
      t('team.csv.required'), t('team.csv.completed'), t('team.csv.overdue'), t('team.csv.overdueModules'), t('team.csv.daysOverdue'), t('personLiteracy.levelHeading')];
    const lines = selectTeam(await rowsOf(reports), query).map((r) => [
      `${r.member.firstName} ${r.member.lastName}`, r.member.assignmentNumber, r.member.jobRole, bandNames.get(r.member.bandCode) ?? r.member.bandCode,
      orgNames.get(r.member.organisationCode) ?? r.member.organisationCode, String(r.required.length), String(r.completed), String(r.overdue.length),
      r.overdue.map((o) => t('team.csv.overdueModule', { module: moduleTitle(o.moduleId), date: overdueSince(o.dueDate) })).join('; '),
      String(r.daysOverdue),
      r.literacy?.level == null ? t('personLiteracy.none') : t(`learning.levels.${r.literacy.level}`),
    ]);
    const csv = `\uFEFF${[header, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
    return reply.type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${lang === 'cy' ? 'fy-nhim' : 'my-team'}.csv"`).send(csv);
  });

  app.get('/team/:staffId', { config: { access: 'team.read' } }, async (request: StaffParams, reply) => {
    const { reports } = await myTeam(request);
    const member = reports.find((m) => m.id === request.params.staffId);
    if (member === undefined) throw new DomainError('GNM_NOT_FOUND');
    const on = today();
    const { required, completed } = await requiredByStaff(deps, [member], on);
    const row = teamRow(member, required.get(member.id) ?? [], on);
    const moduleTitle = await titlesIn(request.lang);
    const modules = row.required.map((r) => ({ ...r, title: moduleTitle(r.moduleId), since: overdueSince(r.dueDate) }));
    const passed = [...(completed.get(member.id) ?? new Map<string, Date>())]
      .map(([moduleId, at]) => ({ title: moduleTitle(moduleId), at }))
      .sort((a, b) => b.at.getTime() - a.at.getTime());
    const noShows = repeatedNoShows(await attendance.noShowsByStaff([member.id]))[member.id] ?? 0;
    const literacy = (await staffLiteracy(app.database.db, app.content, [member.id], completed)).get(member.id);
    // Modules completed, university modules completed and events attended, through the same rule as My learning (issues 16, 17).
    const competencies = await competenciesCoveredBy(app.database.db, app.content, (completed.get(member.id) ?? new Map<string, Date>()).keys(), await fundedCoveringOf(app.database.db, { staffId: member.id }));
    return reply.render('pages/team-member.njk', { member, row, modules, passed, noShows, literacy, competencies });
  });
}
