import http from 'node:http';
import express, { type RequestHandler } from 'express';
import { errorHandler, notFoundHandler } from '../http/error-handler';
import type { Logger } from '../log/logger';

export interface MetricsListener {
  /** The port it took (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** `metrics.listen`: /metrics alone on a listener of its own, e.g. on loopback for Prometheus. */
export async function startMetricsListener(options: {
  host: string;
  port: number;
  /** GET /metrics, guard included (metricsHandlers). */
  handlers: RequestHandler[];
  logger: Logger;
}): Promise<MetricsListener> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', ...options.handlers);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
