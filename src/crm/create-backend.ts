import { compileGenericApi } from '../generic-api/compiled-config';
import { createGenericApiSender } from '../generic-api/generic-api-client';
import type { Exchange } from '../generic-api/sender/mask-exchange';
import type { AppConfig } from '../shared/config/app-config';
import type { Store } from '../shared/store/store-port';
import { builtinBackend } from './builtin-backend';
import type { CrmBackend } from './crm-backend';
import type { CrmService } from './crm-service';
import { remoteBackend } from './remote/remote-backend';

export interface BackendWiring {
  config: AppConfig;
  crm: CrmService;
  store: Store;
  /** Sees every outbound request of middleware mode, secrets masked (metrics, journal). */
  onExchange?: (exchange: Exchange) => void;
}

/** crm.yaml `backend`: the built-in CRM, or the downstream CRM generic-api.yaml describes. */
export async function createCrmBackend(wiring: BackendWiring): Promise<CrmBackend> {
  const { config } = wiring;
  const maxPageSize = config.server.api.maxPageSize;
  if (config.crm.backend === 'builtin') return builtinBackend(wiring.crm, maxPageSize);
  if (config.genericApi === undefined) {
    throw new Error(
      `${config.dir}/crm.yaml: backend remote needs generic-api.yaml, which describes the remote CRM`,
    );
  }
  const api = compileGenericApi(config.genericApi);
  const sender = await createGenericApiSender({
    api,
    openStore: () => Promise.resolve(wiring.store),
    ...(wiring.onExchange && { onExchange: wiring.onExchange }),
  });
  return remoteBackend({ api, sender, crm: config.crm, maxPageSize });
}
