// The modules learners get: for each module in content/, the version an
// education lead last published (kept in the database with its files as they
// were), or, until a lead first publishes it, the version content/ holds. So
// content/ can carry a newer version, checked and reviewed, without learners
// seeing it until a lead publishes it; and every web process serves the same
// version (each refreshes from the database, at once after its own publishing
// and every few seconds for the others').
//
// It must never serve a version nobody published once a lead has published
// the module, and never fail a learner's page because the database is slow:
// pages read only what is in memory here.

import { createHash } from 'node:crypto';
import { checkModule, canPublish, versionState, type ContentProblem, type LearningModule, type ModuleSource, type Pathway, type VersionState } from '../../domain/learning/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Publication, PublicationStore } from '../../db/stores/publication-store.js';
import { loadContentLibrary, readModuleSource, type ContentLibrary } from './content-library.js';

/** A module's source files as stored with a publication: stable key order, so equal files give an equal hash. */
export function sourceToJson(source: ModuleSource): string {
  const pages = Object.fromEntries(Object.keys(source.pages).sort().map((k) => [k, source.pages[k]]));
  return JSON.stringify({
    folder: source.folder, manifest: source.manifest, glossary: source.glossary, checks: source.checks,
    assessment: source.assessment, pages, files: [...source.files].sort(),
  });
}

