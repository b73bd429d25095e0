import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/run-cli';

/** Debian's Chromium (installed by .ci/run); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(CHROMIUM);
/** Test artifacts, kept out of git (.gitignore: artifacts/). */
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');
/** As root on a closed network: see DEPENDENCIES.md. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!chromiumAvailable) {
  console.warn(
    `\n!!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH or apt-get install chromium) !!!\n`,
  );
}

/** `describe` when Chromium is there, `describe.skip` (after the warning above) when not. */
export const describeInChromium = chromiumAvailable ? describe : describe.skip;
