// `npm run bench -- NAME`: runs one benchmark, or all of them with no name.

import { run as staffImport } from './staff-import.js';
import { run as staffSearch } from './staff-search.js';
import { run as learningPages } from './learning-pages.js';
import { run as learningRequirements } from './learning-requirements.js';
import { run as workforce } from './workforce.js';
import { run as planPages } from './plan-pages.js';
import { run as xapi } from './xapi.js';
import { run as xapiLimits } from './xapi-limits.js';
import { run as signInThrottle } from './sign-in-throttle.js';
import { run as reminderEmails } from './reminder-emails.js';
import { run as fundedReviewers } from './funded-reviewers.js';
import { run as fundedAllocation } from './funded-allocation.js';
import { run as insights } from './insights.js';
import { run as events } from './events.js';
import { run as eventsCpu } from './events-cpu.js';
import { run as attendanceMarks } from './attendance-marks.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'staff-import': staffImport,
  'staff-search': staffSearch,
  'learning-pages': learningPages,
  'learning-requirements': learningRequirements,
  workforce,
  'plan-pages': planPages,
  xapi,
  'xapi-limits': xapiLimits,
  'sign-in-throttle': signInThrottle,
  'reminder-emails': reminderEmails,
  'funded-reviewers': fundedReviewers,
  'funded-allocation': fundedAllocation,
  insights,
  events,
  'events-cpu': eventsCpu,
  'attendance-marks': attendanceMarks,
};

const name = process.argv[2];
const chosen = name === undefined ? Object.keys(BENCHMARKS) : [name];
for (const key of chosen) {
  const bench = BENCHMARKS[key];
  if (bench === undefined) {
    console.error(`No benchmark called "${key}". Known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
