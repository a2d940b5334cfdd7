// Whether a module version has been reviewed. A version counts as reviewed only
// when both a clinical reviewer and a Welsh-language reviewer are recorded for
// that very version in its module.yaml (`review`); the catalogue and the
// overview say "reviewed" only then. A module that claims more than its
// record shows fails the content check: it must never look reviewed when it
// is not.

import type { ModuleManifest } from './content-schema.js';

/** Both reviews recorded, and for this version (a review of an earlier version does not carry over). */
export function isReviewed(manifest: ModuleManifest): boolean {
  const review = manifest.review;
  return review.status === 'reviewed' && review.version === manifest.version && review.clinical !== null && review.welsh !== null;
}

/** The Welsh has been reviewed by a Welsh-language reviewer for this version. */
export function isWelshReviewed(manifest: ModuleManifest): boolean {
  return manifest.welsh.status === 'reviewed' && manifest.review.welsh !== null && manifest.review.version === manifest.version;
}

export interface ReviewProblem { readonly path: string; readonly message: string }

/** What module.yaml claims about review that its record does not support. */
export function reviewProblems(manifest: ModuleManifest): ReviewProblem[] {
  const review = manifest.review;
  const problems: ReviewProblem[] = [];
  const anyone = review.clinical !== null || review.welsh !== null;
  if (anyone && review.version !== manifest.version) {
    problems.push({ path: 'review.version', message: `the reviews recorded are of version ${review.version ?? '(none)'}, not ${manifest.version}: review this version or remove them` });
  }
  if (review.status === 'reviewed') {
    if (review.clinical === null) problems.push({ path: 'review.clinical', message: 'marked reviewed without a clinical reviewer (name, role, date)' });
    if (review.welsh === null) problems.push({ path: 'review.welsh', message: 'marked reviewed without a Welsh-language reviewer (name, role, date)' });
  }
  if (manifest.welsh.status === 'reviewed' && review.welsh === null) {
    problems.push({ path: 'welsh.status', message: 'the Welsh is marked reviewed without a Welsh-language reviewer in review.welsh' });
  }
  return problems;
}
