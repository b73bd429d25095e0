/**
 * The Generic API engine's own overhead per full flow (issue 3): runFlow('full') with the shipped
 * generic-api.yaml and the example session every install simulates, against a loopback CRM that
 * answers at once (bench/servers/loopback-crm.ts, on the server core), one flow at a time, sent
 * with the engine's sender (createHttpSender, axios).
 *
 * Reference, interleaved with the flows in the same run: the very requests one flow sends, sent
 * one after the other with a bare axios instance configured as the sender's transport (headers
 * and bodies prepared beforehand). Overhead per flow = time per flow − time per such set of round
 * trips, in wall time and in this process's CPU time; the target (< 2 ms) is judged on CPU time.
 * Both sides use Node's global http agent, which keeps connections alive (Node 20's default), so
 * neither pays for connecting.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { compileGenericApi } from '../../src/generic-api/compiled-config';
import { type FlowResult, runFlow } from '../../src/generic-api/flows/flow-runner';
import type { OutboundRequest } from '../../src/generic-api/outbound';
import { mergeHeaders, staticAuthHeaders } from '../../src/generic-api/sender/auth-headers';
import { createHttpSender } from '../../src/generic-api/sender/http-sender';
import { benchConfig } from '../lib/bench-config';
import { newCaller } from '../lib/flow-fixtures';
import { loopMeasurement, timeInterleaved } from '../lib/loop-run';
import { attachmentUrl, LOOPBACK_IDS } from '../lib/loopback-fixtures';
import {
  byConcern,
  type Concern,
  describeShares,
  fromPackage,
  fromSource,
  GC,
  profileWhile,
  saveProfile,
} from '../lib/profile';
import { row } from '../lib/rows';
import type { SuiteScenario } from '../lib/types';

const MAX_OVERHEAD_MS = 2;
/** The sender's own defaults (http-sender.ts), which every request carries. */
const SENDER_HEADERS = { Accept: 'application/json, */*;q=0.8', 'User-Agent': 'crm-bridge' };

/** Why a flow's result is not the one the canned answers lead to, if it is not. */
function wrongResult(result: FlowResult, origin: string): string | undefined {
  if (result.accountId !== LOOPBACK_IDS.account) return `account ${String(result.accountId)}`;
  if (result.recordId !== LOOPBACK_IDS.record) return `record ${String(result.recordId)}`;
  if (result.comments < 1) return 'no comment';
  if (result.uploads.length !== 1 || result.uploads[0]?.url !== attachmentUrl(origin)) {
    return `uploads ${JSON.stringify(result.uploads)}`;
  }
  return undefined;
}

/** A bare axios with the sender's transport settings (http-transport.ts). */
function bareAxios(timeoutSeconds: number) {
  return axios.create({
    adapter: 'http',
    timeout: timeoutSeconds * 1000,
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'arraybuffer',
    transformRequest: [],
    transformResponse: [],
  });
}

/** In order: a sample goes to the first concern any frame of its stack belongs to. */
const CONCERNS: readonly Concern[] = [
  GC,
  ['phone formatting (libphonenumber)', fromPackage('libphonenumber-js')],
  ['JSONPath (jsonpath-plus)', fromPackage('jsonpath-plus')],
  ['templates + request builder', fromSource('/generic-api/template/', 'request-builder')],
  ['axios and the HTTP it drives', fromPackage('axios', 'follow-redirects', 'form-data')],
  ['sender', fromSource('/generic-api/sender/')],
  ['flow runner', fromSource('/generic-api/flows/')],
  ['Node runtime (sockets, streams, timers)', (frame) => frame.url.startsWith('node:')],
];

const ms = (n: number): string => n.toFixed(2);

