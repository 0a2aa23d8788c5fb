import { expect } from '@playwright/test';
import { test } from './app';
import type { Page, Request } from '@playwright/test';
import { expectNoSidewaysScroll, openApp, signIn, watchForErrors } from './app';

/** The requests for the signed-in person while `path` opens. */
async function whoAmIRequests(page: Page, path: string): Promise<Request[]> {
  const asked: Request[] = [];
  const listener = (request: Request) => {
    if (new URL(request.url()).pathname === '/api/accounts/me') asked.push(request);
  };
  page.on('request', listener);
  await openApp(page, path);
  page.off('request', listener);
  return asked;
}

test('the page asks who is signed in while the app downloads, and the app asks no more', async ({ page }) => {
  const errors = watchForErrors(page);
  // A visitor: one request, and the landing page.
  let asked = await whoAmIRequests(page, '/');
  expect(asked).toHaveLength(1);
  // The page's own request carries no body; the app's server-function call would send a form.
  expect(await asked[0].headerValue('content-type')).toBeNull();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('covered');

  // A member, on two areas' pages: each asked once, and shows the member.
  await signIn(page, 'ben.user');
  for (const [path, heading] of [['/', 'Dashboard'], ['/library', 'Devices']]) {
    asked = await whoAmIRequests(page, path);
    expect(asked, path).toHaveLength(1);
    expect(await asked[0].headerValue('content-type'), path).toBeNull();
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('while the app downloads, the page shows the brand and says it is loading, then the app replaces it', async ({ page }) => {
  // The app held back: what a slow network shows first.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/library');
  const shell = page.locator('#boot');
  await expect(shell.getByRole('banner')).toHaveText('◆ NetCare');
  await expect(shell.getByRole('status')).toHaveText('Loading NetCare…');
  await expectNoSidewaysScroll(page, 'the page while the app downloads');
  // The brand stands where the app's top bar draws it, so nothing jumps when the app appears.
  const before = await shell.locator('.brand').boundingBox();
  release();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(shell).toHaveCount(0);
  const after = await page.getByRole('banner').locator('.brand').boundingBox();
  expect(after?.x).toBeCloseTo(before?.x ?? -1, 0);
  expect(after?.height).toBeCloseTo(before?.height ?? -1, 0);
});

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
