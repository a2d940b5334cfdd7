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

  it('compiles page templates once unless VIEWS_RELOAD asks for them to be re-read, and names a wrong value', () => {
    expect(loadConfig({}).VIEWS_RELOAD).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).VIEWS_RELOAD).toBe(false);
    expect(loadConfig({ VIEWS_RELOAD: 'true' }).VIEWS_RELOAD).toBe(true);
    let details: string[] = [];
    try { loadConfig({ VIEWS_RELOAD: 'sometimes' }); } catch (error) { details = (error as DomainError).details.map(String); }
    expect(details.join(' ')).toMatch(/^VIEWS_RELOAD=/);
  });

  it('names statements on PostgreSQL unless DATABASE_PREPARED_STATEMENTS turns it off, and names a wrong value', () => {
    expect(loadConfig({}).DATABASE_PREPARED_STATEMENTS).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).DATABASE_PREPARED_STATEMENTS).toBe(false);
    let details: string[] = [];
    try { loadConfig({ DATABASE_PREPARED_STATEMENTS: 'maybe' }); } catch (error) { details = (error as DomainError).details.map(String); }
    expect(details.join(' ')).toMatch(/^DATABASE_PREPARED_STATEMENTS=/);
  });

  it('trusts only the proxies configured: none, a number of hops, or a list of addresses and ranges (issue 13 item 4)', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'no' }).TRUST_PROXY).toBe(false);
    // "true" used to trust every X-Forwarded-For hop; now it is one proxy.
    expect(loadConfig({ TRUST_PROXY: 'yes' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1,fd00::/8,loopback' }).TRUST_PROXY)
      .toEqual(['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', 'loopback']);
    for (const wrong of ['maybe', '10.0.0.0/33', '10.0.0/8', '300.1.1.1', '99']) {
      let details: string[] = [];
      try { loadConfig({ TRUST_PROXY: wrong }); } catch (error) { details = (error as DomainError).details.map(String); }
      expect(details.join(' '), wrong).toMatch(/^TRUST_PROXY=.*proxy hops/);
    }
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
