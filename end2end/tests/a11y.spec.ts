import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, openApp, severeViolations, signIn } from './app';

// axe-core on every page of the app, as the person who would see it (demo accounts, read only),
// and no page wider than the screen.

async function check(page: Page, path: string, ready: RegExp | string) {
  await openApp(page, path);
  await expect(page.getByRole('heading', { name: ready }).first()).toBeVisible();
  // Let loading states settle so the page is checked as people read it.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expectAccessible(page, path);
  // Nothing needs sideways scrolling, on a phone as on a desktop.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
}

test('pages for visitors have no serious accessibility violations', async ({ page }) => {
  await check(page, '/', 'Know which of your network devices are covered, and why.');
  await check(page, '/login', 'Sign in');
  await check(page, '/register', 'Create your NetCare account');
  await check(page, '/forgot-password', /password/i);
  await check(page, '/reset-password?token=not-a-token', /password/i);
  await check(page, '/verify-email?token=not-a-token', /./);
  await check(page, '/onboarding/verify?token=not-a-token', /./);
  await check(page, '/profile', /./);
  await check(page, '/no-such-page', 'Page not found');
});

test('pages of a Delegated Administrator have no serious accessibility violations', async ({ page }) => {
  await signIn(page, 'dana.admin');
  await expectAccessible(page, '/profile');
  await check(page, '/', 'Coverage');
  await check(page, '/library', 'Devices');
  await check(page, '/library?status=not_covered', 'Devices');
  await check(page, '/library/contracts', 'Contracts');
  await check(page, '/uploads', 'Uploads');
  await check(page, '/collectors', 'Collectors');
  await check(page, '/access', 'Access');
  await check(page, '/access/requests', /requests/i);
  await check(page, '/onboarding', /./);
});

test("the agents' console has no serious accessibility violations", async ({ page }) => {
  await signIn(page, 'agent');
  await check(page, '/agents', "Agents' console");
  await check(page, '/', 'Vendor agent');
});

test('the check itself finds what it should', async ({ page }) => {
  await openApp(page, '/login');
  // An unlabelled button and an input without a label: both are reported.
  await page.evaluate(() => {
    document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button id="axe-probe"></button><input id="axe-probe-input">');
  });
  const found = (await severeViolations(page)).join('\n');
  expect(found).toContain('button-name');
  expect(found).toContain('label');
});
