import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { anotherBrowser, attachScreenshot, becomeDa, expectAccessible, navLink, openApp, signIn, watchForErrors } from './app';

// Each project has its own company for this (end2end/fixtures/registry: E2E-*-DSH).
async function order(page: Page): Promise<(string | null)[]> {
  return page.locator('[data-dashlet]').evaluateAll((frames) => frames.map((f) => f.getAttribute('data-dashlet')));
}

// The page's cumulative layout shift so far (Chromium's layout-shift entries, as Lighthouse adds them).
async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) total += (entry as unknown as { value: number }).value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(total), 300);
      }),
  );
}

test('a person arranges, hides and restores dashlets, remembered after a reload; an agent given support sees it', async ({ page, browser }, testInfo) => {
  const p = testInfo.project.name;
  const digit = p === 'desktop' ? '1' : '2';
  await becomeDa(page, `dash-${p}`, `founder@dsh-${p}.example`, 'Dee Dash', `7${digit}60001`, `SN${p[0].toUpperCase()}DSH001`, /whole organisation/);
  const errors = watchForErrors(page);
  await openApp(page, '/');
  // A company with no devices is shown how to get them in.
  await expect(page.getByText(/^No devices yet\./)).toBeVisible();
  await expect(page.getByTestId('account-dashlet')).toContainText('Dee Dash');
  await expect.poll(() => order(page)).toEqual(['coverage', 'account', 'uploads', 'requests', 'end_of_life', 'security_advisories', 'field_notices']);

  // The dashlets appear together once each has its answer: none grows under the reader and pushes
  // the others down. Here the account's answer comes a second after the others: the moment the
  // uploads dashlet shows, the account dashlet already has its content.
  await page.route('**/api/access/account', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  const uploadsAnswered = page.waitForResponse((r) => r.url().endsWith('/api/inventory/overview'));
  await page.reload();
  await uploadsAnswered;
  await expect(page.getByTestId('uploads-dashlet')).toBeVisible();
  expect(await page.getByTestId('account-dashlet').textContent()).toContain('Dee Dash');
  await expect(page.getByText('Loading your dashboard…')).toBeHidden();
  expect(await layoutShift(page)).toBeLessThan(0.05);
  await page.unroute('**/api/access/account');

  // The dashlets ask for their data beside the saved layout, not after it (a round trip less
  // before the dashboard shows): with the layout's answer a second late, the uploads dashlet's
  // request leaves before that answer, and the dashboard still appears in one piece.
  await page.route('**/api/dashboard/layout', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  let layoutAnswered = false;
  const noteLayout = (r: { url(): string }) => {
    if (r.url().endsWith('/api/dashboard/layout')) layoutAnswered = true;
  };
  page.on('response', noteLayout);
  const overviewAsked = page.waitForRequest((r) => r.url().endsWith('/api/inventory/overview'));
  await page.reload();
  await overviewAsked;
  expect(layoutAnswered).toBe(false);
  await expect(page.getByTestId('uploads-dashlet')).toBeVisible();
  expect(layoutAnswered).toBe(true);
  expect(await layoutShift(page)).toBeLessThan(0.05);
  page.off('response', noteLayout);
  await page.unroute('**/api/dashboard/layout');

  // Arranging moves the dashlets as they are: none loads its data again.
  let reloaded = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/inventory/overview')) reloaded += 1;
  });
  // Reload only once both changes are saved (a save answered with this layout).
  const bothSaved = page.waitForResponse((r) => {
    if (!r.url().endsWith('/api/dashboard/layout/save') || !r.ok()) return false;
    const layout = (r.request().postDataJSON() as { layout: { order: string[]; hidden: string[] } }).layout;
    return layout.order[0] === 'uploads' && layout.hidden.includes('account');
  });
  await page.getByRole('button', { name: 'Hide Your account' }).click();
  await page.getByRole('button', { name: 'Move Uploads up' }).click();
  await expect.poll(() => order(page)).toEqual(['uploads', 'coverage', 'requests', 'end_of_life', 'security_advisories', 'field_notices']);
  await expect(page.getByRole('button', { name: 'Move Uploads up' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Move Coverage up' })).toBeEnabled();
  expect(reloaded).toBe(0);
  await bothSaved;
  await page.reload();
  await expect(page.getByRole('button', { name: 'Show Your account' })).toBeVisible();
  await expect.poll(() => order(page)).toEqual(['uploads', 'coverage', 'requests', 'end_of_life', 'security_advisories', 'field_notices']);
  await expect(page.getByTestId('account-dashlet')).toHaveCount(0);

  // Reload only once this change is saved ("networkidle" can come before the save starts).
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/dashboard/layout/save') && r.ok());
  await page.getByRole('button', { name: 'Show Your account' }).click();
  await expect(page.getByTestId('account-dashlet')).toBeVisible();
  await saved;
  await page.reload();
  await expect(page.getByTestId('account-dashlet')).toBeVisible();
  // It comes back where it was among the others.
  await expect.poll(() => order(page)).toEqual(['uploads', 'account', 'coverage', 'requests', 'end_of_life', 'security_advisories', 'field_notices']);
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });
  expect(errors).toEqual([]);

  // The DA lets the vendor's agents in; an agent opens the company and sees its dashboard, read only.
  await openApp(page, '/access');
  await page.getByRole('button', { name: 'Grant support access' }).click();
  await expect(page.getByRole('button', { name: 'End support access now' })).toBeVisible();
  const agent = await anotherBrowser(browser, testInfo, 'agent');
  await signIn(agent, 'agent');
  await openApp(agent, '/agents');
  const companyName = p === 'desktop' ? 'Dashboard Desktop Corp' : 'Dashboard Phone Corp';
  await agent.getByRole('button', { name: `Open its Library: ${companyName}` }).click();
  await expect(agent.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  // The texts name the company's data as the company's, not the agent's.
  await expect(agent.locator('p.lead')).toContainText(`Every device of ${companyName}'s inventory`);
  // Every page says whose data this is, read only, and until when.
  const banner = agent.getByTestId('support-banner');
  await expect(banner).toContainText(`Support access to ${companyName}: read only, until `);
  await expect(banner.getByRole('link', { name: "Back to the agents' console" })).toHaveAttribute('href', '/agents');
  await (await navLink(agent, `Dashboard of ${companyName}`)).click();
  await expect(banner).toBeVisible();
  await expect(agent.getByTestId('top-company')).toHaveText(companyName);
  await expect(agent.getByTestId('account-dashlet').locator('dd', { hasText: 'Vendor support (read only)' })).toBeVisible();
  const coverage = agent.getByRole('region', { name: 'Coverage', exact: true });
  await expect(coverage.getByText('No devices uploaded yet.')).toBeVisible();
  // No call to upload: the agent reads only.
  await expect(agent.getByText(/upload your inventory/i).filter({ visible: true })).toHaveCount(0);
  await openApp(agent, '/library/contracts');
  await expect(agent.locator('p.lead')).toContainText(`The contracts that cover ${companyName}'s devices`);
  await expect(agent.getByRole('heading', { name: 'Add a contract by number' })).toBeHidden();
  await openApp(agent, '/');
  await expect(agent.locator('[aria-busy="true"]')).toHaveCount(0);
  await attachScreenshot(agent, testInfo, 'dashboard-agent-supporting');
  await expectAccessible(agent, "an agent's view of a supported company's dashboard");
  await agent.context().close();
});
