// Module versions (module.yaml `version`, MAJOR.MINOR.PATCH) and which one
// learners get. Pure. content/ may hold a newer version than the one an
// education lead has published; until a lead first publishes a module, the
// version in content/ counts as published.

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** What the publishing page says about one module. */
export type VersionState =
  /** Nothing published by a lead yet: learners get what content/ holds. */
  | 'unpublished'
  /** content/ holds the published version, unchanged. */
  | 'current'
  /** content/ holds a newer version, ready to publish. */
  | 'newer'
  /** content/ holds an older version than the published one (files rolled back). */
  | 'older'
  /** content/ has changed since publication but keeps the same version number. */
  | 'changed-same-version'
  /** content/ no longer holds a usable version (missing, or it fails the content check). */
  | 'missing';

export function versionState(
  published: { readonly version: string; readonly sha256: string } | undefined,
  inContent: { readonly version: string; readonly sha256: string } | undefined,
): VersionState {
  if (inContent === undefined) return 'missing';
  if (published === undefined) return 'unpublished';
  const order = compareVersions(inContent.version, published.version);
  if (order > 0) return 'newer';
  if (order < 0) return 'older';
  return inContent.sha256 === published.sha256 ? 'current' : 'changed-same-version';
}

/** May this version from content/ be published now? */
export function canPublish(state: VersionState): boolean {
  return state === 'unpublished' || state === 'newer';
}
