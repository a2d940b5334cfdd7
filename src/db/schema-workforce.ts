// Row types for workforce planning (scenarios, runs, jobs). Filled in by that capability.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WorkforceTables {}
