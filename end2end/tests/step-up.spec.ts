import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { openApp, PASSWORD, signIn } from './app';

/**
 * Makes this browser's session one whose sign-in was half an hour ago, in the database the server
 * uses (only this session: others signed in as the same person are untouched).
 */
async function signedInLongAgo(page: Page): Promise<void> {
  const cookie = (await page.context().cookies()).find((c) => c.name.endsWith('netcare_session'));
  if (!cookie) throw new Error('no session cookie');
  const hash = createHash('sha256').update(cookie.value).digest('hex');
  const past = new Date(Date.now() - 30 * 60_000).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const sql = `UPDATE sessions SET authenticated_at = '${past}' WHERE token_hash = '${hash}';`;
  const url = process.env.NETCARE_E2E_DATABASE_URL ?? '';
  if (url.startsWith('postgres')) execFileSync('psql', [url, '-qc', sql]);
  else execFileSync('sqlite3', ['-cmd', '.timeout 5000', url.replace(/^sqlite:\/\//, '').replace(/\?.*$/, ''), sql]);
}

test('a sensitive action long after signing in asks for the password first', async ({ page }, testInfo) => {
  await signIn(page, 'olivia.ops');
  await openApp(page, '/collectors');
  await signedInLongAgo(page);
  const name = `Step-up collector ${testInfo.project.name}`;
  await page.getByLabel('Collector name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();

  const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('link', { name: 'Confirm it is you' }).click();
  await expect(page).toHaveURL(/\/confirm-identity\?next=%2Fcollectors|\/confirm-identity\?next=\/collectors/);
  await page.getByLabel('Your password').fill('not my password');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('This is not your current password.')).toBeVisible();
  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Confirm' }).click();

  // Back where the action was asked for; now it is done.
  await expect(page).toHaveURL(/\/collectors$/);
  await page.getByLabel('Collector name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toHaveText(/^nct_/);
});
