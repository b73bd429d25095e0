import type { Store } from '../shared/store/store-port';
import type { CompiledGenericApi } from './compiled-config';
import type { Sender } from './outbound';
import { createHttpSender } from './sender/http-sender';
import type { Exchange } from './sender/mask-exchange';
import { createOAuthTokenSource } from './sender/oauth-client';

export interface SenderWiring {
  /** generic-api.yaml's, or anything else that names an auth method and a timeout. */
  api: Pick<CompiledGenericApi, 'auth' | 'timeoutMs'>;
  /** Needed only by oauth2, whose tokens live in the store. */
  openStore: () => Promise<Store>;
  onExchange?: (exchange: Exchange) => void;
}

/** The Sender an auth method and timeout describe, with its token source for oauth2. */
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
