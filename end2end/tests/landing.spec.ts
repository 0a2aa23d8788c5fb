import { expect } from '@playwright/test';
import { test } from './app';
import { openApp, watchForErrors } from './app';

test('the landing page renders and shows live registry counts from the server', async ({ page }) => {
  const errors = watchForErrors(page);
  const statsResponse = page.waitForResponse(
    (response) => response.url().endsWith('/api/registry/stats') && response.request().method() === 'POST',
  );
  await openApp(page);

  await expect(page).toHaveTitle('NetCare');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('covered');
  for (const stage of ['1. Registration', '2. Collection', '3. Portal use']) {
    await expect(page.getByRole('heading', { name: stage })).toBeVisible();
  }

  // The round trip: what the server function returned is what the page shows.
  const response = await statsResponse;
  expect(response.status()).toBe(200);
  const counts = await response.json();
  const stats = page.getByRole('definition');
  await expect(stats).toHaveCount(5);
  const expected = [counts.companies, counts.sites, counts.contracts, counts.contract_lines, counts.associated_accounts];
  await expect(stats).toHaveText(expected.map(String));
  await expect(page.getByText('Service contracts', { exact: true })).toBeVisible();

  // Refreshing asks the server again.
  const again = page.waitForResponse((r) => r.url().endsWith('/api/registry/stats'));
  await page.getByRole('button', { name: 'Refresh' }).click();
  expect((await again).status()).toBe(200);
  await expect(stats).toHaveText(expected.map(String));

  expect(errors).toEqual([]);
});

test('a deep link to an unknown page shows the app shell with a way back', async ({ page }) => {
  await openApp(page, '/no/such/page');
  await expect(page).toHaveTitle('Page not found · NetCare');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the start page' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: '1. Registration' })).toBeVisible();
});

test('the page fits the screen without horizontal scrolling', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('definition').first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
