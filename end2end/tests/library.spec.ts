import { expect } from '@playwright/test';
import { test } from './app';
import { openApp, signIn, watchForErrors, navLink } from './app';

// Ben is a User of Northwind in the demo data. Each project uses its own devices and contract,
// so the desktop and phone runs do not see each other's changes.
const cases = {
  desktop: { mismatch: 'FOC2101A0AB;C9300-24T', registryPid: 'C9300-48P', covered: 'FOC1907X1Y1;WS-C3850-24T', contract: '91000002' },
  phone: { mismatch: 'FOC2101A0AC;C9300-48P', registryPid: 'C9300-24T', covered: 'FTX2001T1P1;CTS-SX80', contract: '91000004' },
};

test('a user finds a not-covered device and why, and sees the contract list fill after an upload', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const c = cases[testInfo.project.name as keyof typeof cases];
  await signIn(page, 'ben.user');
  await openApp(page, '/library/contracts');
  await expect(page.getByRole('heading', { name: 'All contracts', level: 1 })).toBeVisible();
  await expect(page.getByText(c.contract)).toHaveCount(0);

  await (await navLink(page, 'Uploads')).click();
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: `library-${testInfo.project.name}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(`serial_number;product_id\n${c.mismatch}\n${c.covered}\n`),
  });
  await expect(page.getByTestId('preview')).toBeVisible();
  await page.getByRole('button', { name: /^Upload library-/ }).click();
  await expect(page.getByTestId('upload-summary')).toContainText('2 devices accepted');

  // The home page's coverage chart: each bar opens the Library filtered to its status.
  await (await navLink(page, 'Dashboard')).click();
  const chart = page.getByTestId('coverage-chart');
  await expect(chart).toContainText('devices');
  const account = page.getByTestId('account-dashlet');
  await expect(account).toContainText('Northwind');
  await expect(account).toContainText('Dana Admin');
  await expect(account.getByRole('table')).toContainText('91000001');
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });
  await chart.getByRole('link', { name: /^Not covered \d+ devices$/ }).click();
  await expect(page).toHaveURL(/\/library\?status=not_covered$/);

  await (await navLink(page, 'Library')).click();
  await page.getByRole('link', { name: 'See the contracts' }).click();
  // Phones show table rows as cards, so rows are found by their text.
  const row = page.getByTestId('contracts-table').locator('tr', { hasText: c.contract });
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: /^\d+ devices?$/ }).click();
  await expect(page).toHaveURL(new RegExp(`/library\\?contract=${c.contract}$`));
  await expect(page.getByTestId('devices-table')).toContainText(`Contract ${c.contract}`);

  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Status', { exact: true }).selectOption('not_covered');
  await page.getByLabel('Why not covered').selectOption('pid_mismatch');
  await page.getByRole('button', { name: 'Show devices' }).click();
  await expect(page).toHaveURL(/status=not_covered&reason=pid_mismatch/);
  const table = page.getByTestId('devices-table');
  await expect(table).toContainText(`Serial known under PID ${c.registryPid}`);
  // The filtered rows have replaced the previous view (only PID mismatches left, nothing loading).
  await expect(table.locator('tbody tr').filter({ hasNotText: 'Serial known under PID' })).toHaveCount(0);
  await expect(page.locator('.devices-results[aria-busy="true"]')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'CSV' })).toHaveAttribute('href', /status=not_covered&reason=pid_mismatch/);

  // Each device keeps its coverage history.
  await page.getByRole('button', { name: /^Show coverage history of / }).first().click();
  await expect(page.getByTestId('device-history').first()).toContainText('Not covered');
  await expect(page.getByTestId('device-history').first()).toContainText('(now), on upload.');

  // The view survives a reload (the filters are in the address).
  await page.reload();
  await expect(page.getByTestId('devices-table')).toContainText(`Serial known under PID ${c.registryPid}`);
  await page.screenshot({ path: testInfo.outputPath('library.png'), fullPage: true });
  expect(errors).toEqual([]);
});
