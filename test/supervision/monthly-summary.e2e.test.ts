/**
 * The monthly summary (P-art.51) from a fresh demo: as GraphQL, as CSV, and as the printable page served by the
 * server, which a headless Chromium loads (with the viewer's token) to find the figures, the weekly chart and the
 * highlighted veto items in it. Without a Chromium on the machine that one test is skipped, saying so.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDateOf } from '../../domain/calendar/calendar-date.js';
import { createSupervisionDemo } from '../../infra/demo-platform.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SUMMARY = `query($s: ID!, $m: String!) { monthlySummary(siteId: $s, month: $m) {
  siteId month asOf csvPath htmlPath
  publications { total own coBuilding push byWeek { from to count } }
  staleColumns { columnId } blankColumns { columnId }
  messages { received answered answeredOnTime answeredLate overdue late { messageId dueDate answeredAt } }
  workOrders { opened closed overdue }
  scorecard { failed items { item failed count } }
} }`;

/** What the page's scripts see of the browser (the project's types have no DOM). */
interface Browser {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

interface Summary {
  siteId: string;
  month: string;
  csvPath: string;
  htmlPath: string;
  publications: { total: number; byWeek: Array<{ from: string; to: string; count: number }> };
  blankColumns: Array<{ columnId: string }>;
  messages: { answered: number; answeredLate: number; overdue: number; late: Array<{ messageId: string }> };
  scorecard: { failed: boolean; items: Array<{ item: string; failed: boolean; count: number }> };
}

describe('the monthly summary from the demo', () => {
  let api: ApiServer;
  let token: string;
  const month = chinaDateOf(new Date().toISOString()).slice(0, 7);

  beforeAll(async () => {
    api = await startApiServer();
    await createSupervisionDemo(api.c.platform);
    await api.settle();
    token = await api.token('supervisor');
  }, 60_000);
  afterAll(async () => api?.close());

  async function summary(siteId: string): Promise<Summary> {
    const result = await api.gql<{ monthlySummary: Summary }>(SUMMARY, { s: siteId, m: month }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.monthlySummary;
  }

  it('R-SUP-2: a message answered late shows in the month’s summary, and one still waiting as overdue', async () => {
    const jinan = await summary('jinan');
    expect(jinan.messages).toMatchObject({ answered: 1, answeredLate: 1, overdue: 1 });
    expect(jinan.messages.late.map((m) => m.messageId)).toEqual(['demo-message-1']);
    // The answer was published into the 网民留言 column this month.
    expect(jinan.publications.total).toBe(1);
    expect(jinan.publications.byWeek.reduce((n, w) => n + w.count, 0)).toBe(1);
  });

  it('R-SUP-1: the site left unpublished fails its veto items in the summary; the CSV carries the same figures', async () => {
    const huoshan = await summary('huoshan');
    expect(huoshan.scorecard.failed).toBe(true);
    expect(huoshan.scorecard.items.filter((i) => i.failed).map((i) => i.item)).toEqual(['blank_columns', 'home_page']);
    expect(huoshan.blankColumns).toHaveLength(6);

    const csv = await fetch(`${api.url}${(await summary('jinan')).csvPath}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    // With a BOM, for spreadsheet programs that would otherwise read it as GBK.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFFsection,item,value,detail')).toBe(true);
    expect(text).toContain('messages,answered_late,1,');
    expect(text).toContain('late_answer,demo-message-1,');
    const refused = await fetch(`${api.url}${huoshan.csvPath}`, {
      headers: { authorization: `Bearer ${await api.token('jinan-editor')}` },
    });
    expect(refused.status).toBe(403);
    expect((await fetch(`${api.url}${huoshan.csvPath}`)).status).toBe(401);
  });

  it.skipIf(!HAS_CHROMIUM)(
    `P-art.51: the printable summary renders in headless Chromium with its figures, the weekly chart and the failed veto items highlighted${HAS_CHROMIUM ? '' : ` (skipped: no Chromium at ${CHROMIUM}; install Debian's chromium)`}`,
    async () => {
      const jinan = await summary('jinan');
      const huoshan = await summary('huoshan');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
        const page = await context.newPage();
        const response = await page.goto(`${api.url}${jinan.htmlPath}`);
        expect(response?.status()).toBe(200);
        expect(await page.textContent('#messages-late')).toBe('1');
        expect(await page.textContent('#messages-overdue')).toBe('1');
        expect(await page.textContent('#publications-total')).toBe(String(jinan.publications.total));
        expect(await page.locator('[data-late-message="demo-message-1"]').count()).toBe(1);
        const bars = page.locator('#publications-chart g.week');
        expect(await bars.count()).toBe(jinan.publications.byWeek.length);
        const counts = await bars.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-count'))));
        expect(counts).toEqual(jinan.publications.byWeek.map((w) => w.count));
        // The bar of the week with the publication is drawn taller than the empty weeks' bars.
        const heights = await page
          .locator('#publications-chart g.week rect')
          .evaluateAll((nodes) =>
            nodes.map((n) => (n as unknown as { getBBox(): { height: number } }).getBBox().height),
          );
        expect(Math.max(...heights)).toBeGreaterThan(0);

        await page.goto(`${api.url}${huoshan.htmlPath}`);
        const failed = page.locator('tr.veto[data-failed="true"]');
        expect(await failed.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-veto-item')))).toEqual([
          'blank_columns',
          'home_page',
        ]);
        // Highlighted: a failed item is drawn on red, a passed one is not.
        const colours = await page
          .locator('tr.veto')
          .evaluateAll((rows) =>
            rows.map((r) => [
              r.getAttribute('data-failed'),
              (globalThis as unknown as Browser).getComputedStyle(r).backgroundColor,
            ]),
          );
        for (const [isFailed, colour] of colours)
          expect(colour).toBe(isFailed === 'true' ? 'rgb(254, 215, 215)' : 'rgb(240, 255, 244)');
        expect(await page.textContent('#blank-count')).toBe('6');
        expect(await page.textContent('#verdict')).toContain('单项否决');
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
