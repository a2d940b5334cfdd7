import { describe, expect, it } from 'vitest';
import { londonToUtc } from '../../src/domain/events/time.js';

describe('London wall-clock times', () => {
  it('reads summer and winter times across the clock change', () => {
    expect(londonToUtc('2027-07-01', '10:00')?.toISOString()).toBe('2027-07-01T09:00:00.000Z');
    expect(londonToUtc('2027-12-01', '10:00')?.toISOString()).toBe('2027-12-01T10:00:00.000Z');
    // The Sunday the clocks go back (31 October 2027): 00:30 is still BST.
    expect(londonToUtc('2027-10-31', '00:30')?.toISOString()).toBe('2027-10-30T23:30:00.000Z');
    expect(londonToUtc('2027-10-31', '12:00')?.toISOString()).toBe('2027-10-31T12:00:00.000Z');
    // The Sunday the clocks go forward (28 March 2027): 01:30 does not exist; it is moved on an hour, to 02:30 BST.
    expect(londonToUtc('2027-03-28', '01:30')?.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(londonToUtc('2027-03-28', '03:00')?.toISOString()).toBe('2027-03-28T02:00:00.000Z');
  });

  it('refuses dates and times that are not real', () => {
    expect(londonToUtc('2027-02-30', '10:00')).toBeNull();
    expect(londonToUtc('2027-13-01', '10:00')).toBeNull();
    expect(londonToUtc('2027-01-01', '24:00')).toBeNull();
    expect(londonToUtc('tomorrow', '10:00')).toBeNull();
  });
});
