// Migrations in order. Each is written once and runs on both dialects; a
// migration that has shipped is never edited, only followed by another.
// 0002 and 0003 were never shipped; the numbers are left unused.

import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './0001-foundation.js';
import { learningProgress } from './0004-learning-progress.js';
import { learningRecordStore } from './0005-learning-record-store.js';
import { workforcePlanning } from './0006-workforce-planning.js';
import { learningRequirements } from './0007-learning-requirements.js';
import { workforceWorkspace } from './0008-workforce-workspace.js';
import { statementCompression } from './0009-statement-compression.js';
import { staffSearch } from './0010-staff-search.js';
import { contentProblemReports } from './0018-content-problem-reports.js';
import { workforceRunNames } from './0012-workforce-run-names.js';
import { signInThrottleAndAuditSearch } from './0011-sign-in-throttle-and-audit-search.js';
import { pendingStaffImports } from './0014-pending-staff-imports.js';
import { jobsAndEmail } from './0016-jobs-and-email.js';
import { reminders } from './0017-reminders.js';
import { singleSignOn } from './0019-single-sign-on.js';
import { accountTokens } from './0020-account-tokens.js';
import { events } from './0022-events.js';
import { invitationSignOn } from './0023-invitation-sign-on.js';
import { eventAttendance } from './0025-event-attendance.js';
import { fundedPlaces } from './0026-funded-places.js';
import { insightsAggregates } from './0027-insights-aggregates.js';
import { eventsMore } from './0024-events-more.js';
import { confidenceRatings } from './0029-confidence-ratings.js';
import { insightsMonths } from './0030-insights-months.js';
import { fundedReviewList } from './0032-funded-review-list.js';
import { insightsSpeed } from './0033-insights-speed.js';
import { completionRenewed } from './0034-completion-renewed.js';

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0004-learning-progress': learningProgress,
  '0005-learning-record-store': learningRecordStore,
  '0006-workforce-planning': workforcePlanning,
  '0007-learning-requirements': learningRequirements,
  '0008-workforce-workspace': workforceWorkspace,
  '0009-statement-compression': statementCompression,
  '0010-staff-search': staffSearch,
  '0018-content-problem-reports': contentProblemReports,
  '0012-workforce-run-names': workforceRunNames,
  '0011-sign-in-throttle-and-audit-search': signInThrottleAndAuditSearch,
  '0014-pending-staff-imports': pendingStaffImports,
  '0016-jobs-and-email': jobsAndEmail,
  '0017-reminders': reminders,
  '0019-single-sign-on': singleSignOn,
  '0020-account-tokens': accountTokens,
  '0022-events': events,
  '0023-invitation-sign-on': invitationSignOn,
  '0025-event-attendance': eventAttendance,
  '0026-funded-places': fundedPlaces,
  '0027-insights-aggregates': insightsAggregates,
  '0024-events-more': eventsMore,
  '0029-confidence-ratings': confidenceRatings,
  '0030-insights-months': insightsMonths,
  '0032-funded-review-list': fundedReviewList,
  '0033-insights-speed': insightsSpeed,
  '0034-completion-renewed': completionRenewed,
};

export class StaticMigrationProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...MIGRATIONS });
  }
}
