import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, Router } from 'express';
import type { AppConfig } from '../../shared/config/app-config';
import { securityHeaders } from '../../web/security-headers';
import { cookiePolicy } from '../../web/web-session';
import { apiOperations, OPENAPI_PATH } from './api-operations';
import { openApiDocument } from './document';

const DOCS_PATH = '/docs';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
/** The parts of swagger-ui-dist the page loads (not its own index and petstore initializer). */
const SWAGGER_UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

/** The pages' policy, plus the `data:` SVG icons swagger-ui.css draws (images only, no script). */
const allowDataImages: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    `${String(res.getHeader('Content-Security-Policy'))};img-src 'self' data:`,
  );
  next();
};

export interface ApiDocsOptions {
  config: AppConfig;
  /** `templates/`: the page and its init script are in `docs/`. */
  templatesDir: string;
}

/** package.json beside `src/` and `dist/` alike. */
const VERSION = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
    version: string;
  }
).version;

/**
 * `GET /api/v1/openapi.json` and Swagger UI at `/docs`, both without credentials: the document
 * holds no secrets (header names, not values). Mount it before the authenticated `/api/v1`.
 */
export function apiDocsRoutes({ config, templatesDir }: ApiDocsOptions): Router {
  const document = openApiDocument(apiOperations(config), {
    server: config.server,
    version: VERSION,
  });
  const router = Router();
  router.get(OPENAPI_PATH, (_req, res) => {
    res.json(document);
  });

  const docs = Router();
  docs.use(
    securityHeaders({
      frameAncestors: config.server.web.frameAncestors,
      https: cookiePolicy(config.server).secure,
    }),
    allowDataImages,
  );
  docs.get('/assets/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!SWAGGER_UI_FILES.has(file)) return next();
    res.sendFile(path.join(SWAGGER_UI_DIR, file), { maxAge: '1h' });
  });
  docs.use(express.static(path.join(templatesDir, 'docs'), { maxAge: '1h' }));
  router.use(DOCS_PATH, docs);
  return router;
}
