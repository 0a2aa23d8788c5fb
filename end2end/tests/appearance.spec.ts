import { expect } from '@playwright/test';
import { test } from './app';
import { openApp, signIn, watchForErrors } from './app';

const LIGHT = 'rgb(245, 247, 250)';
const DARK = 'rgb(15, 20, 26)';

test('the colour theme is chosen on the profile and kept in this browser', async ({ page }) => {
  const errors = watchForErrors(page);
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, 'ben.user');
  await openApp(page, '/profile');
  const section = page.getByRole('region', { name: 'Appearance' });
  await expect(section.getByLabel('As on this device')).toBeChecked();
  expect(await background()).toBe(LIGHT);

  // Dark, though the device prefers light; kept across a reload and on every page.
  await section.getByLabel('Dark').check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe(DARK);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Appearance' }).getByLabel('Dark')).toBeChecked();
  expect(await background()).toBe(DARK);
  await openApp(page, '/library');
  expect(await background()).toBe(DARK);

  // Light, though the device prefers dark.
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page, '/profile');
  await section.getByLabel('Light').check();
  expect(await background()).toBe(LIGHT);

  // The device's again: it follows the device.
  await section.getByLabel('As on this device').check();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.*/);
  expect(await background()).toBe(DARK);
  expect(errors).toEqual([]);
});
