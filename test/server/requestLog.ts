import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request to /data or /gen, as GET /__test/requests returns it. */
export interface RequestRecord {
  method: string;
  /** Path with query, as the client sent it. */
  path: string;
  range: string | null;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  ifRange: string | null;
  /** 0 until the status line has been sent. */
  status: number;
  /** Body bytes written so far (after Content-Encoding, i.e. as on the wire). */
  bytesSent: number;
  /** The response ended without completing: client went away or a drop= fault. */
  aborted: boolean;
  /** The server is finished with this request (completed or aborted). */
  done: boolean;
}

interface Entry {
  record: Omit<RequestRecord, 'status'>;
  response: ServerResponse;
}

export class RequestLog {
  private entries: Entry[] = [];

  /** Starts recording a request; call the returned function with each body byte count written. */
  record(request: IncomingMessage, response: ServerResponse): (bodyBytes: number) => void {
    const header = (name: string) => {
      const value = request.headers[name];
      return value === undefined ? null : String(value);
    };
    const record: Entry['record'] = {
      method: request.method ?? 'GET',
      path: request.url ?? '',
      range: header('range'),
      ifNoneMatch: header('if-none-match'),
      ifModifiedSince: header('if-modified-since'),
      ifRange: header('if-range'),
      bytesSent: 0,
      aborted: false,
      done: false,
    };
    this.entries.push({ record, response });
    response.once('close', () => {
      record.aborted = !response.writableFinished;
      record.done = true;
    });
    return (bodyBytes) => {
      record.bytesSent += bodyBytes;
    };
  }

  /** Requests whose path (with query) starts with `pathPrefix`, oldest first. */
  matching(pathPrefix: string): RequestRecord[] {
    return this.entries
      .filter(({ record }) => record.path.startsWith(pathPrefix))
      .map(({ record, response }) => ({ ...record, status: response.headersSent ? response.statusCode : 0 }));
  }

  clear(): void {
    this.entries = [];
  }
}
