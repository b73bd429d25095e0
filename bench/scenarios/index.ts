import type { Scenario } from '../lib/types';
import { bareExpress } from './bare-express';
import { createAccount } from './create-account';
import { findAccountById } from './find-account-by-id';
import { findAccountByPhone } from './find-account-by-phone';
import { genericApiFlow } from './generic-api-flow';
import { outcomeQueue } from './outcome-queue';
import { templateRender } from './template-render';

/**
 * Run in this order; creates go last among the HTTP loads so lookups see exactly the seeded data.
 * The suites (measured in this process, servers idle) follow. The baseline runs again at the end:
 * if its figures moved, something else on the machine moved the others too.
 */
export const scenarios: Scenario[] = [
  bareExpress,
  findAccountById,
  findAccountByPhone,
  createAccount,
  templateRender,
  genericApiFlow,
  outcomeQueue,
  { ...bareExpress, name: `${bareExpress.name}, again at the end`, baseline: false },
];
