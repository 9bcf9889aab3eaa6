// A real browser for tests of what aieffect draws: Debian's chromium (CHROMIUM overrides the path), headless, driven by
// playwright-core (no browser download), each launch with a fresh profile. Every request that leaves the page's own
// files is refused and recorded, so a test can assert that a page needs no network; page errors and console errors
// are recorded too. Screenshots go to test/artefacts/ (gitignored), kept after the run for people to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const artefactsDir = fileURLToPath(new URL('../artefacts/', import.meta.url));

export interface TestBrowser {
  /** Opens `url` (file:// or data:) in a new page and waits for its load event. */
  open(url: string): Promise<Page>;
  /** Requests the pages tried to make beyond file: and data: URLs (all refused). */
  blocked: string[];
  /** Uncaught page errors and console.error messages. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'aieffect-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return {
    blocked,
    errors,
    async open(url) {
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
      });
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** test/artefacts/<name>, created. */
export function artefactPath(name: string): string {
  mkdirSync(artefactsDir, { recursive: true });
  return join(artefactsDir, name);
}
