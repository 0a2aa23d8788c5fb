import { expect } from '@playwright/test';
import { test } from './app';
import { answerSecondStep, openApp, PASSWORD, registerAndSignIn, signOut, totp, watchForErrors } from './app';

test('turn on two-step sign-in, then sign in with the app and with a recovery code', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors = watchForErrors(page);
  const id = `${testInfo.project.name}${Date.now()}`;
  const username = `tess-${id}`;
  await registerAndSignIn(page, username, `tess.${id}@corp.example`, 'Tess Two-Step');

  await openApp(page, '/profile');
  const section = page.getByRole('region', { name: 'Two-step sign-in' });
  await expect(section.getByText('Off.')).toBeVisible();
  await section.getByLabel('Current password').fill(PASSWORD);
  await section.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(section.getByRole('img', { name: 'QR code to add NetCare to an authenticator app' })).toBeVisible();
  const key = (await section.getByTestId('totp-secret').textContent()) ?? '';
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  await section.getByRole('button', { name: 'Copy the key' }).click();
  await expect(section.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.replaceAll(' ', ''));

  // A wrong code is refused with the reason; the app's code turns it on.
  await section.getByLabel('Code from the app').fill('000000');
  await section.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await expect(section.getByText('This code does not match')).toBeVisible();
  await section.getByLabel('Code from the app').fill(totp(key));
  await section.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  const codes = section.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.nth(2).textContent()) ?? '';
  expect(recovery).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  await expect(section.getByRole('link', { name: 'Download the codes' })).toHaveAttribute('download', 'netcare-recovery-codes.txt');
  const copyCodes = section.getByRole('button', { name: 'Copy the codes' });
  await copyCodes.click();
  // The outcome beside this button (the set-up steps, with the key's, leave once the status reloads).
  await expect(section.getByRole('paragraph').filter({ has: page.getByRole('button', { name: 'Copy the codes' }) }).getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(recovery);
  await section.getByRole('button', { name: 'I have kept them' }).click();
  await expect(section.getByTestId('two-step-on')).toContainText('10 recovery codes left');

  // Signing in asks for the code after the password.
  await signOut(page);
  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await answerSecondStep(page, key);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out', includeHidden: true })).toBeAttached();

  // Without the phone: a recovery code, once.
  await signOut(page);
  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await openApp(page, '/profile');
  await expect(page.getByTestId('two-step-on')).toContainText('9 recovery codes left');
  expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
});
