import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type Browser, type Locator, type Page, type TestInfo } from '@playwright/test';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The suite's `test`: each test's browser comes from its own client address (the server trusts
 * the loopback proxy's `X-Forwarded-For`, see `playwright.config.ts`), as distinct people do, so
 * the per-address sign-in throttle counts one test's deliberate mistakes, not the whole suite's.
 * The header is the page's own, not the context's: the developer mailbox answers only requests
 * not forwarded by a proxy, and `openMailbox` opens it in another tab of the same browser. (A
 * `route` rewriting each request did the same, but pausing every request in the test runner and
 * turning off the browser's cache cost an eighth of the suite's time.)
 */
export const test = base.extend({
  page: async ({ page }, use, testInfo) => {
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': clientAddress(testInfo) });
    await use(page);
  },
});

/** The client address of a test's person (`who` empty) or of another person in the same test. */
function clientAddress(testInfo: TestInfo, who = ''): string {
  const digest = createHash('sha256').update(`${testInfo.testId}:${testInfo.retry}:${who}`).digest();
  return `10.${digest[0]}.${digest[1]}.${(digest[2] % 254) + 1}`;
}

/**
 * A page in a browser of its own (a new context with the project's screen): another person at
 * another machine (`who`, with a client address of their own), who stays signed in while the
 * test's own person goes on. Close its context when done.
 */
export async function anotherBrowser(browser: Browser, testInfo: TestInfo, who: string): Promise<Page> {
  const context = await browser.newContext({ ...testInfo.project.use });
  const page = await context.newPage();
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': clientAddress(testInfo, who) });
  return page;
}

/** The page is no wider than the screen: nothing to scroll sideways, nothing cut. */
export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => ({ content: document.documentElement.scrollWidth, screen: window.innerWidth }));
  expect(widths.content, `${what}: ${widths.content}px of content on a ${widths.screen}px screen`).toBeLessThanOrEqual(widths.screen);
}

/** Opens a page and waits until the wasm app is running (its navigation is rendered by Rust). */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** Collects console errors and failed requests so a test can assert the page ran cleanly. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    // A request the browser abandoned because the page navigated away is not a failure.
    if (reason !== 'net::ERR_ABORTED') errors.push(`request: ${request.url()} ${reason}`);
  });
  return errors;
}

export const PASSWORD = 'copper kettle orbit lantern';

/** The developer mailbox, in another tab of `page`'s browser (without the test's client address). */
export async function openMailbox(page: Page): Promise<Page> {
  const mailbox = await page.context().newPage();
  await mailbox.goto('/dev/mailbox');
  return mailbox;
}

/** Opens the newest message to `to` with `subject` in the developer mailbox and follows its link. */
export async function followMailedLink(page: Page, to: string, subject: string): Promise<void> {
  await page.goto(await mailedLink(page, to, subject));
}

/** On a verification link's page: the address is named, and verified only on confirmation. */
export async function confirmEmail(page: Page, email: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(page.getByRole('heading', { name: 'Email successfully verified' })).toBeVisible();
}

/** The URL of the newest link mailed to `to` with `subject`. */
export async function mailedLink(page: Page, to: string, subject: string): Promise<string> {
  const mailbox = await openMailbox(page);
  const message = mailbox.getByRole('article', { name: subject }).filter({ hasText: `To ${to}` }).first();
  await expect(message).toBeVisible();
  const href = await message.getByRole('link').first().getAttribute('href');
  await mailbox.close();
  if (!href) throw new Error(`no link mailed to ${to}`);
  return href;
}

/** The demo agents' authenticator key (published like their password; see the README). */
export const AGENT_TOTP_KEY = 'NETC AREA GENT DEMO KEYS ONLY TWOS TEPS';

/** The 6-digit code an authenticator app shows for `key` (base32) at `unixSeconds` (RFC 6238). */
export function totp(key: string, unixSeconds = Date.now() / 1000): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of key.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', bytes).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/**
 * Answers the second step of signing in with the app's code. Each code is good once, and the
 * server accepts the codes of the previous, current and next 30 seconds only if no later one was
 * used: when another sign-in (a parallel test as the same demo agent) took the current one, the
 * next is tried, and past it the next period is waited for (the test's time limit is tripled).
 */
export async function answerSecondStep(page: Page, key: string): Promise<void> {
  const tried = new Set<string>();
  for (let attempt = 0; attempt < 10; attempt++) {
    const now = Date.now() / 1000;
    const code = [0, 30].map((ahead) => totp(key, now + ahead)).find((c) => !tried.has(c));
    if (!code) {
      test.slow();
      await page.waitForTimeout((30 - (now % 30)) * 1000 + 300);
      continue;
    }
    tried.add(code);
    await page.getByLabel('Authentication code').fill(code);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/accounts/login/second-step')),
      page.getByRole('button', { name: 'Verify' }).click(),
    ]);
    if (answer.ok()) return;
  }
  throw new Error('no authenticator code was accepted');
}

