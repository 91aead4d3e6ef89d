/**
 * GraphiQL works where the platform runs: on a network with no internet (政务外网), so every asset must come from the
 * server itself. The page is loaded in headless Chromium with every request to another host refused, a query is
 * typed into the editor and run, and its result shows.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { chromiumMissing, launchChromium } from '../support/browser.js';

describe.skipIf(chromiumMissing)(
  `GraphiQL in a browser${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let api: ApiServer;
    let browser: Browser;

    beforeAll(async () => {
      api = await startApiServer({ ANONYMOUS_READ: 'true' });
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await api?.close();
    });

    it('loads from the server alone, runs a typed query and shows its result', async () => {
      const page = await browser.newPage();
      const foreign: string[] = [];
      // Anything not served by the platform is refused, as on a network with no internet.
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.host === new URL(api.url).host) return route.continue();
        foreign.push(url.href);
        return route.abort();
      });
      await page.goto(`${api.url}/graphiql`);
      const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
      await editor.waitFor({ timeout: 30_000 });
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('{ sites { id name } }');
      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.graphiql-response');
      await expect.poll(async () => result.textContent(), { timeout: 30_000 }).toContain('金安区人民政府');
      expect(foreign).toEqual([]);
    }, 90_000);
  },
);
