// Module versions an education lead has published, each with the module's
// files as they were at that moment (so learners keep getting that version
// while content/ moves on). A version is published once; publishing it again is
// refused. The latest publication of a module is the one learners get.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';

export interface Publication {
  readonly id: string;
  readonly moduleId: string;
  readonly slug: string;
  readonly version: string;
  readonly sha256: string;
  readonly publishedBy: string | null;
  readonly publishedAt: Date;
}

export interface PublicationInput {
  readonly moduleId: string;
  readonly slug: string;
  readonly version: string;
  /** The module's source files as JSON. */
  readonly source: string;
  readonly sha256: string;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export class PublicationStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): PublicationStore {
    return new PublicationStore(db);
  }

  /** The latest publication of every module (without its files). */
  async current(): Promise<Publication[]> {
    const rows = await this.db.selectFrom('module_publications as p')
      .select(['p.id', 'p.module_id', 'p.slug', 'p.version', 'p.source_sha256', 'p.published_by', 'p.published_at'])
      .where((eb) => eb.not(eb.exists(
        eb.selectFrom('module_publications as later').select('later.id')
          .whereRef('later.module_id', '=', 'p.module_id')
          .whereRef('later.published_at', '>', 'p.published_at'),
      )))
      .orderBy('p.slug')
      .execute();
    return rows.map((r) => ({
      id: r.id, moduleId: r.module_id, slug: r.slug, version: r.version, sha256: r.source_sha256,
      publishedBy: r.published_by, publishedAt: toDate(r.published_at),
    }));
  }

  /** Every publication of one module, newest first. */
  async history(moduleId: string): Promise<Publication[]> {
    const rows = await this.db.selectFrom('module_publications')
      .select(['id', 'module_id', 'slug', 'version', 'source_sha256', 'published_by', 'published_at'])
      .where('module_id', '=', moduleId).orderBy('published_at', 'desc').execute();
    return rows.map((r) => ({
      id: r.id, moduleId: r.module_id, slug: r.slug, version: r.version, sha256: r.source_sha256,
      publishedBy: r.published_by, publishedAt: toDate(r.published_at),
    }));
  }

  async source(publicationId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('module_publications').select('source').where('id', '=', publicationId).executeTakeFirst();
    return row?.source;
  }

  /**
   * Publish a version. `expectedCurrent` is the version the lead saw as
   * published (null for none): if another lead published in between, this is
   * refused rather than silently stacked on top.
   */
  async publish(input: PublicationInput, expectedCurrent: string | null, actorUserId: string | null): Promise<Publication> {
    const id = randomUUID();
    try {
      return await this.publishWithin(id, input, expectedCurrent, actorUserId);
    } catch (error) {
      // Two leads publishing the same version at once: the second is told, not shown a failure.
      if (isUniqueViolation(error)) throw new DomainError('GNM_CONFLICT', { what: 'module version' });
      throw error;
    }
  }

  private async publishWithin(id: string, input: PublicationInput, expectedCurrent: string | null, actorUserId: string | null): Promise<Publication> {
    return this.db.transaction().execute(async (trx) => {
      const latest = await trx.selectFrom('module_publications').select(['version', 'published_at'])
        .where('module_id', '=', input.moduleId).orderBy('published_at', 'desc').limit(1).executeTakeFirst();
      if ((latest?.version ?? null) !== expectedCurrent) throw new DomainError('GNM_CONFLICT', { what: 'module version' });
      const already = await trx.selectFrom('module_publications').select('id')
        .where('module_id', '=', input.moduleId).where('version', '=', input.version).executeTakeFirst();
      if (already !== undefined) throw new DomainError('GNM_CONFLICT', { what: 'module version' });
      // Strictly later than the previous publication, so "latest" is never a tie.
      const previous = latest === undefined ? 0 : toDate(latest.published_at).getTime();
      const publishedAt = new Date(Math.max(Date.now(), previous + 1));
      await trx.insertInto('module_publications').values({
        id, module_id: input.moduleId, slug: input.slug, version: input.version, source: input.source,
        source_sha256: input.sha256, published_by: actorUserId, published_at: publishedAt,
      }).execute();
      await AuditStore.record(trx, {
        actorUserId, action: 'module-version.published', entityType: 'learning_module', entityId: input.moduleId,
        before: latest === undefined ? null : { version: latest.version }, after: { slug: input.slug, version: input.version, sha256: input.sha256 },
      });
      return { id, moduleId: input.moduleId, slug: input.slug, version: input.version, sha256: input.sha256, publishedBy: actorUserId, publishedAt };
    });
  }
}
