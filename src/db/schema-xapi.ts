// Row types for the learning record store (xAPI). Filled in by that capability.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface XapiTables {}
