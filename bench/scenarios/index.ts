import type { Scenario } from '../lib/types';
import { bareExpress } from './bare-express';
import { createAccount } from './create-account';
import { findAccountById } from './find-account-by-id';
import { findAccountByPhone } from './find-account-by-phone';

/**
 * Run in this order; creates go last so lookups see exactly the seeded data. The baseline runs
 * again at the end: if its figures moved, something else on the machine moved the others too.
 */
export const scenarios: Scenario[] = [
  bareExpress,
  findAccountById,
  findAccountByPhone,
  createAccount,
  { ...bareExpress, name: `${bareExpress.name}, again at the end`, baseline: false },
];