/** Signs in; an account with two-step sign-in (the demo agents, or `key`) gets its code. */
export async function signIn(page: Page, login: string, password = PASSWORD, key?: string): Promise<void> {
  await openApp(page, '/login');
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const step = await Promise.race([
    page.waitForURL((url) => !url.pathname.startsWith('/login')).then(() => 'in', () => 'none'),
    page.getByLabel('Authentication code').waitFor().then(() => 'code', () => 'none'),
  ]);
  if (step === 'code') await answerSecondStep(page, key ?? AGENT_TOTP_KEY);
  // Each person lands on their home (or the page they asked for), signed in.
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out', includeHidden: true })).toBeAttached();
}

/**
 * Opens a signed-in person's navigation menu when the screen folds it (phones). Waits until the
 * navigation shows the person (right after signing in it may still show the visitor's links).
 */
export async function openMenu(page: Page): Promise<Locator> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('button', { name: 'Sign out', includeHidden: true })).toBeAttached();
  const toggle = nav.getByRole('button', { name: 'Menu' });
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') {
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  }
  return nav;
}

/** A link of the main navigation, visible (the menu opened on a phone). */
export async function navLink(page: Page, name: string): Promise<Locator> {
  return (await openMenu(page)).getByRole('link', { name, exact: true });
}

export async function signOut(page: Page): Promise<void> {
  await (await openMenu(page)).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
}

/** Creates an account for `email`, verifies it from the mailbox and signs in. */
export async function registerAndSignIn(page: Page, username: string, email: string, fullName: string): Promise<void> {
  await openApp(page, '/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Full name').fill(fullName);
  await page.getByLabel('Business email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await followMailedLink(page, email, 'Verify your email address for NetCare');
  await confirmEmail(page, email);
  await signIn(page, username);
}

/** Starts the onboarding wizard and proves entitlement with `contract` and `serial`. */
export async function startWizard(page: Page, contract: string, serial: string): Promise<void> {
  await openApp(page, '/onboarding');
  await expect(page.getByRole('heading', { name: 'Register your company with NetCare' })).toBeVisible();
  await expectAccessible(page, 'the wizard overview');
  await page.getByRole('button', { name: 'Continue registration' }).click();
  await expect(page.getByRole('heading', { name: 'Verify your account' })).toBeVisible();
  await page.getByLabel('Contract number').fill(contract);
  await page.getByLabel('Serial number').fill(serial);
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText('Validated')).toBeVisible();
  await expectAccessible(page, 'the wizard: verify your account');
  await page.getByRole('button', { name: 'Next' }).click();
}

/** A new company's first person becomes its DA through the whole wizard. */
export async function becomeDa(page: Page, username: string, email: string, name: string, contract: string, serial: string, entry: RegExp) {
  await registerAndSignIn(page, username, email, name);
  await startWizard(page, contract, serial);
  await expect(page.getByRole('heading', { name: 'Choose your organisation' })).toBeVisible();
  await expectAccessible(page, 'the wizard: choose your organisation');
  await page.getByLabel(entry).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  // The address was verified with the account: no second link.
  await expect(page.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  await expectAccessible(page, 'the wizard: registration complete');
}

/** Runs axe-core on the page as it is now: no serious or critical violation (WCAG 2.1 A/AA rules). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await severeViolations(page), `axe on ${what}`).toEqual([]);
}

/** The serious and critical axe-core violations on the page, one line each. */
export async function severeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  // axe really ran: it found rules the page passes.
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Attaches a full-page screenshot to the test report. */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot({ fullPage: true });
  await testInfo.attach(name, { body, contentType: 'image/png' });
  // To look at them without the HTML report: NETCARE_E2E_SCREENSHOTS=DIR.
  const dir = process.env.NETCARE_E2E_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}-${testInfo.project.name}.png`), body);
  }
}
