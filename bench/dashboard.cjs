// Opens the dashboard of dana.admin in Debian's Chromium with the CPU slowed 4x and reports the
// time from navigation until the dashboard is interactive. Run by bench/dashboard.sh.
const { chromium, request } = require('@playwright/test');

const [base, runsText] = process.argv.slice(2);
const runs = Number(runsText || 5);
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function signedInState() {
  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { 'Sec-Fetch-Site': 'same-origin' } });
  const answer = await api.post('/api/accounts/login', { form: { login: 'dana.admin', password: 'copper kettle orbit lantern' } });
  if (!answer.ok()) throw new Error(`sign-in failed: ${answer.status()} ${await answer.text()}`);
  const state = await api.storageState();
  await api.dispose();
  return state;
}

async function openDashboard(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  page.on('response', async (response) => {
    const length = Number((await response.allHeaders())['content-length'] || 0);
    bytes += length;
  });
  await page.goto(`${base}/`, { waitUntil: 'commit' });
  // Interactive: the chart's counts came from the server and were drawn by the running app.
  const handle = await page.waitForFunction(() => {
    const count = document.querySelector('[data-testid="coverage-chart"] .status-bar-count');
    return count ? performance.now() : false;
  }, null, { polling: 'raf', timeout: 30_000 });
  const interactiveMs = await handle.jsonValue();
  const loadedMs = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
  const counts = await page.locator('[data-testid="coverage-chart"] .status-bar-count').allTextContents();
  await page.close();
  return { interactiveMs, loadedMs, bytes, counts };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args });
  const storageState = await signedInState();
  for (const cache of ['cold', 'warm']) {
    const times = [];
    let last;
    // cold: a new browser profile each time (nothing cached); warm: one profile, opened again.
    const shared = cache === 'warm' ? await browser.newContext({ storageState }) : null;
    if (shared) await openDashboard(shared);
    for (let i = 0; i < runs; i++) {
      const context = shared ?? (await browser.newContext({ storageState }));
      last = await openDashboard(context);
      times.push(last.interactiveMs);
      if (!shared) await context.close();
    }
    console.log(`${cache} cache: interactive median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms), ` +
      `DOMContentLoaded ${last.loadedMs.toFixed(0)} ms, ${Math.round(last.bytes / 1024)} KB of responses (gzipped); chart counts ${last.counts.join(' / ')}`);
    if (shared) await shared.close();
  }
  await browser.close();
  console.log('goal: interactive within 1000 ms');
})().catch((error) => { console.error(error); process.exit(1); });
