import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { attachScreenshot, expectAccessible, navLink, openApp, signIn, watchForErrors } from './app';

// What each kind of person sees after signing in (demo accounts of Northwind, read only), on
// desktop and phone, with a screenshot in the report and axe on the page.

async function dashlets(page: Page): Promise<(string | null)[]> {
  return page.locator('[data-dashlet]').evaluateAll((frames) => frames.map((f) => f.getAttribute('data-dashlet')));
}

for (const { login, role, who, seesRequests, manages } of [
  { login: 'dana.admin', role: 'Delegated Administrator', who: 'a DA', seesRequests: true, manages: true },
  { login: 'olivia.ops', role: 'Administrator', who: 'an Administrator', seesRequests: false, manages: true },
  { login: 'ben.user', role: 'User', who: 'a User', seesRequests: false, manages: false },
]) {
  test(`the dashboard of ${who}`, async ({ page }, testInfo) => {
    await signIn(page, login);
    const errors = watchForErrors(page);
    await (await navLink(page, 'Dashboard')).click();
    await expect(page).toHaveTitle('Dashboard · NetCare');
    await expect(page.getByTestId('top-company')).toHaveText('Northwind Networks');
    const account = page.getByTestId('account-dashlet');
    await expect(account).toContainText('Northwind Networks');
    await expect(account.locator('dd', { hasText: new RegExp(`^${role}$`) })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Coverage', exact: true })).toBeVisible();
    await expect(page.getByTestId('uploads-dashlet')).toBeVisible();
    await expect.poll(() => dashlets(page)).toEqual(seesRequests ? ['coverage', 'account', 'uploads', 'requests', 'end_of_life', 'security_advisories', 'field_notices'] : ['coverage', 'account', 'uploads', 'end_of_life', 'security_advisories', 'field_notices']);
    await expect(page.getByRole('heading', { name: 'Pending access requests' })).toHaveCount(seesRequests ? 1 : 0);

    // The navigation offers what the role may use.
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Dashboard', 'Library', 'Contracts', 'Alerts', 'Uploads']) {
      await expect(await navLink(page, name)).toBeVisible();
    }
    await expect(nav.getByRole('link', { name: 'Access', exact: true, includeHidden: true })).toHaveCount(manages ? 1 : 0);
    await expect(nav.getByRole('link', { name: 'Collectors', exact: true, includeHidden: true })).toHaveCount(manages ? 1 : 0);
    await expect(nav.getByRole('link', { name: "Agents' console", includeHidden: true })).toHaveCount(0);
    await attachScreenshot(page, testInfo, `dashboard-${login}-with-menu`);
    await page.keyboard.press('Escape');
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await attachScreenshot(page, testInfo, `dashboard-${login}`);
    await expectAccessible(page, `the dashboard of ${login}`);
    // Dark mode: the same page with the dark palette, contrast checked again.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, `the dashboard of ${login}, dark`);
    await attachScreenshot(page, testInfo, `dashboard-${login}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });

    // Deep links and history: a reload keeps the page, Back returns.
    await (await navLink(page, 'Library')).click();
    await expect(page).toHaveTitle('Devices · Library · NetCare');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
    await page.goBack();
    await expect(page).toHaveTitle('Dashboard · NetCare');
    await expect(page.getByTestId('account-dashlet')).toBeVisible();
    expect(errors).toEqual([]);
  });
}

test("an agent's start: the console", async ({ page }, testInfo) => {
  await signIn(page, 'agent');
  const errors = watchForErrors(page);
  await openApp(page, '/');
  await expect(page.getByRole('heading', { name: 'Vendor agent' })).toBeVisible();
  await expect(page.getByTestId('top-company')).toHaveCount(0);
  await (await navLink(page, "Agents' console")).click();
  await expect(page.getByRole('heading', { name: "Agents' console", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle(/Agents' console · NetCare/);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await attachScreenshot(page, testInfo, 'agents-console');
  await expectAccessible(page, "the agents' console");
  expect(errors).toEqual([]);
});

test('a dashlet that cannot load says so in its place and tries again', async ({ page }) => {
  await signIn(page, 'ben.user');
  // Signing in lands on this dashboard: let its requests finish before the next one is broken.
  await expect(page.getByRole('heading', { name: 'Coverage', exact: true })).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  let refused = 0;
  // The first request for the coverage counts fails as a broken connection to the server would.
  await page.route('**/api/library/summary', async (route) => {
    if (refused++ === 0) await route.fulfill({ status: 503, contentType: 'text/plain', body: 'unavailable' });
    else await route.continue();
  });
  await openApp(page, '/');
  const coverage = page.getByRole('region', { name: 'Coverage' });
  await expect(coverage.getByRole('alert')).toBeVisible();
  // The rest of the dashboard is there.
  await expect(page.getByTestId('account-dashlet')).toContainText('Northwind Networks');
  await coverage.getByRole('button', { name: 'Try again' }).click();
  await expect(coverage.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Coverage', exact: true })).toBeVisible();
  expect(refused).toBe(2);
});
