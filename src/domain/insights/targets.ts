// Literacy targets: an education lead's "P% of a staff group at level L or
// above by date D" (for example 80% of registered nurses at awareness by
// March 2028), and the trajectory needed to get there: a straight line from
// the share shown now to P% at D. Pure: validation and the arithmetic.

import { z } from 'zod';
import { LITERACY_LEVEL_CODES, type LiteracyLevelCode } from '../learning/index.js';
import { STAFF_GROUPS } from '../staff/index.js';

export interface LiteracyTarget {
  readonly id: string;
  readonly staffGroupCode: string;
  readonly level: LiteracyLevelCode;
  readonly percent: number;
  /** YYYY-MM-DD */
  readonly dueOn: string;
  /** Demo figures: not a real commitment. */
  readonly illustrative: boolean;
  readonly createdAt: Date;
}

const realDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

export const TargetInputSchema = z.object({
  staffGroupCode: z.string().refine((v) => STAFF_GROUPS.some((g) => g.code === v), 'staffGroup'),
  level: z.enum(LITERACY_LEVEL_CODES),
  percent: z.coerce.number().int('percent').min(1, 'percent').max(100, 'percent'),
  dueOn: z.string().trim().refine(realDay, 'dueOn').refine((v) => v >= '2020-01-01' && v <= '2100-12-31', 'dueOn'),
  illustrative: z.boolean().default(false),
});
export type TargetInput = z.infer<typeof TargetInputSchema>;

export interface TrajectoryPoint {
  readonly month: string;
  /** The share needed by the end of this month to be on course, whole percent. */
  readonly needed: number;
}

function monthIndex(month: string): number {
  const [y = 2000, m = 1] = month.split('-').map(Number);
  return y * 12 + m - 1;
}

function monthOf(index: number): string {
  return `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Month by month from `fromMonth` (where the share is `fromPercent`) to the
 * target's month, the share needed to arrive at the target on time, in a
 * straight line. A target already met, or already past, needs its own figure.
 */
export function trajectory(target: Pick<LiteracyTarget, 'percent' | 'dueOn'>, fromMonth: string, fromPercent: number): TrajectoryPoint[] {
  const start = monthIndex(fromMonth);
  const end = monthIndex(target.dueOn.slice(0, 7));
  if (end <= start) return [{ month: monthOf(Math.max(start, end)), needed: target.percent }];
  return Array.from({ length: end - start + 1 }, (_, k) => ({
    month: monthOf(start + k),
    needed: Math.round(fromPercent + ((target.percent - fromPercent) * k) / (end - start)),
  }));
}