export function sourceFromJson(json: string): ModuleSource {
  const raw = JSON.parse(json) as { folder: string; manifest: unknown; glossary: unknown; checks: unknown; assessment: unknown; pages: Record<string, { en?: string; cy?: string }>; files: string[] };
  return { folder: raw.folder, manifest: raw.manifest, glossary: raw.glossary, checks: raw.checks, assessment: raw.assessment, pages: raw.pages, files: new Set(raw.files) };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One module as the publishing page shows it. */
export interface ModuleVersions {
  readonly slug: string;
  readonly moduleId: string | null;
  readonly title: { readonly en: string; readonly cy: string } | null;
  readonly published: Publication | null;
  /** The version in content/ now, if it passes the content check. */
  readonly inContent: { readonly version: string; readonly sha256: string } | null;
  /** Problems with content/'s files for this module (it cannot be published until they are fixed). */
  readonly problems: readonly ContentProblem[];
  /** The version learners get now. */
  readonly serving: string | null;
  readonly state: VersionState;
  readonly canPublish: boolean;
}

interface Published {
  readonly publication: Publication;
  /** null when the stored files no longer pass the content check (the version in content/ is served instead). */
  readonly module: LearningModule | null;
}

export class PublishedLibrary implements ContentLibrary {
  private published = new Map<string, Published>();
  private view: { modules: readonly LearningModule[]; bySlug: ReadonlyMap<string, LearningModule> } = { modules: [], bySlug: new Map() };
  private refreshing: Promise<void> = Promise.resolve();

  private constructor(private readonly inContent: ContentLibrary, private readonly contentDir: string) {
    this.rebuild();
  }

  /** Serves `inContent` as published until `refresh` has read the database's publications. */
  static over(inContent: ContentLibrary, contentDir: string): PublishedLibrary {
    return new PublishedLibrary(inContent, contentDir);
  }

  get modules(): readonly LearningModule[] {
    return this.view.modules;
  }

  get problems(): readonly ContentProblem[] {
    return this.inContent.problems;
  }

  get pathways(): readonly Pathway[] {
    return this.inContent.pathways;
  }

  bySlug(slug: string): LearningModule | undefined {
    return this.view.bySlug.get(slug);
  }

  publicationOf(moduleId: string): Publication | undefined {
    return this.published.get(moduleId)?.publication;
  }

  /**
   * Bring the published versions up to date with the database. Only a
   * publication not already held is read in full and checked. Calls queue
   * behind each other, so two refreshes never interleave.
   */
  refresh(store: PublicationStore, onProblem?: (publication: Publication, problems: readonly ContentProblem[]) => void): Promise<void> {
    const run = this.refreshing.then(async () => {
      const current = await store.current();
      const next = new Map<string, Published>();
      for (const publication of current) {
        const held = this.published.get(publication.moduleId);
        if (held?.publication.id === publication.id) {
          next.set(publication.moduleId, held);
          continue;
        }
        const json = await store.source(publication.id);
        if (json === undefined) continue;
        const result = checkModule(sourceFromJson(json));
        if (result.module === null) onProblem?.(publication, result.problems);
        next.set(publication.moduleId, { publication, module: result.module });
      }
      this.published = next;
      this.rebuild();
    });
    // A failed refresh leaves the last good view in place and does not block the next.
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  /** Every module in content/ now (read afresh) and every published one, for the publishing page. */
  versions(): ModuleVersions[] {
    const fresh = loadContentLibrary(this.contentDir);
    const slugs = new Set<string>([
      ...fresh.modules.map((m) => m.manifest.slug),
      ...fresh.problems.map((p) => p.file.split('/')[0] ?? ''),
      ...[...this.published.values()].map((p) => p.publication.slug),
    ].filter((s) => s !== ''));
    return [...slugs].sort().map((slug): ModuleVersions => {
      const disk = fresh.bySlug(slug);
      const problems = fresh.problems.filter((p) => p.file.startsWith(`${slug}/`));
      const inContent = disk === undefined ? null : { version: disk.manifest.version, sha256: sha256(sourceToJson(readModuleSource(this.contentDir, slug, []))) };
      const held = [...this.published.values()].find((p) => p.publication.slug === slug || (disk !== undefined && p.publication.moduleId === disk.manifest.id));
      const publication = held?.publication ?? null;
      const state = versionState(publication ?? undefined, inContent ?? undefined);
      const shown = this.bySlug(slug);
      return {
        slug, moduleId: disk?.manifest.id ?? publication?.moduleId ?? null,
        title: disk?.manifest.title ?? held?.module?.manifest.title ?? null,
        published: publication, inContent, problems, serving: shown?.manifest.version ?? null,
        state, canPublish: canPublish(state) && problems.length === 0,
      };
    });
  }

  /**
   * Publish the version content/ holds now. `expectedVersion` is the version
   * the lead was shown: if the files changed in between, nothing is published.
   */
  async publish(store: PublicationStore, slug: string, expectedVersion: string, actorUserId: string | null): Promise<Publication> {
    const readProblems: ContentProblem[] = [];
    const source = readModuleSource(this.contentDir, slug, readProblems);
    const result = readProblems.length > 0 ? { module: null } : checkModule(source);
    if (result.module === null) throw new DomainError('GNM_VALIDATION', { field: 'version' });
    const module = result.module;
    if (module.manifest.version !== expectedVersion) throw new DomainError('GNM_CONFLICT', { what: 'module version' });
    const json = sourceToJson(source);
    const current = this.published.get(module.manifest.id)?.publication ?? null;
    if (!canPublish(versionState(current ?? undefined, { version: module.manifest.version, sha256: sha256(json) }))) {
      throw new DomainError('GNM_CONFLICT', { what: 'module version' });
    }
    const publication = await store.publish({ moduleId: module.manifest.id, slug, version: module.manifest.version, source: json, sha256: sha256(json) }, current?.version ?? null, actorUserId);
    await this.refresh(store);
    return publication;
  }

  private rebuild(): void {
    const modules: LearningModule[] = [];
    const offered = new Set<string>();
    for (const disk of this.inContent.modules) {
      const held = this.published.get(disk.manifest.id);
      modules.push(held?.module ?? disk);
      offered.add(disk.manifest.id);
    }
    // A published module whose files in content/ now fail the check stays with its published version.
    const broken = new Set(this.inContent.problems.map((p) => p.file.split('/')[0] ?? ''));
    for (const held of this.published.values()) {
      if (held.module !== null && !offered.has(held.publication.moduleId) && broken.has(held.publication.slug)) modules.push(held.module);
    }
    this.view = { modules, bySlug: new Map(modules.map((m) => [m.manifest.slug, m])) };
  }
}
