import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { expectAccessible, expectNoSidewaysScroll, openApp, severeViolations, signIn } from './app';

// axe-core on every page of the app, as the person who would see it (demo accounts, read only),
// and no page wider than the screen.

async function check(page: Page, path: string, ready: RegExp | string) {
  await openApp(page, path);
  await expect(page.getByRole('heading', { name: ready }).first()).toBeVisible();
  // Every path of every area is served by its bundle (app/src/bundles.rs), never "not found".
  if (ready !== 'Page not found') await expect(page.getByRole('heading', { name: 'Page not found' })).toHaveCount(0);
  // Let loading states settle so the page is checked as people read it.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expectAccessible(page, path);
  // Nothing needs sideways scrolling, on a phone as on a desktop.
  await expectNoSidewaysScroll(page, path);
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

// A Delegated Administrator's pages in two tests: each page is loaded and checked whole, and all
// twelve in one test came near its time limit on a busy 2-core machine.
test('pages of a Delegated Administrator have no serious accessibility violations: dashboard and Library', async ({ page }) => {
  await signIn(page, 'dana.admin');
  await expectAccessible(page, 'the dashboard, right after signing in');
  await check(page, '/', 'Coverage');
  await check(page, '/library', 'Devices');
  await check(page, '/library?status=not_covered', 'Devices');
  await check(page, '/library/contracts', 'Contracts');
  await check(page, '/library/alerts', 'Alerts');
});

test('pages of a Delegated Administrator have no serious accessibility violations: uploads, collectors, access', async ({ page }) => {
  await signIn(page, 'dana.admin');
  await check(page, '/uploads', 'Uploads');
  await check(page, '/collectors', 'Collectors');
  await check(page, '/access', 'Access');
  await check(page, '/access/requests', /requests/i);
  await check(page, '/access/security-log', 'Security log');
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

test('keyboard only: skip to content, sign in, open the menu and follow a link', async ({ page }) => {
  await openApp(page, '/login');
  // The first Tab reaches the skip link, which moves focus past the navigation.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.getByLabel('Username or email').focus();
  await page.keyboard.type('ben.user');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type('copper kettle orbit lantern');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Dashboard · NetCare');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('button', { name: 'Sign out', includeHidden: true })).toBeAttached();
  // On a phone the menu opens from the keyboard, and Escape folds it again.
  const toggle = nav.getByRole('button', { name: 'Menu' });
  if (await toggle.isVisible()) {
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Escape');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await page.keyboard.press('Enter');
  }
  const library = nav.getByRole('link', { name: 'Library', exact: true });
  await library.focus();
  await expect(library).toBeFocused();
  // Focus is visible: the outline the style sheet gives focused elements.
  expect(await library.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
});
