import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { anotherBrowser, becomeDa, openApp, registerAndSignIn, signIn, signOut, startWizard, watchForErrors, navLink } from './app';
import { readFileSync } from 'node:fs';

// Each project has its own company for this (end2end/fixtures/registry: E2E-*-ACC).
function company(project: string) {
  const digit = project === 'desktop' ? '1' : '2';
  return {
    contract: `7${digit}50001`,
    serial: (n: number) => `SN${project[0].toUpperCase()}ACC00${n}`,
    domain: `acc-${project}.example`,
  };
}

async function requestAccess(page: Page, username: string, email: string, name: string, contract: string, serial: string) {
  await registerAndSignIn(page, username, email, name);
  await startWizard(page, contract, serial);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: 'Request submitted' })).toBeVisible();
  await signOut(page);
}

async function grant(page: Page, name: string, role: string) {
  const request = page.getByRole('listitem', { name: `Request from ${name}` });
  await request.getByLabel('Role to grant').selectOption(role);
  await request.getByRole('button', { name: 'Grant' }).click();
  await expect(request).toHaveCount(0);
}

test('a DA promotes a User, reorders the DAs and revokes a user whose open browser is refused', async ({ page, browser }, testInfo) => {
  const p = testInfo.project.name;
  const c = company(p);
  await becomeDa(page, `acc-founder-${p}`, `founder@${c.domain}`, 'Ada Founder', c.contract, c.serial(1), /whole organisation/);
  await signOut(page);
  await requestAccess(page, `acc-user-${p}`, `user@${c.domain}`, 'Uri User', c.contract, c.serial(2));
  await requestAccess(page, `acc-deputy-${p}`, `deputy@${c.domain}`, 'Dev Deputy', c.contract, c.serial(3));

  await signIn(page, `acc-founder-${p}`);
  await openApp(page, '/access/requests');
  await grant(page, 'Uri User', 'user');
  await grant(page, 'Dev Deputy', 'da');

  // Uri works in another browser, which stays open.
  const uriPage = await anotherBrowser(browser, testInfo, 'uri');
  await signIn(uriPage, `acc-user-${p}`);
  await openApp(uriPage, '/library');
  await expect(uriPage.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  await expect(uriPage.getByRole('link', { name: 'Access', exact: true })).toHaveCount(0);

  const errors = watchForErrors(page);
  await (await navLink(page, 'Access')).click();
  await expect(page.getByRole('heading', { name: 'Access', level: 1 })).toBeVisible();
  // Phones show table rows as cards, so rows are found by their text.
  const people = page.getByRole('region', { name: 'People' });
  const row = (name: string) => people.locator('tr', { hasText: name });
  await expect(row('Ada Founder')).toContainText('Delegated Administrator 1');
  await expect(row('Dev Deputy')).toContainText('Delegated Administrator 2');
  await expect(row('Uri User')).toContainText('User');

  // Promote Uri to Administrator.
  await page.getByLabel('Role of Uri User', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Save role of Uri User' }).click();
  await expect(row('Uri User')).toContainText('Administrator');
  await expect(page.getByText('Role: User → Administrator')).toBeVisible();

  // Dev becomes the first DA (who receives access requests).
  await page.getByRole('button', { name: 'Move Dev Deputy up the DA order' }).click();
  await expect(row('Dev Deputy')).toContainText('Delegated Administrator 1');
  await expect(row('Ada Founder')).toContainText('Delegated Administrator 2');
  await expect(page.getByText('Moved to DA 1 (receives access requests)')).toBeVisible();

  // The last step: Uri's access is revoked; his open browser is refused on its next click.
  await page.getByRole('button', { name: 'Revoke access of Uri User' }).click();
  await page.getByRole('button', { name: 'Yes, revoke access' }).click();
  await expect(row('Uri User')).toHaveCount(0);
  await expect(page.getByText('Access revoked (was Administrator)')).toBeVisible();
  // Every change is on the record, the first DA's own registration too.
  const record = page.getByRole('region', { name: 'Changes of access' });
  await expect(record.locator('tr', { hasText: 'Onboarding' })).toContainText('Ada FounderJoined as Delegated Administrator');
  await expect(record.locator('tr', { hasText: 'Dev Deputy' }).filter({ hasText: 'Joined as Delegated Administrator' })).toContainText('Ada Founder');
  await page.screenshot({ path: testInfo.outputPath('access.png'), fullPage: true });
  await testInfo.attach('access page', { path: testInfo.outputPath('access.png'), contentType: 'image/png' });

  // Uri's next click says why, on the sign-in page, with a visitor's menu and nothing to retry.
  await (await navLink(uriPage, 'Uploads')).click();
  await expect(uriPage.getByTestId('session-ended')).toHaveText(/removed your access to its data/);
  await expect(uriPage).toHaveURL(/\/login\?next=%2Fuploads|\/login\?next=\/uploads/);
  await expect(uriPage.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(uriPage.getByRole('link', { name: 'Library', exact: true })).toHaveCount(0);
  // Reloaded, the page still says why (the session is ended, not unknown).
  await uriPage.reload();
  await expect(uriPage.getByTestId('session-ended')).toHaveText(/removed your access to its data/);
  await uriPage.context().close();
  expect(errors).toEqual([]);
});

test('a DA reads the security log: a failed sign-in and a new token, filtered and downloaded', async ({ page }, testInfo) => {
  const p = testInfo.project.name;
  // A wrong password first: refused, and recorded.
  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill('dana.admin');
  await page.getByLabel('Password').fill(`not the password ${p}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await signIn(page, 'dana.admin');
  const token = `Log probe ${p} ${Date.now()}`;
  await openApp(page, '/collectors');
  await page.getByLabel('Collector name').fill(token);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toBeVisible();

  await openApp(page, '/access');
  await page.getByRole('link', { name: 'Security log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Security log' })).toBeVisible();
  const events = page.getByRole('table', { name: 'Security events, newest first' });
  await expect(events.getByRole('row').nth(1)).toBeVisible();

  await page.getByLabel('Person or text').fill(token);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(events.getByRole('row')).toHaveCount(2);
  await expect(events.getByRole('row').nth(1)).toContainText('Collector token created');
  await expect(events.getByRole('row').nth(1)).toContainText('dana.admin');

  await page.getByLabel('Person or text').fill('');
  await page.getByLabel('Kind').selectOption({ label: 'Sign-in failed' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(events.getByRole('row').nth(1)).toContainText('Sign-in failed');
  await expect(events.getByRole('row').nth(1)).toContainText('wrong password');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('netcare-security-log.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toBe('at,kind,actor,detail,client_address');
  expect(csv).toContain(',sign_in_failed,dana.admin,wrong password,');
  expect(csv).not.toContain('signed_in');
});
