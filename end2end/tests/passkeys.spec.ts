import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { openApp, PASSWORD, registerAndSignIn, signOut, watchForErrors } from './app';

// Browsers allow passkeys for a domain name, never for an IP address: this suite opens NetCare at
// localhost (the relying party NetCare names for a loopback public URL).
test.use({ baseURL: `http://localhost:${process.env.NETCARE_E2E_PORT}` });

/** Chromium's virtual authenticator (CDP), as a laptop's platform authenticator with a PIN. */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test('add a passkey, sign in with it after the password and on its own, then remove it', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const id = `${testInfo.project.name}${Date.now()}`;
  const username = `pia-${id}`;
  await registerAndSignIn(page, username, `pia.${id}@corp.example`, 'Pia Passkey');
  const { cdp, authenticatorId } = await virtualAuthenticator(page);

  await openApp(page, '/profile');
  const twoStep = page.getByRole('region', { name: 'Two-step sign-in' });
  const section = page.getByRole('region', { name: 'Passkeys' });
  await expect(section.getByTestId('no-passkeys')).toBeVisible();
  await expect(twoStep.getByText('Off.')).toBeVisible();
  const addForm = section.locator('form').filter({ has: page.getByRole('button', { name: 'Add a passkey' }) });
  // The current password is asked first.
  await addForm.getByLabel('Name of the passkey').fill('Work laptop');
  await addForm.getByLabel('Current password').fill('not my password');
  await addForm.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(addForm.getByRole('alert')).toContainText('This is not your current password.');
  await addForm.getByLabel('Current password').fill(PASSWORD);
  await addForm.getByRole('button', { name: 'Add a passkey' }).click();

  // The first passkey turns two-step sign-in on, with recovery codes shown once.
  await expect(section.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
  await section.getByRole('button', { name: 'I have kept them' }).click();
  await expect(twoStep.getByTestId('two-step-on')).toContainText('signing in asks for one of your passkeys (below). 10 recovery codes left');
  await expect(section.getByTestId('passkey')).toHaveCount(1);
  await expect(section.getByTestId('passkey')).toContainText('Work laptop');
  await expect(section.getByTestId('passkey')).toContainText('not used yet');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential).toBe(true);

  // The password alone is not enough: the second step asks for the passkey.
  await signOut(page);
  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await expect(page.getByText('Passkey not at hand? Enter one of your recovery codes.')).toBeVisible();
  await page.getByRole('button', { name: 'Use your passkey' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out', includeHidden: true })).toBeAttached();

  // The passkey alone signs in: no username, no password.
  await signOut(page);
  await openApp(page, '/login');
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out', includeHidden: true })).toBeAttached();
  await openApp(page, '/profile');
  await expect(section.getByTestId('passkey')).toContainText('last used');

  // Removing it asks for the password; two-step sign-in is then off.
  await section.getByRole('button', { name: 'Remove “Work laptop”' }).click();
  const removeForm = section.locator('form').filter({ has: page.getByRole('button', { name: 'Remove the passkey' }) });
  await removeForm.getByLabel('Current password, to remove this passkey').fill(PASSWORD);
  await removeForm.getByRole('button', { name: 'Remove the passkey' }).click();
  await expect(section.getByTestId('no-passkeys')).toBeVisible();
  await expect(twoStep.getByTestId('two-step-on')).toHaveCount(0);
  await expect(twoStep.getByText('Off.')).toBeVisible();
  // The wrong password's refusal (400) was deliberate.
  expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
});

test('at an address browsers refuse passkeys for, the person is told where they work', async ({ page }) => {
  const errors = watchForErrors(page);
  await virtualAuthenticator(page);
  // NetCare's public URL here is http://127.0.0.1:…; browsers allow passkeys only for names.
  await openApp(page, `http://127.0.0.1:${process.env.NETCARE_E2E_PORT}/login`);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.getByRole('alert')).toContainText('This browser does not allow passkeys at this address');
  await expect(page).toHaveURL(/\/login/);
  expect(errors).toEqual([]);
});
