// Age bands: the directory keeps a band, never a date of birth. Six bands, fine
// enough near retirement for workforce projections (issue: workforce planning).

export const AGE_BANDS = ['under-25', '25-34', '35-44', '45-54', '55-64', '65-plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function isAgeBand(value: string): value is AgeBand {
  return (AGE_BANDS as readonly string[]).includes(value);
}

/** Whole years between an ISO date of birth and a day; null when under 16 or over 100. */
export function ageBandOn(dateOfBirth: string, on: Date): AgeBand | null {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return null;
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age -= 1;
  if (age < 16 || age > 100) return null;
  if (age < 25) return 'under-25';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65-plus';
}
