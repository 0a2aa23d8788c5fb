import { defineConfig, devices } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeRegistry } from './fixtures/large-company';

// Chosen once in the runner process; the workers inherit the environment, so all agree.
function freePort(): string {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script]).toString();
}
process.env.NETCARE_E2E_PORT ??= freePort();
// A fresh database per run: a SQLite file in a new temp dir unless the test command gives a URL.
process.env.NETCARE_E2E_DATABASE_URL ??= join(mkdtempSync(join(tmpdir(), 'netcare-e2e-')), 'netcare.db');
// The realistic company (hundreds of devices, every coverage state): its registry is written per
// run, since "expiring" and "expired" are relative to today.
if (!process.env.NETCARE_E2E_LARGE_REGISTRY) {
  const dir = mkdtempSync(join(tmpdir(), 'netcare-e2e-large-'));
  writeRegistry(dir);
  process.env.NETCARE_E2E_LARGE_REGISTRY = dir;
}

const targetDir = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'netcare', 'target');
const netcareBin = process.env.NETCARE_BIN ?? join(targetDir, 'debug', 'netcare');
const siteDir = resolve(__dirname, '..', 'dist');
const baseURL = `http://127.0.0.1:${process.env.NETCARE_E2E_PORT}`;

// Debian's Chromium, offline: no background traffic to hosts this machine cannot reach.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  // The longest flows (several people, each signing in and landing on their home page, often
  // another bundle's) take ~25 s on 2 cores, and up to twice that while the machine is busy.
  timeout: 75_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    // Recording a trace of every test (to keep those that fail) costs a sixth of the suite's time
    // and the test command's output shows each failure's error and screenshot path; to chase one,
    // run it again with `--trace on`.
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } },
    { name: 'phone', use: { ...devices['Pixel 7'], channel: undefined } },
  ],
  webServer: {
    // Demo data (with the agent account), then each project's own companies and contracts.
    command:
      `"${netcareBin}" demo --if-empty && "${netcareBin}" registry import "${resolve(__dirname, 'fixtures', 'registry')}" && ` +
      `"${netcareBin}" registry import "${process.env.NETCARE_E2E_LARGE_REGISTRY}" && ` +
      `"${netcareBin}" --bind 127.0.0.1:${process.env.NETCARE_E2E_PORT} --site-dir "${siteDir}" --dev-mailbox --trusted-proxy 127.0.0.1/32 --public-url ${baseURL}`,
    url: `${baseURL}/healthz`,
    env: {
      DATABASE_URL: process.env.NETCARE_E2E_DATABASE_URL,
      NETCARE_LOG: process.env.NETCARE_E2E_LOG ?? 'warn',
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
