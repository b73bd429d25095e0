import type { AppConfig } from './shared/config/app-config';

export interface BannerInput {
  config: AppConfig;
  secrets: { name: string; value: string; generated: boolean }[];
  mode: 'embedded' | 'production';
  host: string;
  port: number;
  storeKind: string;
  queueKind: string;
  mailKind: string;
  inboundSmtpPort?: number;
  /** The port the separate metrics listener took, when `metrics.listen` is set. */
  metricsPort?: number;
}

const METRICS_AUTH = {
  api: 'any API credential',
  bearer: 'its bearer token',
  none: 'no credentials',
} as const;

/** Where Prometheus scrapes and with what, or nothing when metrics are off. */
function metricsLine(input: BannerInput, base: string): string[] {
  const { metrics } = input.config.server;
  if (!metrics.enabled) return [];
  const url =
    metrics.listen && input.metricsPort !== undefined
      ? `http://${metrics.listen.host}:${input.metricsPort}/metrics`
      : `${base}/metrics`;
  return [`  Metrics:  ${url} (${METRICS_AUTH[metrics.auth]})`];
}

/**
 * What a person sees at start: where to go and how to authenticate. Credentials are printed only
 * in embedded mode (a local, generated set); production mode names the methods without secrets.
 */
export function startupBanner(input: BannerInput): string {
  const { config, mode, port } = input;
  const host = input.host === '0.0.0.0' || input.host === '::' ? 'localhost' : input.host;
  const base = `http://${host}:${port}`;
  const auth = config.server.api.auth;
  const show = (secret: string): string =>
    mode === 'embedded' ? secret : '(set in the environment)';
  const lines = [
    '',
    `crm-bridge is serving on ${base} (${mode} mode; store: ${input.storeKind}, queue: ${input.queueKind}, mail: ${input.mailKind})`,
    `  CRM API:  ${base}/api/v1   health: ${base}/healthz, ${base}/readyz`,
    config.crm.backend === 'remote'
      ? `  CRM:      your own, through generic-api.yaml (middleware mode)`
      : `  CRM:      built in (the ${input.storeKind} store holds accounts and records)`,
    ...metricsLine(input, base),
    `  Pages:    ${base}/lookup   queue: ${base}/admin/queues`,
    ...(input.mailKind === 'outbox'
      ? [`  Outbox:   outcome emails are written to DATA_DIR/outbox`]
      : []),
    ...(input.inboundSmtpPort === undefined
      ? []
      : [`  Inbound SMTP: port ${input.inboundSmtpPort} (outcome emails to apply)`]),
    ...auth.basic.map((b) => `  API basic auth:  ${b.username} / ${show(b.password)}`),
    ...auth.headers.map((h) => `  API header:      ${h.name}: ${show(h.value)}`),
    ...(auth.oauth2?.clients ?? []).map(
      (c) =>
        `  OAuth client:    ${c.clientId} / ${show(c.clientSecret)}  (${base}/oauth/authorize, ${base}/oauth/token)`,
    ),
    ...config.server.web.users.map((u) => `  Web login:       ${u.username} / ${show(u.password)}`),
  ];
  const generated = input.secrets.filter((s) => s.generated).map((s) => s.name);
  if (generated.length > 0)
    lines.push(`  Generated and kept in DATA_DIR/secrets.json: ${generated.join(', ')}`);
  return `${lines.join('\n')}\n\n`;
}
