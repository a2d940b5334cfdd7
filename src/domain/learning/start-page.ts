// What a person's home page offers them. Their own learning first: where to
// carry on, what their organisation requires and by when, what is recommended
// for their role, their recent certificates. Then, for each role they hold
// besides learner, the cards that lead to that role's work. Pure: the route
// gathers the facts and the template presents what this decides.

import { can, ROLES, type Permission, type Role, type RoleGrant } from '../auth/index.js';
import type { LearningModule } from './check-content.js';
import { isRequiredFor, levelRank, type LiteracyLevelCode } from './competency-framework.js';
import { moduleStatus } from './catalogue.js';
import type { RequiredModule } from './requirements.js';
import type { Pathway } from './pathways.js';

export interface ContinueItem {
  readonly module: LearningModule;
  readonly lastPage: number;
}

export interface RequiredItem extends RequiredModule {
  /** The module; absent when the requirement names an event (issue 16). */
  readonly module?: LearningModule;
  readonly kind?: 'module' | 'event';
  readonly title?: { readonly en: string; readonly cy: string };
  /** Where to take it, when not the module's page. */
  readonly path?: string;
}

export interface CertificateItem {
  readonly module: LearningModule;
  readonly credentialId: string;
  readonly issuedAt: Date;
}

export interface LearnerStart {
  /** Modules started and not completed, the one read most recently first. */
  readonly continueWith: readonly ContinueItem[];
  /** What the organisation requires and is not yet done, overdue first, then by due date. */
  readonly required: readonly RequiredItem[];
  readonly overdue: number;
  /** Modules to start: those recommended for the person's role or, without one, the first level's. */
  readonly recommended: readonly LearningModule[];
  /** Whether `recommended` comes from the person's staff group (rather than being a place to start). */
  readonly recommendedForRole: boolean;
  /** The newest certificates first. */
  readonly certificates: readonly CertificateItem[];
  /** Nothing started, nothing completed, nothing required: the page helps them begin. */
  readonly empty: boolean;
}

export interface LearnerFacts {
  readonly modules: readonly LearningModule[];
  readonly progress: readonly { readonly moduleId: string; readonly moduleVersion: string; readonly lastPage: number; readonly updatedAt: Date }[];
  readonly completions: readonly { readonly moduleId: string; readonly moduleVersion: string }[];
  readonly required: readonly RequiredItem[];
  readonly requiredLevel: LiteracyLevelCode | null;
  /** The learner's staff group's pathway (content/pathways.yaml): when given, "recommended for your role" is its modules, in its order. */
  readonly pathway?: Pathway | undefined;
  readonly credentials: readonly { readonly id: string; readonly moduleId: string; readonly issuedAt: Date; readonly revokedAt: Date | null }[];
}

const SHOWN = 3;

export function learnerStart(facts: LearnerFacts): LearnerStart {
  const byId = new Map(facts.modules.map((m) => [m.manifest.id, m]));
  const status = (m: LearningModule) => moduleStatus({ id: m.manifest.id, version: m.manifest.version }, facts.progress.find((p) => p.moduleId === m.manifest.id), facts.completions);

  const continueWith = [...facts.progress].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).flatMap((p) => {
    const module = byId.get(p.moduleId);
    return module !== undefined && status(module) === 'in-progress' ? [{ module, lastPage: Math.min(p.lastPage, module.pages.length) }] : [];
  }).slice(0, SHOWN);

  const outstanding = facts.required.filter((r) => r.status !== 'completed')
    .sort((a, b) => (a.status === b.status ? a.dueDate.localeCompare(b.dueDate) : a.status === 'overdue' ? -1 : 1));

  const taken = new Set([...continueWith.map((c) => c.module.manifest.id), ...outstanding.map((r) => r.moduleId)]);
  const notStarted = facts.modules.filter((m) => status(m) === 'not-started' && !taken.has(m.manifest.id));
  const forRole = onPathway(notStarted, facts.pathway) ?? (facts.requiredLevel === null ? [] : notStarted.filter((m) => isRequiredFor(m.manifest.level, facts.requiredLevel)));
  const lowest = Math.min(...notStarted.map((m) => levelRank(m.manifest.level)));
  const startHere = notStarted.filter((m) => levelRank(m.manifest.level) === lowest);
  const recommendedForRole = forRole.length > 0;

  const certificates = facts.credentials.filter((c) => c.revokedAt === null).flatMap((c) => {
    const module = byId.get(c.moduleId);
    return module === undefined ? [] : [{ module, credentialId: c.id, issuedAt: c.issuedAt }];
  }).sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime()).slice(0, SHOWN);

  return {
    continueWith,
    required: outstanding,
    overdue: outstanding.filter((r) => r.status === 'overdue').length,
    recommended: (recommendedForRole ? forRole : startHere).slice(0, SHOWN),
    recommendedForRole,
    certificates,
    empty: facts.progress.length === 0 && facts.completions.length === 0 && outstanding.length === 0,
  };
}

