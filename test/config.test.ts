import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { DomainError } from '../src/domain/errors.js';

describe('configuration', () => {
  it('starts on the embedded SQLite database on port 3000 by default', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('sqlite:data/genomeg.sqlite');
    expect(config.PORT).toBe(3000);
  });

  it('names each wrong variable and what it allows', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const details = (error as DomainError).details.map(String);
      expect(details.find((d) => d.startsWith('PORT='))).toMatch(/number/i);
      expect(details.find((d) => d.startsWith('DATABASE_URL='))).toMatch(/sqlite:, file: or postgres:\/\//);
      expect(details.find((d) => d.startsWith('LOG_LEVEL='))).toMatch(/info/);
    }
  });

  it('reads booleans written the usual ways', () => {
    expect(loadConfig({ TRUST_PROXY: 'yes' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(DomainError);
  });
});
