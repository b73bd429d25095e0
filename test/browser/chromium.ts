import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { chromium, type Page } from 'playwright-core';
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

/** An Express app served on a free loopback port, as the browser reaches it. */
export async function serveOnLoopback(
  app: Express,
): Promise<{ base: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Headless Chromium on a fresh, temporary profile, and its first page; `close` removes both. */
export async function openChromium(
  options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {},
): Promise<{ page: Page; close(): Promise<void> }> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1100, height: 800 },
    ...(options.acceptDownloads && { acceptDownloads: true }),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