/** The modules of a pathway, in its order, among those given; undefined without a pathway. */
function onPathway(modules: readonly LearningModule[], pathway: Pathway | undefined): LearningModule[] | undefined {
  if (pathway === undefined) return undefined;
  const bySlug = new Map(modules.map((m) => [m.manifest.slug, m]));
  return pathway.modules.flatMap((slug) => bySlug.get(slug) ?? []);
}

/** A card on the home page that leads to a piece of work, shown to those whose roles allow it. */
export interface WorkCard {
  readonly id: string;
  readonly href: string;
  readonly permission: Permission;
}

/** In the order they are shown within a role. */
export const WORK_CARDS: readonly WorkCard[] = [
  { id: 'team', href: '/team', permission: 'team.read' },
  { id: 'insights', href: '/insights', permission: 'insights.read' },
  { id: 'moduleVersions', href: '/admin/learning/modules', permission: 'learning.publish' },
  { id: 'requirements', href: '/admin/learning/requirements', permission: 'learning.require' },
  { id: 'events', href: '/admin/events', permission: 'learning.publish' },
  { id: 'fundedPlaces', href: '/admin/funded', permission: 'funded.manage' },
  { id: 'fundedReview', href: '/funded/review', permission: 'funded.review' },
  { id: 'credentials', href: '/credentials/verify', permission: 'credentials.revoke' },
  { id: 'plan', href: '/plan', permission: 'workforce.plan' },
  { id: 'compare', href: '/plan/compare', permission: 'workforce.plan' },
  { id: 'staff', href: '/staff', permission: 'staff.read' },
  { id: 'import', href: '/staff/import', permission: 'staff.import' },
  { id: 'users', href: '/admin/users', permission: 'roles.manage' },
  { id: 'xapiClients', href: '/admin/xapi-clients', permission: 'xapi.clients.manage' },
  { id: 'learningRecords', href: '/admin/learning-records', permission: 'xapi.people.manage' },
  { id: 'audit', href: '/admin/audit', permission: 'audit.read' },
];

export interface WorkSection {
  readonly role: Role;
  readonly organisationCode: string | null;
  readonly cards: readonly WorkCard[];
}

/**
 * One section for each role held besides learner, in the roles' usual order,
 * each with the cards that role's permissions lead to. A card already shown for
 * an earlier role is not repeated; a role left with no cards has no section.
 */
export function workSections(grants: readonly RoleGrant[]): WorkSection[] {
  const shown = new Set<string>();
  const sections: WorkSection[] = [];
  const ordered = [...grants].sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
  for (const grant of ordered) {
    if (grant.role === 'learner') continue;
    const cards = WORK_CARDS.filter((card) => !shown.has(card.id) && can({ userId: '', grants: [grant] }, card.permission));
    for (const card of cards) shown.add(card.id);
    if (cards.length > 0) sections.push({ role: grant.role, organisationCode: grant.organisationCode, cards });
  }
  return sections;
}
