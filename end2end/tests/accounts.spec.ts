import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { confirmEmail, followMailedLink, openApp, PASSWORD, watchForErrors, navLink, signOut } from './app';

test('register, verify from the mailbox, sign in, change name, sign out', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const id = `${testInfo.project.name}${Date.now()}`;
  const email = `ann.${id}@corp.example`;

  await openApp(page, '/register');
  await expect(page).toHaveTitle('Create your account · NetCare');
  // A personal address is refused with the reason, and nothing is lost from the form.
  await page.getByLabel('Username').fill(`ann-${id}`);
  await page.getByLabel('Full name').fill('Ann Lee');
  await page.getByLabel('Business email').fill(`ann.${id}@gmail.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('gmail.com is a personal email provider')).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue(`ann-${id}`);

  await page.getByLabel('Business email').fill(email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();

  await followMailedLink(page, email, 'Verify your email address for NetCare');
  // Opening the link changes nothing (a mail scanner may open it first): it names the account and
  // address, and the person confirms.
  await expect(page.getByText(`ann-${id}`)).toBeVisible();
  await confirmEmail(page, email);

  // The link works once.
  const link = page.url();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
  await expect(page.getByText('This link was already used.')).toBeVisible();

  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill(email);
  await page.getByLabel('Password').fill('not my password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('do not match an account')).toBeVisible();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Someone without a company yet lands on the registration of their company.
  await expect(page.getByRole('heading', { name: 'Register your company with NetCare' })).toBeVisible();
  await (await navLink(page, 'Ann Lee')).click();
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await expect(page.getByText(`${email} (verified)`)).toBeVisible();
  await page.getByLabel('Full name').fill('Ann Lee-Smith');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByText('Your name is saved.')).toBeVisible();
  await expect(await navLink(page, 'Ann Lee-Smith')).toBeVisible();

  // Reloading keeps the session (it lives on the server, in a cookie).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();

  await signOut(page);
  // Signed out, the profile's address leads to sign-in, and back to the profile afterwards.
  await openApp(page, '/profile');
  await expect(page.getByRole('heading', { name: 'Sign in to NetCare' })).toBeVisible();
  await page.getByLabel('Username or email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await expect(page).toHaveURL(/\/profile$/);
  // Refused calls (wrong password, used link) answer 4xx, which the console reports; nothing else.
  expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
});

test('forgotten password: the same answer for any address, and the link resets it', async ({ page }, testInfo) => {
  const id = `${testInfo.project.name}${Date.now()}r`;
  const email = `bo.${id}@corp.example`;
  await openApp(page, '/register');
  await page.getByLabel('Username').fill(`bo-${id}`);
  await page.getByLabel('Full name').fill('Bo Berg');
  await page.getByLabel('Business email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();

  await openApp(page, '/forgot-password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByText('If an account has this address')).toBeVisible();

  await followMailedLink(page, email, 'Reset your NetCare password');
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password').fill('violet harbour seventy gravel');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByText('Your password is changed')).toBeVisible();

  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill(`bo-${id}`);
  await page.getByLabel('Password').fill('violet harbour seventy gravel');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Register your company with NetCare' })).toBeVisible();
});
