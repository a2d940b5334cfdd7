// Literacy targets (migration 0027): added and removed by education leads,
// each change audited in its own transaction. Demo targets are marked
// illustrative.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import type { LiteracyTarget, TargetInput } from '../../domain/insights/index.js';
import type { LiteracyLevelCode } from '../../domain/learning/index.js';
import type { Database } from '../schema.js';
import type { InsightsTargetsTable } from '../schema-insights.js';
import { toBool, toDate } from '../dialect.js';
import { AuditStore } from './audit-store.js';

function toTarget(row: Selectable<InsightsTargetsTable>): LiteracyTarget {
  return {
    id: row.id, staffGroupCode: row.staff_group_code, level: row.level as LiteracyLevelCode, percent: row.percent,
    dueOn: row.due_on, illustrative: toBool(row.illustrative), createdAt: toDate(row.created_at),
  };
}

export class InsightsTargetStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): InsightsTargetStore {
    return new InsightsTargetStore(db);
  }

  async list(): Promise<LiteracyTarget[]> {
    return (await this.db.selectFrom('insights_targets').selectAll().orderBy('staff_group_code').orderBy('due_on').orderBy('id').execute()).map(toTarget);
  }

  async find(id: string): Promise<LiteracyTarget | undefined> {
    const row = await this.db.selectFrom('insights_targets').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toTarget(row);
  }

  async add(input: TargetInput, actorUserId: string | null): Promise<LiteracyTarget> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('insights_targets').values({
        id, staff_group_code: input.staffGroupCode, level: input.level, percent: input.percent, due_on: input.dueOn,
        illustrative: input.illustrative, created_by: actorUserId, created_at: now,
      }).execute();
      await AuditStore.record(trx, { actorUserId, action: 'literacy-target.added', entityType: 'literacy_target', entityId: id, after: input });
    });
    return { id, ...input, createdAt: now };
  }

  async remove(id: string, actorUserId: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('insights_targets').selectAll().where('id', '=', id).executeTakeFirst();
      if (before === undefined) throw new DomainError('GNM_NOT_FOUND');
      await trx.deleteFrom('insights_targets').where('id', '=', id).execute();
      const was = toTarget(before);
      await AuditStore.record(trx, {
        actorUserId, action: 'literacy-target.removed', entityType: 'literacy_target', entityId: id,
        before: { staffGroupCode: was.staffGroupCode, level: was.level, percent: was.percent, dueOn: was.dueOn, illustrative: was.illustrative },
      });
    });
  }
}
