import type { Connect } from 'vite';
import type { FaultBudget } from './faultBudget.ts';
import type { RequestLog } from './requestLog.ts';

/**
 * Endpoints tests call from Node to observe and reset the server:
 * GET /__test/requests?path=<prefix>  JSON RequestRecord[] (oldest first)
 * POST|GET /__test/reset              clear the request log and fails=/drops= counts
 */
export function testControlRoutes(log: RequestLog, budget: FaultBudget): Connect.NextHandleFunction {
  return (request, response, next) => {
    const url = new URL(request.url ?? '/', 'http://test.invalid');
    if (url.pathname === '/__test/requests' && request.method === 'GET') {
      return sendJson(response, log.matching(url.searchParams.get('path') ?? ''));
    }
    if (url.pathname === '/__test/reset' && (request.method === 'POST' || request.method === 'GET')) {
      log.clear();
      budget.clear();
      return sendJson(response, { ok: true });
    }
    next();
  };
}

function sendJson(response: Parameters<Connect.NextHandleFunction>[1], value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  response.end(body);
}
