import type { SessionInput } from '../../src/db/stores/event-store.js';

export const HOUR = 3_600_000;

export function sessionInput(overrides: Partial<SessionInput> = {}): SessionInput {
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  return {
    startsAt: start, endsAt: new Date(start.getTime() + HOUR), delivery: 'online', joinUrl: 'https://teams.example.test/join/1',
    venueName: null, venueAddress: null, capacity: 10, bookingOpensAt: new Date(Date.now() - HOUR), bookingClosesAt: start, language: 'bilingual',
    ...overrides,
  };
}

