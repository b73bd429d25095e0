import {
  compileGenericApi,
  type CompiledEndpoint,
  type CompiledUploadEndpoint,
  type EndpointName,
} from '../../../src/generic-api/compiled-config';
import { genericApiSchema } from '../../../src/generic-api/config/generic-api-schema';

/** Endpoints the flows need besides the one under test, so that the config passes its checks. */
const OTHER_ENDPOINTS = {
  findAccountByQuery: { url: 'https://crm.example.com/api/accounts' },
  createAccount: { url: 'https://crm.example.com/api/accounts' },
  createRecord: { url: 'https://crm.example.com/api/records' },
};

/** `config` as generic-api.yaml would hold it, validated and compiled like at start. */
export function endpoint(name: EndpointName, config: Record<string, unknown>): CompiledEndpoint {
  const parsed = genericApiSchema.safeParse({
    auth: { method: 'none' },
    endpoints: { ...OTHER_ENDPOINTS, [name]: config },
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues, null, 2));
  const compiled = compileGenericApi(parsed.data).endpoints[name];
  if (compiled === undefined) throw new Error(`${name} was not compiled`);
  return compiled;
}

export function uploadEndpoint(config: Record<string, unknown>): CompiledUploadEndpoint {
  const compiled = endpoint('uploadFile', config);
  if (compiled.upload === undefined) throw new Error('uploadFile has no upload settings');
  return { ...compiled, upload: compiled.upload };
}
