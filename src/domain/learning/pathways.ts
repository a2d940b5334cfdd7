// Learning pathways (content/pathways.yaml): for each ESR staff group, which
// modules to take, in what order, to reach which level of genomic literacy.
// Checked with the modules by `genomeg content check` (checkPathways in
// check-content.ts); shown on the catalogue, the learner's own group first,
// and used for "Recommended for your role".

import { z } from 'zod';
import { LITERACY_LEVEL_CODES } from './content-schema.js';
import { isRequiredFor, type LiteracyLevelCode } from './competency-framework.js';

const Slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a module slug (kebab-case)');

export const PathwaySchema = z.object({
  /** An ESR staff group code, as in src/domain/staff/reference-data.ts (STAFF_GROUPS). */
  staffGroup: z.string().min(1),
  /** The literacy level the pathway reaches. */
  level: z.enum(LITERACY_LEVEL_CODES),
  /** Module slugs, in the order to take them. */
  modules: z.array(Slug).min(1),
}).strict();

export const PathwaysFileSchema = z.object({ pathways: z.array(PathwaySchema) }).strict();

export type Pathway = z.infer<typeof PathwaySchema>;

/** The pathway of a staff group, if there is one. */
export function pathwayFor(pathways: readonly Pathway[], staffGroupCode: string | null | undefined): Pathway | undefined {
  return staffGroupCode === null || staffGroupCode === undefined ? undefined : pathways.find((p) => p.staffGroup === staffGroupCode);
}

/** The learner's own group's pathway first, then the others in file order. */
export function pathwaysOwnFirst(pathways: readonly Pathway[], staffGroupCode: string | null | undefined): Pathway[] {
  const own = pathwayFor(pathways, staffGroupCode);
  return own === undefined ? [...pathways] : [own, ...pathways.filter((p) => p !== own)];
}

/**
 * "Recommended for your role": with a pathway for the learner's staff group,
 * the modules on it; without one, the modules at or below the level the
 * group must reach (isRequiredFor).
 */
export function recommendedForRole(slug: string, level: LiteracyLevelCode, pathway: Pathway | undefined, requiredLevel: LiteracyLevelCode | null): boolean {
  return pathway === undefined ? isRequiredFor(level, requiredLevel) : pathway.modules.includes(slug);
}