export const genericApiFlow: SuiteScenario = {
  kind: 'suite',
  name: 'Generic API full flow',
  servers: ['loopback-crm'],
  async run(ctx) {
    const server = await ctx.server('loopback-crm');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-bench-flow-'));
    const config = (() => {
      try {
        return benchConfig(dataDir, { CRM_BRIDGE_URL: server.url });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    })();
    if (!config.genericApi) throw new Error('config/generic-api.yaml is missing');
    const api = compileGenericApi(config.genericApi);
    const timeoutSeconds = api.timeoutMs / 1000;
    const sender = createHttpSender({ auth: api.auth, timeoutSeconds });
    const input = newCaller();
    const statusMap = api.recordStatusMap ?? config.crm.recordStatuses.fromSessionStatus;
    const flow = (onRequest?: (request: OutboundRequest, status: number) => void) =>
      runFlow('full', input, {
        api,
        sender,
        statusMap,
        ...(onRequest && {
          onEvent: (event) => {
            if (event.type === 'response') onRequest(event.request, event.response.status);
          },
        }),
      });

    // One flow, watched: every answer 2xx, the result the canned answers lead to. Its requests
    // are what the reference sends.
    const sent: OutboundRequest[] = [];
    const first = await flow((request, status) => {
      if (status < 200 || status > 299) {
        throw new Error(`${request.method} ${request.url} answered ${status}`);
      }
      sent.push(request);
    });
    const wrong = wrongResult(first, server.url);
    if (wrong !== undefined) throw new Error(`the flow's result is wrong: ${wrong}`);
    const perFlow = sent.length;
    ctx.log(
      `verified: ${perFlow} requests per flow (${sent.map((r) => `${r.method} ${r.endpoint}`).join(', ')})`,
    );

    const client = bareAxios(timeoutSeconds);
    const auth = staticAuthHeaders(api.auth);
    const hops = sent.map((r) => ({
      method: r.method,
      url: r.url,
      headers: mergeHeaders(SENDER_HEADERS, r.headers, auth),
      data: r.body,
    }));
    const roundTrips = async (): Promise<void> => {
      for (const hop of hops) {
        const response = await client.request(hop);
        if (response.status < 200 || response.status > 299) {
          throw new Error(`${hop.method} ${hop.url} answered ${response.status}`);
        }
      }
    };
    await roundTrips();

    const checkedFlow = async (): Promise<void> => {
      const problem = wrongResult(await flow(), server.url);
      if (problem !== undefined) throw new Error(problem);
    };
    const [rawStats, flowStats] = await timeInterleaved(
      [
        { name: 'round trips', batch: 1, run: roundTrips },
        { name: 'flow', batch: 1, run: checkedFlow },
      ],
      { seconds: ctx.seconds, warmupSeconds: ctx.warmupSeconds, sliceMs: 200 },
    );
    if (!rawStats || !flowStats) throw new Error('a timed loop returned nothing');
    const raw = loopMeasurement(rawStats);
    const flows = loopMeasurement(flowStats);
    const wallOverheadMs = 1000 / flows.rate - 1000 / raw.rate;
    const cpuOverheadMs = (flows.cpuUsPerRequest - raw.cpuUsPerRequest) / 1000;

    // Where a flow's CPU time goes, from a short profiled run after the measurement.
    const profileSeconds = Math.max(1, ctx.seconds / 4);
    const { result: profiledFlows, profile } = await profileWhile(async () => {
      let n = 0;
      for (const end = performance.now() + profileSeconds * 1000; performance.now() < end; n++) {
        await flow();
      }
      return n;
    });
    ctx.note(
      `full flow: driver CPU per flow by concern (${profiledFlows} profiled flows): ${describeShares(byConcern(profile, CONCERNS), profiledFlows)}`,
    );
    if (ctx.profiled.includes('flow')) {
      ctx.log(
        `profile: ${saveProfile(ctx.profileDir, 'generic-api-flow', profile, profiledFlows)}`,
      );
    }

    const reference = {
      name: `full flow: the same ${perFlow} requests, bare axios (reference)`,
      measurement: raw,
    };
    return [
      row({
        ...reference,
        measured: `${perFlow} round trips, ${ms(1000 / raw.rate)} ms`,
        figures: { requests: perFlow, msPerSet: 1000 / raw.rate },
      }),
      row({
        name: "full flow: runFlow('full'), loopback CRM",
        measurement: flows,
        reference,
        measured: `overhead ${ms(wallOverheadMs)} ms/flow (CPU ${ms(cpuOverheadMs)} ms), ${perFlow} req/flow`,
        // Judged on CPU time: the flows run one at a time with the CRM on the other core, so on an
        // otherwise idle machine the extra CPU time is the extra wall time; on a busy one, wall
        // time also counts the turns other processes take.
        target: {
          text: `overhead < ${MAX_OVERHEAD_MS} ms/flow by CPU`,
          met: cpuOverheadMs < MAX_OVERHEAD_MS,
        },
        figures: { requestsPerFlow: perFlow, wallOverheadMs, cpuOverheadMs },
      }),
    ];
  },
};
