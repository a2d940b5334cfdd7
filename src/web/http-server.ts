// The HTTP server under Fastify, with limits, so that slow or idle clients
// cannot hold the process's connections for ever (a slow-loris attack kept 350
// connections open for minutes on Node's defaults):
//   - headers: a request whose headers have not all arrived within
//     HTTP_HEADERS_TIMEOUT_SECONDS is answered 408 and closed;
//   - request: likewise a request (headers and body) not received within
//     HTTP_REQUEST_TIMEOUT_SECONDS;
//   - keep-alive: a connection idle between requests is closed after
//     HTTP_KEEP_ALIVE_TIMEOUT_SECONDS (longer than a load balancer's idle
//     timeout, 60 s on the common ones, so that the balancer closes first);
//   - a cap: past HTTP_MAX_CONNECTIONS open connections, new ones are closed
//     as they arrive.
// Node checks the two timeouts on a timer; every second here rather than its
// default 30 s, so a limit is kept to within a second.

import { createServer } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { Config } from '../config/env.js';

/** How often Node looks for requests past their headers or request timeout. */
export const TIMEOUT_CHECK_MS = 1_000;

export type ServerLimits = Pick<Config, 'HTTP_HEADERS_TIMEOUT_SECONDS' | 'HTTP_REQUEST_TIMEOUT_SECONDS' | 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS' | 'HTTP_MAX_CONNECTIONS'>;

/** Fastify's serverFactory: a node:http server with the configured limits. */
export function limitedServer(limits: ServerLimits): FastifyServerFactory {
  return (handler) => {
    const headersTimeout = Math.round(limits.HTTP_HEADERS_TIMEOUT_SECONDS * 1000);
    const requestTimeout = Math.round(limits.HTTP_REQUEST_TIMEOUT_SECONDS * 1000);
    const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, headersTimeout) }, handler);
    server.keepAliveTimeout = Math.round(limits.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000);
    server.maxConnections = limits.HTTP_MAX_CONNECTIONS;
    return server;
  };
}
