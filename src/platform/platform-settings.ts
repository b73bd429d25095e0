import type { ServerConfig } from '../shared/config/server-schema';

export type PlatformConfig = NonNullable<ServerConfig['platform']>;

/** What the pages need to know: the settings to call with, or why there are no calls. */
export type PlatformAvailability =
  { enabled: true; settings: PlatformConfig } | { enabled: false; reason: string };

/**
 * The schema already refuses a half-filled section, so the platform is either fully configured
 * or entirely off; the reason names what to set, for the page that hides its button.
 */
export function platformAvailability(config: ServerConfig['platform']): PlatformAvailability {
  if (config === undefined) {
    return { enabled: false, reason: 'config/server.yaml has no platform section' };
  }
  if (config.tenantUrl === '') {
    return {
      enabled: false,
      reason:
        'platform.tenantUrl, companyKey and companySecret are not set (PLATFORM_TENANT_URL, PLATFORM_COMPANY_KEY, PLATFORM_COMPANY_SECRET)',
    };
  }
  return { enabled: true, settings: config };
}
