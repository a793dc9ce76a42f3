import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server on 127.0.0.1 for the reachability tests; `url` has no trailing slash. */
export interface LocalServer {
  url: string;
  /** Paths requested so far, with their Authorization header. */
  requests: Array<{ path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/**
 * Starts a server answering with `respond` (status and JSON body); `respond` returning undefined never answers
 * (the request hangs until the server closes).
 */
export async function startServer(respond: (path: string, authorization: string | undefined) => { status: number; body: unknown } | undefined): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, authorization: request.headers.authorization });
    const reply = respond(path, request.headers.authorization);
    if (!reply) return;
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An address where nothing listens: a port that was just free (connections are refused). */
export async function closedAddress(): Promise<string> {
  const server = await startServer(() => ({ status: 200, body: {} }));
  await server.close();
  return server.url;
}
