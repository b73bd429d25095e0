/**
 * The endpoints of generic-api.yaml checked against each other: reference/002 "API endpoints"
 * builds each flow on the previous one (account, then record, then record updates), so an
 * endpoint is only useful when the flows it relies on are complete.
 */
import type { IssueSink } from './generic-api-checks';
import type { EndpointName } from './generic-api-schema';

interface FlowStep {
  flow: string;
  /** The endpoints that make up the step; using any of them needs `requires`. */
  members: readonly EndpointName[];
  /** Each entry is satisfied by any one of its alternatives. */
  requires: readonly (readonly EndpointName[])[];
}

/** Reference/002 "API endpoints": each step builds on the previous one. */
const FLOW_STEPS: readonly FlowStep[] = [
  {
    flow: 'account',
    members: ['findAccountByQuery', 'findAccountById', 'createAccount'],
    requires: [['findAccountByQuery', 'findAccountById'], ['createAccount']],
  },
  {
    flow: 'record',
    members: ['findRecordByQuery', 'createRecord'],
    requires: [['createRecord']],
  },
  {
    flow: 'record update',
    members: ['updateRecord', 'comment', 'uploadFile'],
    requires: [],
  },
];

/** Every flow an endpoint takes part in needs the endpoints of its own and the earlier steps. */
export function checkFlows(endpoints: Readonly<Record<string, unknown>>, ctx: IssueSink): void {
  const configured = (name: EndpointName): boolean => endpoints[name] !== undefined;
  let lastUsed = -1;
  FLOW_STEPS.forEach((step, index) => {
    if (step.members.some(configured)) lastUsed = index;
  });
  for (const [index, step] of FLOW_STEPS.entries()) {
    if (index > lastUsed) break;
    const users = FLOW_STEPS.slice(index, lastUsed + 1)
      .flatMap((s) => s.members)
      .filter(configured);
    for (const alternatives of step.requires) {
      if (alternatives.some(configured)) continue;
      const [first, ...others] = alternatives;
      const missing = others.length === 0 ? first : `${first} (or ${others.join(' or ')})`;
      ctx.addIssue({
        code: 'custom',
        path: ['endpoints'],
        message: `${missing} is missing: the ${step.flow} flow needs it, and ${users.join(', ')} cannot run without that flow`,
      });
    }
  }
}

/** A comment about an upload is sent through the comment endpoint. */
export function checkUploadComment(
  endpoints: { comment?: unknown; uploadFile?: { addComment: boolean } | undefined },
  ctx: IssueSink,
): void {
  if (endpoints.uploadFile?.addComment === true && endpoints.comment === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['endpoints', 'uploadFile', 'addComment'],
      message: 'needs the comment endpoint, which is not configured',
    });
  }
}
