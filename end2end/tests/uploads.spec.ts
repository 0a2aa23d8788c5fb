import { readFileSync } from 'node:fs';
import { expect } from '@playwright/test';
import { test } from './app';
import { openApp, signIn, watchForErrors } from './app';

// Dana is Northwind's DA in the demo data. Each project uploads its own serial numbers, so the
// desktop and phone runs can share the company (and its 5 uploads a day) without clashing.
function inventory(project: string, devices: number): string {
  const tag = project.toUpperCase();
  const rows = [
    'Serial Number;PID;Host Name;IP Address',
    'FOC2101A0AA;C9300-48P;core-1;10.0.0.1', // covered in the demo registry
    `;C9300-48P;no-serial-${tag};`, // rejected: no serial number
    `${tag}-BADIP;C9300-48P;bad-ip;999.1.1.1`, // kept without its IP address, with a warning
    '4,56789E+11;C9300-48P;excel-eu;', // rejected: a serial European Excel rewrote as a number
  ];
  for (let n = 0; n < devices; n++) rows.push(`${tag}-${String(n).padStart(6, '0')};C9300-48P;host-${n};10.1.${(n >> 8) & 255}.${n & 255}`);
  return rows.join('\n') + '\n';
}

test('a DA downloads the template, uploads a file with good and bad rows, and sees what happened', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, 'dana.admin');
  await openApp(page, '/uploads');
  await expect(page.getByRole('heading', { name: 'Uploads', level: 1 })).toBeVisible();

  const templateDownload = page.waitForEvent('download');
  await page.getByTestId('template-link').click();
  const template = await templateDownload;
  expect(readFileSync(await template.path(), 'utf8').trim()).toBe(
    'serial_number,product_id,hostname,ip_address,mac_address,software_type,software_version,site',
  );

  const fileName = `inventory-${testInfo.project.name}.csv`;
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: fileName,
    mimeType: 'text/csv',
    buffer: Buffer.from(inventory(testInfo.project.name, 20_000)),
  });
  const preview = page.getByTestId('preview');
  await expect(preview).toContainText('Read as semicolon-separated values.');
  await expect(preview.getByRole('columnheader', { name: /Serial Number.*Serial number/ })).toBeVisible();
  await expect(preview).toContainText('missing serial number');

  // A slow uplink, so the bytes-sent bar is there to be seen.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 200 * 1024,
  });
  await page.getByRole('button', { name: new RegExp(`Upload ${fileName}`) }).click();
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  await expect(page.getByText(/Sending the file: \d+%/)).toBeVisible();

  const summary = page.getByTestId('upload-summary');
  await expect(summary).toContainText('20,002 devices accepted', { timeout: 30_000 });
  await expect(summary).toContainText('2 rows rejected');
  await expect(summary).toContainText('Covered: 1');
  const rejected = page.getByTestId('rejected-rows');
  await expect(rejected.getByRole('cell', { name: 'missing serial number', exact: false })).toBeVisible();
  await expect(rejected.getByRole('cell', { name: 'looks like a number a spreadsheet rewrote', exact: false })).toBeVisible();
  // A device whose only problem is an optional value is kept without it, and the page says so.
  const warnings = page.getByTestId('upload-warnings');
  await expect(warnings).toContainText('1 device kept without a value');
  await expect(warnings.getByRole('cell', { name: '`999.1.1.1` is not an IP address: kept the device without it' })).toBeVisible();

  const rejectedDownload = page.waitForEvent('download');
  await page.getByTestId('download-rejected').click();
  const rejectedFile = readFileSync(await (await rejectedDownload).path(), 'utf8');
  expect(rejectedFile.split('\r\n')[0]).toBe('Serial Number,PID,Host Name,IP Address,line,reason');
  expect(rejectedFile).toContain('"4,56789E+11",C9300-48P,excel-eu,,5,"serial number `4,56789E+11` looks like a number a spreadsheet rewrote');

  // The dashlet below lists the upload that just landed.
  const dashlet = page.getByTestId('uploads-dashlet');
  await expect(dashlet.getByRole('cell', { name: fileName })).toBeVisible();
  await expect(dashlet.getByTestId('quota')).toContainText(/of 5 uploads used/);
  await page.screenshot({ path: testInfo.outputPath('upload-summary.png'), fullPage: true });

  // Coverage can be decided again on demand.
  await page.getByRole('button', { name: 'Refresh coverage now' }).click();
  await expect(page.getByText(/Coverage decided again for [\d,]+ devices; \d+ changed\./)).toBeVisible();
  expect(errors).toEqual([]);
});

test('a file that is not CSV is refused whole with the reason', async ({ page }) => {
  await signIn(page, 'ben.user');
  await openApp(page, '/uploads');
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: 'photo.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  });
  await expect(page.getByTestId('preview-problem')).toContainText('not a CSV file');
  await expect(page.getByRole('button', { name: /Upload photo\.csv/ })).toBeDisabled();
});

test('a DA creates a collector token, shown once, and revokes it', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'dana.admin');
  await openApp(page, '/collectors');
  const name = `Collector ${testInfo.project.name}`;
  await page.getByLabel('Collector name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByTestId('new-token').textContent();
  expect(secret).toMatch(/^nct_[A-Za-z0-9_-]{43}$/);
  // One click puts it on the clipboard.
  await page.getByRole('button', { name: 'Copy the token' }).click();
  await expect(page.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const response = await page.request.get('/api/v1/uploads', { headers: { Authorization: `Bearer ${secret}` } });
  expect(response.status()).toBe(200);
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Revoked');
  const refused = await page.request.get('/api/v1/uploads', { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  // The page leads to the API's reference, generated from the code.
  await page.getByRole('link', { name: 'the API reference' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('NetCare collector API');
  await expect(page.getByRole('heading', { name: 'post /api/v1/uploads' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Idempotency-Key', exact: true })).toBeVisible();
});

test('a read-only token for an integration reads but cannot upload, and expires', async ({ page }, testInfo) => {
  await signIn(page, 'dana.admin');
  await openApp(page, '/collectors');
  const name = `Ticketing ${testInfo.project.name}`;
  await page.getByLabel('Collector name').fill(name);
  await page.getByLabel('Can').selectOption({ label: 'Read only (for integrations)' });
  await page.getByLabel('Works').selectOption({ label: 'For 30 days' });
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByTestId('new-token').textContent();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('Read only');
  await expect(row).toContainText('Works until');
  const headers = { Authorization: `Bearer ${secret}` };
  const me = await page.request.get('/api/v1/me', { headers });
  expect(me.status()).toBe(200);
  expect((await me.json()).scopes).toEqual(['read']);
  const upload = await page.request.post('/api/v1/uploads', {
    headers: { ...headers, 'Content-Type': 'text/csv' },
    data: 'serial_number,product_id\nFOC1234X0AB,C9300-48P\n',
  });
  expect(upload.status()).toBe(403);
  expect((await upload.json()).error).toBe('insufficient_scope');
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toContainText('Revoked');
});
