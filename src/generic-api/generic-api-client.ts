import type { Store } from '../shared/store/store-port';
import type { CompiledGenericApi } from './compiled-config';
import type { Sender } from './outbound';
import { createHttpSender } from './sender/http-sender';
import type { Exchange } from './sender/mask-exchange';
import { createOAuthTokenSource } from './sender/oauth-client';

export interface SenderWiring {
  api: CompiledGenericApi;
  /** Needed only by oauth2, whose tokens live in the store. */
  openStore: () => Promise<Store>;
  onExchange?: (exchange: Exchange) => void;
}

/** The Sender generic-api.yaml describes, with its token source when the method is oauth2. */
export async function createGenericApiSender(wiring: SenderWiring): Promise<Sender> {
  const { api } = wiring;
  const timeoutSeconds = api.timeoutMs / 1000;
  const tokens =
    api.auth.method === 'oauth2'
      ? createOAuthTokenSource({ auth: api.auth, store: await wiring.openStore(), timeoutSeconds })
      : undefined;
  return createHttpSender({
    auth: api.auth,
    timeoutSeconds,
    ...(tokens && { tokens }),
    ...(wiring.onExchange && { onExchange: wiring.onExchange }),
  });
}
