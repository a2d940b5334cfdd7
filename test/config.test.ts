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

  it('limits the HTTP server and sessions by default, and names a limit that cannot work', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HTTP_HEADERS_TIMEOUT_SECONDS: 15, HTTP_REQUEST_TIMEOUT_SECONDS: 120, HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: 65, HTTP_MAX_CONNECTIONS: 500,
      SESSION_LIFETIME_HOURS: 8, SESSION_MAX_HOURS: 12,
    });
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as DomainError).details.map(String);
      }
      return [];
    };
    expect(problems({ HTTP_HEADERS_TIMEOUT_SECONDS: '200', HTTP_REQUEST_TIMEOUT_SECONDS: '100' }))
      .toEqual(['HTTP_HEADERS_TIMEOUT_SECONDS="200": must be at most HTTP_REQUEST_TIMEOUT_SECONDS (100)']);
    const details = problems({ HTTP_MAX_CONNECTIONS: '0', SESSION_MAX_HOURS: 'forever' });
    expect(details.find((d) => d.startsWith('HTTP_MAX_CONNECTIONS='))).toMatch(/>=1/);
    expect(details.find((d) => d.startsWith('SESSION_MAX_HOURS='))).toMatch(/number/i);
  });
});
