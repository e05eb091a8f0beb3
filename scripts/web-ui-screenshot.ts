/**
 * `npm run ui-screenshot -- [out-dir]`: photographs the Temporal Web UI of a running `npm start`
 * with headless Chromium, so a change to search attributes or summaries can be checked by eye
 * without a desktop. The order list is shown with the project's search attributes as columns (the
 * UI keeps its column choice in localStorage, which this script sets through the DevTools
 * protocol), plus one order's detail page with its summary. Screenshots go outside the repo
 * (default: the OS temp folder).
 *
 * Needs Chromium (CHROMIUM_PATH, else `chromium` on PATH). WEB_UI_URL defaults to the dev server's.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'undici';
import { ALL_SEARCH_ATTRIBUTES } from '../src/api/search-attributes.js';

const uiUrl = (process.env.WEB_UI_URL ?? 'http://localhost:8233').replace(/\/$/, '');
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const outDir = process.argv[2] ?? join(tmpdir(), 'fb-orders-web-ui');
const chromium = process.env.CHROMIUM_PATH ?? 'chromium';
const debugPort = 9300 + Math.floor(Math.random() * 500);

/** One DevTools-protocol session on the browser's first page. */
class Page {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const call = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!call) return; // an event, not an answer
      this.pending.delete(message.id!);
      if (message.error) call.reject(new Error(`DevTools: ${message.error.message}`));
      else call.resolve(message.result);
    });
  }

  static async open(port: number): Promise<Page> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
          type: string;
          webSocketDebuggerUrl: string;
        }[];
        const page = targets.find((t) => t.type === 'page');
        if (page) {
          const socket = new WebSocket(page.webSocketDebuggerUrl);
          await new Promise((resolve, reject) => {
            socket.addEventListener('open', resolve);
            socket.addEventListener('error', reject);
          });
          return new Page(socket);
        }
      } catch {
        // Chromium is still starting.
      }
      await sleep(200);
    }
    throw new Error(`Chromium's DevTools endpoint did not come up on port ${port}`);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) =>
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject }),
    );
  }

  async goto(url: string, settleMs = 4_000): Promise<void> {
    await this.send('Page.navigate', { url });
    await sleep(settleMs); // the UI is a single-page app that loads its data after the page event
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result } = await this.send<{ result: { value: T } }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
    });
    return result.value;
  }

  async screenshot(path: string): Promise<void> {
    const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    writeFileSync(path, Buffer.from(data, 'base64'));
    console.log(`[ui-screenshot] ${path}`);
  }

  close(): void {
    this.socket.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const browser = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--window-size=1900,1000',
      `--remote-debugging-port=${debugPort}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  try {
    const page = await Page.open(debugPort);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    const listUrl = `${uiUrl}/namespaces/${namespace}/workflows`;
    await page.goto(listUrl, 1_000);

    // The Web UI's own column setting: default columns trimmed, then one column per search attribute.
    const columns = [
      { label: 'Status' },
      { label: 'Workflow ID' },
      { label: 'Type' },
      ...ALL_SEARCH_ATTRIBUTES.map((key) => ({ label: key.name })),
      { label: 'Start' },
    ];
    await page.evaluate(
      `localStorage.setItem('namespace-workflow-table-columns', ${JSON.stringify(JSON.stringify({ [namespace]: columns }))})`,
    );
    await page.goto(listUrl);
    await page.screenshot(join(outDir, 'order-workflows.png'));

    const orderWorkflowId = await page.evaluate<string | null>(
      `[...document.querySelectorAll('a')].map((a) => a.textContent.trim()).find((t) => /^fb-order-\\d+$/.test(t)) ?? null`,
    );
    if (orderWorkflowId) {
      await page.goto(`${listUrl}/${orderWorkflowId}`);
      await page.screenshot(join(outDir, 'order-history.png'));
      // The summary and the current details (setCurrentDetails) live on the "User Metadata" tab.
      await page.evaluate(
        `[...document.querySelectorAll('a,button')].find((e) => e.textContent.trim() === 'User Metadata')?.click()`,
      );
      await sleep(1_500);
      await page.screenshot(join(outDir, 'order-summary.png'));
    } else {
      console.log('[ui-screenshot] no order workflow listed yet; skipped the detail page');
    }
    page.close();
  } finally {
    browser.kill();
  }
}

main().catch((error: unknown) => {
  console.error(`[ui-screenshot] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
