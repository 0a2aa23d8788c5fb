import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { test } from './app';
import { attachScreenshot, becomeDa, expectAccessible, expectNoSidewaysScroll, openApp, PASSWORD, signIn, watchForErrors } from './app';
import { COUNTS, COVERED, DEVICES, EXTRA_ADVISORIES, NOTICES, SECURITY, SITES, coveredSerial, devices, inventoryCsv, largeCompany } from '../fixtures/large-company';

// A company as a real network team has it: 640 devices with long hostnames and site names, in
// every coverage state (fixtures/large-company.ts). Its first person registers it through the
// wizard and uploads the inventory once per project; the tests then walk what users hit first.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const project = testInfo.project.name;
  const c = largeCompany(project);
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await becomeDa(page, c.username, c.email, c.fullName, c.contract, coveredSerial(project), c.entry);
  // Registration complete leads straight to the upload.
  await page.getByRole('link', { name: 'Upload your inventory' }).click();
  await expect(page.getByRole('heading', { name: 'Uploads', level: 1 })).toBeVisible();
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: `nordhavn-${project}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(inventoryCsv(project)),
  });
  await expect(page.getByTestId('preview')).toBeVisible();
  await page.getByRole('button', { name: /^Upload nordhavn-/ }).click();
  await expect(page.getByTestId('upload-summary')).toContainText(`${DEVICES} devices accepted`, { timeout: 30_000 });
  await context.close();
});

/** A CSV file's rows, each a list of its fields (quoted fields hold commas and doubled quotes). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trim().split(/\r?\n/)) {
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted && ch === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) { fields.push(field); field = ''; }
      else field += ch;
    }
    fields.push(field);
    rows.push(fields);
  }
  return rows;
}

/** Follows a device's link in a table: its page opens in the running app, not by a new load. */
async function openDeviceInPlace(page: Page, link: Locator): Promise<void> {
  // A mark on the running page: a full load would clear it.
  await page.evaluate(() => ((window as unknown as { sameApp: boolean }).sameApp = true));
  await link.click();
  await expect(page).toHaveURL(/\/library\/devices\/\d+$/);
  expect(await page.evaluate(() => (window as unknown as { sameApp?: boolean }).sameApp), 'the app stayed').toBe(true);
}

test('the Library pages through hundreds of devices, forward and back', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/library');
  const range = page.getByTestId('device-range');
  await expect(range).toHaveText(`Showing 1–50 of ${DEVICES} devices.`);
  const next = page.getByRole('button', { name: 'Next page' });
  const previous = page.getByRole('button', { name: 'Previous page' });
  // No source text leaks into the page (an unbraced `>=` inside `view!` once did).
  await expect(page.locator('body')).not.toContainText('on : click');
  await expect(previous).toBeDisabled();
  await expect(next).toBeEnabled();
  await expect(page.getByTestId('devices-table').locator('tbody tr')).toHaveCount(50);
  await attachScreenshot(page, testInfo, 'library-first-page');
  await expectNoSidewaysScroll(page, 'the Library');
  await expectAccessible(page, 'the Library with 640 devices');

  const pages = Math.ceil(DEVICES / 50);
  for (let n = 2; n <= pages; n++) {
    await next.click();
    const last = Math.min(n * 50, DEVICES);
    await expect(range).toHaveText(`Showing ${(n - 1) * 50 + 1}–${last} of ${DEVICES} devices.`);
    await expect(page).toHaveURL(new RegExp(`offset=${(n - 1) * 50}`));
  }
  await expect(next).toBeDisabled();
  await expect(page.getByTestId('devices-table').locator('tbody tr')).toHaveCount(DEVICES - (pages - 1) * 50);
  await previous.click();
  await expect(range).toHaveText(`Showing ${(pages - 2) * 50 + 1}–${(pages - 1) * 50} of ${DEVICES} devices.`);
  await expect(next).toBeEnabled();
  // A filtered view pages too: only the expired devices, in two pages.
  await openApp(page, '/library?status=expired');
  await expect(range).toHaveText(`Showing 1–50 of ${COUNTS.expired} devices.`);
  await next.click();
  await expect(range).toHaveText(`Showing 51–${COUNTS.expired} of ${COUNTS.expired} devices.`);
  await expect(next).toBeDisabled();
  await attachScreenshot(page, testInfo, 'library-expired-last-page');
  // The site filter offers the company's sites to pick from (long names and all).
  await openApp(page, '/library');
  const offered = page.locator('#filter-site-choices option');
  await expect(offered).toHaveCount(SITES.length);
  expect((await offered.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).sort()).toEqual([...SITES].sort());
  await expect(page.locator('#filter-pid-choices option').first()).toHaveAttribute('value', /\S/);
  await page.getByLabel('Site', { exact: true }).fill(SITES[0]);
  await page.getByRole('button', { name: 'Show devices' }).click();
  await expect(range).toHaveText(`Showing 1–50 of ${DEVICES / SITES.length} devices.`);
  expect(errors).toEqual([]);
});

test('the Library search finds a part of a hostname, a serial or a product ID', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const fixture = devices(testInfo.project.name);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/library');
  const range = page.getByTestId('device-range');
  await expect(range).toHaveText(`Showing 1–50 of ${DEVICES} devices.`);
  const search = page.getByLabel('Hostname, serial or product ID contains');
  const matching = (term: string) =>
    fixture.filter((d) => [d.hostname, d.serial, d.pid].some((v) => v.toLowerCase().includes(term.toLowerCase()))).length;
  // A site code in the middle of the hostname (any case), a run of stack numbers, the middle of a
  // serial number, a product family.
  const serialPart = fixture[123].serial.slice(3, 8);
  for (const term of ['ALTENWERDER', 'switch-stack-012', serialPart, '93180']) {
    const n = matching(term);
    expect(n, `the fixture has devices matching ${term}`).toBeGreaterThan(1);
    await search.fill(term);
    await page.getByRole('button', { name: 'Show devices' }).click();
    await expect(range).toHaveText(`Showing 1–${Math.min(n, 50)} of ${n} devices.`);
    await expect(page).toHaveURL(new RegExp(`search=${encodeURIComponent(term)}`));
  }
  const rows = page.getByTestId('devices-table').locator('tbody tr');
  await expect(rows.first()).toContainText('N9K-C93180YC-FX');
  // Wildcards are plain characters: nothing has a "%" in it.
  await search.fill('stack%1');
  await page.getByRole('button', { name: 'Show devices' }).click();
  await expect(range).toHaveText('No devices match.');
  await expect(rows).toHaveCount(0);
  await attachScreenshot(page, testInfo, 'library-search-nothing');
  expect(errors).toEqual([]);
});

test('every page of a company with hundreds of devices fits the screen', async ({ page }, testInfo) => {
  await signIn(page, largeCompany(testInfo.project.name).username);
  for (const [path, ready] of [
    ['/', page.getByTestId('coverage-chart')],
    ['/library', page.getByTestId('devices-table')],
    ['/library?status=not_covered', page.getByTestId('devices-table')],
    ['/library/contracts', page.getByTestId('contracts-table')],
    ['/library/alerts', page.getByTestId('alerts-advisories')],
    ['/uploads', page.getByTestId('uploads-dashlet')],
    ['/collectors', page.getByRole('heading', { name: 'Collectors', level: 1 })],
    ['/access', page.getByRole('heading', { name: 'Access', level: 1 })],
    ['/profile', page.getByRole('heading', { name: 'Your profile' })],
  ] as const) {
    await openApp(page, path);
    await expect(ready).toBeVisible();
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await expectNoSidewaysScroll(page, path);
  }
  // The chart counts every state of the fixture.
  await openApp(page, '/');
  const chart = page.getByTestId('coverage-chart');
  await expect(chart.getByRole('link', { name: `Covered ${COVERED} devices` })).toBeVisible();
  await expect(chart.getByRole('link', { name: `Expired ${COUNTS.expired} devices` })).toBeVisible();
  await attachScreenshot(page, testInfo, 'dashboard-640-devices');
  // Coverage ending soon names what ends (the lines covering N devices, not the contract, which
  // runs on) and opens exactly those devices.
  const ending = page.getByRole('region', { name: 'Coverage ending soon' });
  await expect(ending).toContainText('the contract itself may run on');
  const link = ending.locator('tbody tr').first().getByRole('link');
  const shown = Number((await link.textContent())?.match(/^(\d+) devices?$/)?.[1]);
  expect(shown).toBeGreaterThan(1);
  await link.click();
  await expect(page.getByTestId('device-range')).toContainText(`of ${shown} devices.`);
  await expect(page.getByTestId('devices-table').locator('tbody tr').first()).toContainText('Expiring');
});

test('the Library shows the columns a person chooses, kept in this browser, and compact rows', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const device = devices(testInfo.project.name)[0];
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, `/library?search=${device.serial}`);
  await expect(page.getByTestId('device-range')).toHaveText('Showing 1–1 of 1 device.');
  const table = page.getByTestId('devices-table');
  const cell = (label: string) => table.locator(`td[data-label="${label}"]`);
  await expect(cell('Why')).toHaveCount(1);
  await expect(cell('IP address')).toHaveCount(0);

  await page.getByText('Columns and density').click();
  await page.getByLabel('IP address column').check();
  await page.getByLabel('Software column').check();
  await page.getByLabel('Contract column').check();
  await page.getByLabel('Coverage ends column').check();
  await page.getByLabel('Why column').uncheck();
  await expect(page.getByLabel('Serial number column')).toBeDisabled();
  await expectAccessible(page, 'the Library with its column chooser open');
  await expect(cell('IP address')).toHaveText(device.ip);
  await expect(cell('Software')).toHaveText(`${device.softwareType} ${device.version}`);
  // The first device is on the company's next-business-day contract (fixtures/large-company.ts).
  await expect(cell('Contract')).toHaveText(String(Number(largeCompany(testInfo.project.name).contract) + 1));
  // An expiring device: its end date and the days left.
  await expect(cell('Coverage ends')).toContainText(/\d{4}-\d{2}-\d{2}/);
  await expect(cell('Coverage ends')).toContainText(/\d+ days? left|ends today/);
  await expect(cell('Why')).toHaveCount(0);
  await page.getByLabel('Compact rows').check();
  await expect(page.locator('.devices-results')).toHaveClass(/compact/);
  await attachScreenshot(page, testInfo, 'library-chosen-columns');

  // Kept across a reload, in the table's order.
  await page.reload();
  await expect(cell('IP address')).toHaveText(device.ip);
  await expect(cell('Why')).toHaveCount(0);
  await expect(page.locator('.devices-results')).toHaveClass(/compact/);
  const labels = await table.locator('tbody tr').first().locator('td[data-label]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-label')));
  expect(labels.slice(0, 6)).toEqual(['Serial number', 'Product ID', 'Hostname', 'IP address', 'Software', 'Site']);
  await expectNoSidewaysScroll(page, 'the Library with more columns');

  await page.getByText('Columns and density').click();
  await page.getByRole('button', { name: 'Default columns' }).click();
  await expect(cell('Why')).toHaveCount(1);
  await expect(cell('IP address')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the Library sorts by its headings and downloads the devices selected across pages', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const phone = testInfo.project.name === 'phone';
  const fixture = devices(testInfo.project.name);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/library');
  const range = page.getByTestId('device-range');
  await expect(range).toHaveText(`Showing 1–50 of ${DEVICES} devices.`);
  const table = page.getByTestId('devices-table');
  const firstHostname = table.locator('tbody tr').first().locator('td[data-label="Hostname"]');
  const hostnames = fixture.map((d) => d.hostname).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  if (!phone) {
    // The serial number orders the view at first; a heading orders by its column, then the other way.
    await expect(page.getByRole('columnheader', { name: 'Serial number' })).toHaveAttribute('aria-sort', 'ascending');
    await page.getByRole('button', { name: 'Hostname', exact: true }).click();
    await expect(page).toHaveURL(/sort=hostname/);
    await expect(firstHostname).toHaveText(hostnames[0]);
    await expect(page.getByRole('columnheader', { name: 'Hostname' })).toHaveAttribute('aria-sort', 'ascending');
    await expect(page.getByRole('columnheader', { name: 'Serial number' })).not.toHaveAttribute('aria-sort', /./);
    await page.getByRole('button', { name: 'Hostname', exact: true }).click();
    await expect(page).toHaveURL(/descending=true/);
    await expect(firstHostname).toHaveText(hostnames[hostnames.length - 1]);
    await expect(page.getByRole('columnheader', { name: 'Hostname' })).toHaveAttribute('aria-sort', 'descending');
    await expect(range).toHaveText(`Showing 1–50 of ${DEVICES} devices.`);
    await attachScreenshot(page, testInfo, 'library-sorted-by-hostname');
  } else {
    // On a phone the order is chosen in the filter form.
    await page.getByLabel('Order by').selectOption('hostname');
    await page.getByRole('button', { name: 'Show devices' }).click();
    await expect(firstHostname).toHaveText(hostnames[0]);
  }

  // One device on this page, the whole next page: 51, kept across pages.
  const firstRow = table.locator('tbody tr').first();
  const firstSerial = (await firstRow.locator('td[data-label="Serial number"]').textContent())!.trim();
  await page.getByLabel(`Select ${firstSerial}`, { exact: true }).check();
  const bar = page.getByTestId('selection-bar');
  await expect(bar).toContainText('1 device selected.');
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(range).toHaveText(`Showing 51–100 of ${DEVICES} devices.`);
  const secondPage = await table.locator('tbody tr td[data-label="Serial number"]').allTextContents();
  await page.getByLabel('Select the 50 devices on this page').check();
  await expect(bar).toContainText('51 devices selected.');
  await expectAccessible(page, 'the Library with devices selected');
  await attachScreenshot(page, testInfo, 'library-selection');
  // Unticking one forgets just that one.
  await page.getByLabel(`Select ${secondPage[0].trim()}`, { exact: true }).uncheck();
  await expect(bar).toContainText('50 devices selected.');
  await expect(page.getByLabel('Select the 50 devices on this page')).not.toBeChecked();
  await page.getByLabel(`Select ${secondPage[0].trim()}`, { exact: true }).check();
  await expect(page.getByLabel('Select the 50 devices on this page')).toBeChecked();

  // The download holds exactly the selected devices, in the view's order.
  const download = page.waitForEvent('download');
  await bar.getByRole('link', { name: 'CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  expect(csv[0]).toMatch(/^serial_number,product_id,hostname/);
  const downloaded = csv.slice(1).map((line) => line.split(',')[0]);
  expect(downloaded).toEqual([firstSerial, ...secondPage.map((s) => s.trim())]);

  // Only the selection, then everything again.
  await bar.getByRole('button', { name: 'Show only these' }).click();
  await expect(range).toHaveText('Showing 1–50 of 51 devices.');
  await expect(bar).toContainText('Showing only the selected devices.');
  await bar.getByRole('button', { name: 'Show all devices' }).click();
  await expect(range).toHaveText(`Showing 1–50 of ${DEVICES} devices.`);
  await bar.getByRole('button', { name: 'Clear selection' }).click();
  await expect(bar.getByRole('link', { name: 'CSV' })).toHaveCount(0);
  await expect(page.getByLabel(`Select ${firstSerial}`, { exact: true })).not.toBeChecked();
  await expectNoSidewaysScroll(page, 'the Library with selection boxes');
  expect(errors).toEqual([]);
});

test('a saved view brings back its filter, order and columns in one click, until deleted', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/library?status=expired&sort=site');
  const range = page.getByTestId('device-range');
  await expect(range).toHaveText(`Showing 1–50 of ${COUNTS.expired} devices.`);
  const panel = page.getByTestId('saved-views');
  await expect(panel).toContainText('None yet');
  await page.getByText('Columns and density').click();
  await page.getByLabel('IP address column').check();
  await page.getByText('Columns and density').click();

  const name = 'Expired devices by site, with their IP addresses, for the renewal review';
  await panel.getByText('Save this view').click();
  await panel.getByLabel('Name of the view').fill(name);
  await panel.getByLabel('Share with everyone in your company').check();
  await panel.getByRole('button', { name: 'Save view' }).click();
  await expect(panel.getByRole('status')).toHaveText(`Saved “${name}”: everyone in your company sees it.`);
  const link = panel.getByRole('link', { name });
  await expect(link).toHaveAttribute('aria-current', 'page');
  await expect(panel).toContainText('yours, shared with your company');
  // The same name again says it replaces the view.
  await panel.getByLabel('Name of the view').fill(` ${name} `);
  await expect(panel).toContainText(`You have a view named “${name}”: saving replaces it.`);
  await expectAccessible(page, 'the Library with a saved view');
  await attachScreenshot(page, testInfo, 'library-saved-view');

  // Elsewhere with the default columns, the view comes back in one click, after a reload too.
  await openApp(page, '/library');
  await page.getByText('Columns and density').click();
  await page.getByRole('button', { name: 'Default columns' }).click();
  await expect(range).toHaveText(`Showing 1–50 of ${DEVICES} devices.`);
  await expect(page.getByTestId('devices-table').locator('td[data-label="IP address"]')).toHaveCount(0);
  await link.click();
  await expect(range).toHaveText(`Showing 1–50 of ${COUNTS.expired} devices.`);
  await expect(page).toHaveURL(/status=expired&sort=site/);
  await expect(page.getByTestId('devices-table').locator('td[data-label="IP address"]')).toHaveCount(50);
  await page.reload();
  await expect(page.getByTestId('devices-table').locator('td[data-label="IP address"]')).toHaveCount(50);

  // Deleting asks first, then the view is gone.
  await panel.getByRole('button', { name: `Delete view ${name}` }).click();
  await expect(panel).toContainText(`Delete “${name}” for everyone?`);
  await panel.getByRole('button', { name: 'Keep it' }).click();
  await expect(link).toBeVisible();
  await panel.getByRole('button', { name: `Delete view ${name}` }).click();
  await panel.getByRole('button', { name: 'Delete view', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('View deleted.');
  await expect(link).toHaveCount(0);
  await expect(panel).toContainText('None yet');
  await page.getByText('Columns and density').click();
  await page.getByRole('button', { name: 'Default columns' }).click();
  await expectNoSidewaysScroll(page, 'the Library with its saved views');
  expect(errors).toEqual([]);
});

test('a DA sees where the hardware stands in its end of life and opens the devices past support', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/');
  // The demo's bulletins: WS-C3850-24T is past its last date of support, C9300-48P announced
  // (every sixth device of the fixture is each).
  const dashlet = page.getByTestId('eol-dashlet');
  await dashlet.scrollIntoViewIfNeeded();
  await expect(dashlet.getByRole('link', { name: 'Past last date of support: 106 devices' })).toBeVisible();
  await expect(dashlet.getByRole('link', { name: 'End of life announced: 107 devices' })).toBeVisible();
  await expect(dashlet).toContainText(`No end of life announced: ${DEVICES - 213} devices`);
  // The C9300-48P's end of sale comes within the year.
  await expect(dashlet.getByRole('row', { name: /End of sale.*EOL-10005/ })).toBeVisible();
  await attachScreenshot(page, testInfo, 'dashboard-end-of-life');
  await expectAccessible(page, 'the dashboard with the end-of-life dashlet');

  await dashlet.getByRole('link', { name: 'Past last date of support: 106 devices' }).click();
  await expect(page).toHaveURL(/end_of_life=past_last_date_of_support/);
  await expect(page.getByTestId('device-range')).toHaveText('Showing 1–50 of 106 devices.');
  await expect(page.getByLabel('End of life', { exact: true })).toHaveValue('past_last_date_of_support');
  const first = page.getByTestId('devices-table').locator('tbody tr').first();
  await expect(first).toContainText('WS-C3850-24T');
  await expect(first).toContainText('Past last date of support');
  await expect(first).toContainText('Replace with C9300-24T.');
  await expect(first).toContainText('Bulletin EOL-10001');
  await expectNoSidewaysScroll(page, 'the Library filtered by end of life');
  await attachScreenshot(page, testInfo, 'library-past-last-date-of-support');
  await expectAccessible(page, 'the Library filtered by end of life');

  // The device's own page: what to do, as uploaded, coverage with its history, every milestone.
  const serial = (await first.getByRole('link').first().textContent()) ?? '';
  await openDeviceInPlace(page, first.getByRole('link', { name: serial }));
  await expect(page).toHaveTitle(`${serial} · Library · NetCare`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('access-switch-stack');
  await expect(page.getByTestId('next-steps')).toContainText('Replace it with C9300-24T: its last date of support was');
  await expect(page.getByTestId('device-facts')).toContainText(serial);
  await expect(page.getByTestId('device-history')).toBeVisible();
  const milestones = page.getByTestId('eol-milestones');
  await expect(milestones.locator('tbody tr')).toHaveCount(9);
  await expect(page.getByTestId('device-end-of-life')).toContainText('Replacement: C9300-24T');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expectNoSidewaysScroll(page, "a device's page");
  await attachScreenshot(page, testInfo, 'device-page');
  await expectAccessible(page, "a device's page");
  await page.goBack();
  await expect(page.getByTestId('device-range')).toHaveText('Showing 1–50 of 106 devices.');
  expect(errors).toEqual([]);
});

test('a DA sees which devices security advisories affect, follows the critical one and reads what to upgrade to', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/');
  // The demo's advisories against the fixture's software (fixtures/large-company.ts).
  const dashlet = page.getByTestId('advisories-dashlet');
  await dashlet.scrollIntoViewIfNeeded();
  const critical = dashlet.getByRole('link', { name: `1 advisory: ${SECURITY.criticalVulnerable} devices vulnerable` });
  await expect(critical).toBeVisible();
  await expect(dashlet.getByRole('link', { name: `1 advisory: ${SECURITY.highPotentially} devices potentially vulnerable` })).toBeVisible();
  await expect(dashlet.getByRole('link', { name: `1 advisory: ${SECURITY.lowVulnerable} devices vulnerable` })).toBeVisible();
  await expect(dashlet.getByTestId('advisories-not-assessed')).toContainText(`${SECURITY.notAssessed} devices not assessed`);
  await expect(dashlet.getByRole('row', { name: /NC-SA-2026-0001.*Critical/ })).toBeVisible();
  await attachScreenshot(page, testInfo, 'dashboard-security-advisories');
  await expectAccessible(page, 'the dashboard with the security advisories dashlet');

  await critical.click();
  await expect(page).toHaveURL(/advisory_severity=critical/);
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–50 of ${SECURITY.criticalVulnerable} devices.`);
  await expect(page.getByLabel('Affected by an advisory rated')).toHaveValue('critical');
  const first = page.getByTestId('devices-table').locator('tbody tr').first();
  await expect(first).toContainText('Vulnerable');
  await expect(first).toContainText('worst critical');
  await expectNoSidewaysScroll(page, 'the Library filtered by advisory severity');
  await expectAccessible(page, 'the Library filtered by advisory severity');

  // The device's page names the advisories, their fixes and the release to upgrade to.
  const serial = (await first.getByRole('link').first().textContent()) ?? '';
  await openDeviceInPlace(page, first.getByRole('link', { name: serial }));
  await expect(page.getByTestId('next-steps')).toContainText('Upgrade its software:');
  const advisories = page.getByTestId('device-advisories');
  await expect(advisories.getByTestId('device-advisory-table').locator('tbody tr').first()).toContainText('NC-SA-2026-0001');
  await expect(advisories.getByTestId('upgrade-advice')).toContainText(/^Upgrade IOS XE 17\.(9\.4 to 17\.9\.5|12\.3 to 17\.12\.4) or later/);
  await expect(page.getByTestId('device-facts')).toContainText('IOS XE');
  // Its software's train has an end of life too (the demo's IOS XE 17.9 and 17.12 bulletins).
  await expect(page.getByTestId('device-software-end-of-life')).toContainText(/IOS XE 17\.(9|12) train|End of life announced/);
  // Its alert history dates what concerns it, newest first.
  const history = page.getByTestId('device-alert-history');
  await expect(history).toContainText('Security advisory NC-SA-2026-0001 (Critical) published — it affects the release this device runs.');
  const dates = await history.locator('.timeline-date').allTextContents();
  expect(dates.length).toBeGreaterThan(2);
  expect([...dates].sort().reverse()).toEqual(dates);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expectNoSidewaysScroll(page, "a vulnerable device's page");
  await attachScreenshot(page, testInfo, 'device-page-advisories');
  await expectAccessible(page, "a vulnerable device's page");

  // The devices that cannot be assessed say why.
  await openApp(page, '/library?advisory_state=not_assessed');
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–50 of ${SECURITY.notAssessed} devices.`);
  await expect(page.getByTestId('devices-table').locator('tbody tr').first()).toContainText('no software type uploaded');
  expect(errors).toEqual([]);
});

test('a DA sees the field notices affecting the company, follows one and reads what to do', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/');
  const dashlet = page.getByTestId('notices-dashlet');
  await dashlet.scrollIntoViewIfNeeded();
  await expect(dashlet.getByTestId('notices-lead')).toHaveText(
    `2 field notices affect ${NOTICES.fn74002 + NOTICES.fn74003} devices of your ${DEVICES} devices.`,
  );
  await expect(dashlet.getByRole('link', { name: `${NOTICES.fn74002} devices affected by FN-74002` })).toBeVisible();
  await attachScreenshot(page, testInfo, 'dashboard-field-notices');
  await expectAccessible(page, 'the dashboard with the field notices dashlet');

  await dashlet.getByRole('link', { name: `${NOTICES.fn74003} devices affected by FN-74003` }).click();
  await expect(page).toHaveURL(/field_notice=FN-74003/);
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–50 of ${NOTICES.fn74003} devices.`);
  const first = page.getByTestId('devices-table').locator('tbody tr').first();
  await expect(first).toContainText('ISR4451-X/K9');
  await expect(first).toContainText('1 notice');
  const serial = (await first.getByRole('link').first().textContent()) ?? '';
  await openDeviceInPlace(page, first.getByRole('link', { name: serial }));
  await expect(page.getByTestId('next-steps')).toContainText('Apply the solution of the field notice that affects it');
  const notices = page.getByTestId('device-notices');
  await expect(notices.locator('li[data-affected="true"]')).toHaveCount(1);
  await expect(notices).toContainText('Affects this device: its product is listed.');
  await expect(notices).toContainText('What to do: Send logs to a remote syslog server');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expectNoSidewaysScroll(page, "a device's page with a field notice");
  await attachScreenshot(page, testInfo, 'device-page-field-notice');
  await expectAccessible(page, "a device's page with a field notice");

  // Library → Alerts lists everything that concerns the company, each with its devices.
  await openApp(page, '/library/alerts');
  // The demo's four and the fixture's informational ones: the first hundred, then more on demand.
  const advisoryRows = page.getByTestId('alerts-advisories').locator('tbody tr');
  const allAdvisories = 4 + EXTRA_ADVISORIES;
  await expect(advisoryRows).toHaveCount(100);
  await expect(advisoryRows.first()).toContainText('NC-SA-2026-0001');
  const moreAdvisories = page.getByTestId('alerts-advisories-more');
  await expect(moreAdvisories).toContainText(`Showing the first 100 of ${allAdvisories} advisories.`);
  await expect(page.getByTestId('alerts-notices').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('alerts-bulletins').locator('tbody tr').first()).toContainText('Past last date of support');
  await expectNoSidewaysScroll(page, 'Library → Alerts');
  await attachScreenshot(page, testInfo, 'library-alerts');
  await expectAccessible(page, 'Library → Alerts');
  await moreAdvisories.getByRole('button', { name: `Show ${allAdvisories - 100} more advisories` }).click();
  await expect(advisoryRows).toHaveCount(allAdvisories);
  await expect(advisoryRows.last()).toContainText(`NC-SA-E2E-0${EXTRA_ADVISORIES}`);
  await expect(moreAdvisories).toHaveCount(0);
  // Software trains with an end of life, the furthest gone first.
  const trains = page.getByTestId('alerts-software-trains');
  await expect(trains.locator('tbody tr')).toHaveCount(3);
  await expect(trains.locator('tbody tr').filter({ hasText: 'IOS XE 16.12' })).toContainText('End of security support');
  // The whole list as a file, one row per alert and device it concerns.
  const alertsFile = page.waitForEvent('download');
  await page.getByRole('link', { name: 'CSV', exact: true }).click();
  const alertsCsv = readFileSync(await (await alertsFile).path(), 'utf8').trim().split('\n');
  expect(alertsCsv[0]).toMatch(/^alert_type,alert_id,title,url,severity,/);
  expect(alertsCsv.filter((line) => line.startsWith('field_notice,FN-74002,')).length).toBe(NOTICES.fn74002);
  expect(alertsCsv.filter((line) => line.startsWith('software_end_of_life,')).length).toBeGreaterThan(100);
  await trains.getByRole('link', { name: /devices? on IOS XE 16\.12$/ }).click();
  await expect(page).toHaveURL(/bulletin=SW-EOL-2204/);
  await expect(page.getByTestId('device-range')).toHaveText('Showing 1–50 of 106 devices.');
  await expect(page.getByTestId('devices-table').locator('tbody tr').first()).toContainText('C9800-40-K9');
  await openApp(page, '/library/alerts');
  await page.getByTestId('alerts-notices').getByRole('link', { name: `${NOTICES.fn74002} devices affected by FN-74002` }).click();
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–50 of ${NOTICES.fn74002} devices.`);
  expect(errors).toEqual([]);
});

test('the upload preview of a long file reads as a table, on a phone too', async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  await signIn(page, largeCompany(project).username);
  await openApp(page, '/uploads');
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: 'preview-only.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(inventoryCsv(project)),
  });
  const preview = page.getByTestId('preview');
  await expect(preview).toBeVisible();
  await expectNoSidewaysScroll(page, 'the upload preview');
  // Column headers keep their words whole, and cells are wide enough for a word, not a letter.
  const cells = await preview.locator('th, td').evaluateAll((nodes) =>
    nodes.map((n) => ({ text: (n.textContent ?? '').trim(), width: n.getBoundingClientRect().width, height: n.getBoundingClientRect().height, overflow: n.scrollWidth > n.clientWidth + 1 })),
  );
  expect(cells.length).toBeGreaterThan(10);
  for (const cell of cells) {
    expect(cell.overflow, `"${cell.text}" is cut`).toBe(false);
    if (cell.text.length >= 4) expect(cell.width, `"${cell.text}" squeezed to ${cell.width}px`).toBeGreaterThan(40);
  }
  // A header breaks only between words: each header name takes no more lines than it has words.
  const headers = await preview.locator('th').evaluateAll((nodes) =>
    nodes.map((th) => {
      const text = [...th.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!text) return { name: '', words: 0, lines: 0 };
      const range = document.createRange();
      range.selectNodeContents(text);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return { name: (text.textContent ?? '').trim(), words: (text.textContent ?? '').trim().split(/\s+/).length, lines: tops.size };
    }),
  );
  expect(headers.filter((h) => h.words > 0).length).toBeGreaterThan(5);
  for (const h of headers) expect(h.lines, `header "${h.name}" broken inside a word`).toBeLessThanOrEqual(h.words);
  await attachScreenshot(page, testInfo, 'upload-preview');
});

test('a signed-out deep link opens sign-in and then the page asked for', async ({ page }, testInfo) => {
  const c = largeCompany(testInfo.project.name);
  await openApp(page, '/library?status=expiring');
  await expect(page.getByRole('heading', { name: 'Sign in to NetCare' })).toBeVisible();
  await expect(page.getByText('Sign in to open the page you asked for.')).toBeVisible();
  await expect(page.getByText('Sign in to continue.')).toHaveCount(0);
  await page.getByLabel('Username or email').fill(c.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/library\?status=expiring$/);
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–50 of ${COUNTS.expiring} devices.`);
  await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
});

test('without a page asked for, each person lands on their home', async ({ page }, testInfo) => {
  const c = largeCompany(testInfo.project.name);
  await signIn(page, c.username);
  await expect(page).toHaveURL(/\/$/);
  await expect(page).toHaveTitle('Dashboard · NetCare');
  await page.context().clearCookies();
  await signIn(page, 'agent');
  await expect(page).toHaveURL(/\/agents$/);
  await expect(page.getByRole('heading', { name: "Agents' console", level: 1 })).toBeVisible();
});

test('a NetBox device export uploads as it is', async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const tag = project === 'desktop' ? 'NBD' : 'NBP';
  await signIn(page, largeCompany(project).username);
  await openApp(page, '/uploads');
  // NetBox's "Export → Current view": Name is the hostname, Type the product ID, Location a room
  // inside the Site, and interface addresses carry their prefix length.
  const rows = ['ID,Name,Status,Tenant,Site,Location,Rack,Role,Manufacturer,Type,Platform,Serial number,Asset tag,IP Address'];
  for (let i = 1; i <= 10; i++) {
    rows.push(`${100 + i},nbx-rtm-core-${i}.nordhavn.example,Active,Nordhavn,Rotterdam Maasvlakte II,MDF Room ${i},R${i},Core,Cisco,C9500-32C,IOS-XE,${tag}${String(i).padStart(5, '0')},,10.10.0.${i}/24`);
  }
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: `netbox-${project}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n') + '\n'),
  });
  const preview = page.getByTestId('preview');
  await expect(preview).toBeVisible();
  await expect(preview.getByRole('columnheader', { name: /^Name\s*→ Hostname/ })).toBeVisible();
  await expect(preview.getByRole('columnheader', { name: /^Type\s*→ Product ID/ })).toBeVisible();
  await expect(preview.getByRole('columnheader', { name: /^Site\s*→ Site/ })).toBeVisible();
  await expect(preview.getByRole('columnheader', { name: /^Location\s*→ ignored/ })).toBeVisible();
  await expect(preview.getByRole('cell', { name: 'OK', exact: true })).toHaveCount(10);
  await page.getByRole('button', { name: /^Upload netbox-/ }).click();
  const summary = page.getByTestId('upload-summary');
  await expect(summary).toContainText('10 devices accepted', { timeout: 30_000 });
  await expect(summary).toContainText('0 rows rejected');
  await expect(page.getByTestId('upload-warnings')).toHaveCount(0);
  await openApp(page, '/library?search=nbx-rtm-core-1');
  await expect(page.getByTestId('devices-table')).toContainText('nbx-rtm-core-1.nordhavn.example');
  await expect(page.getByTestId('devices-table')).toContainText('Rotterdam Maasvlakte II');
});

test('columns a file names its own way are chosen in the preview, and remembered', async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const tag = project === 'desktop' ? 'ASD' : 'ASP';
  await signIn(page, largeCompany(project).username);
  await openApp(page, '/uploads');
  // An asset register: the serial number is in "Asset Tag", the product ID in "Hardware Model".
  const rows = ['Asset Tag;Hardware Model;Device;Room'];
  for (let i = 1; i <= 6; i++) rows.push(`${tag}${String(i).padStart(5, '0')};C9300-48P;asset-sw-${i};Room ${i}`);
  const file = { name: `assets-${project}.csv`, mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') };
  await page.getByLabel('Inventory file (CSV)').setInputFiles(file);
  await expect(page.getByTestId('preview-problem')).toContainText('no `serial_number` column');
  const upload = page.getByRole('button', { name: /^Upload assets-/ });
  await expect(upload).toBeDisabled();
  await page.getByLabel('What column Asset Tag holds').selectOption('serial_number');
  await expect(page.getByTestId('preview-problem')).toContainText('no `product_id` column');
  await page.getByLabel('What column Hardware Model holds').selectOption('product_id');
  const preview = page.getByTestId('preview');
  await expect(page.getByTestId('preview-problem')).toHaveCount(0);
  await expect(preview.getByRole('cell', { name: 'OK', exact: true })).toHaveCount(6);
  await expect(page.getByTestId('column-source')).toContainText('as you chose below');
  await expectAccessible(page, 'the upload preview with column choices');
  await upload.click();
  await expect(page.getByTestId('upload-summary')).toContainText('6 devices accepted', { timeout: 30_000 });

  // The next file with the same columns is read the same way at once.
  await openApp(page, '/uploads');
  await page.getByLabel('Inventory file (CSV)').setInputFiles(file);
  await expect(page.getByTestId('column-source')).toContainText('as you chose for your last file');
  await expect(page.getByLabel('What column Asset Tag holds')).toHaveValue('serial_number');
  await expect(page.getByRole('button', { name: /^Upload assets-/ })).toBeEnabled();
  await attachScreenshot(page, testInfo, 'upload-preview-remembered-columns');
});

test("the Library's Excel export uploads again as it is", async ({ page }, testInfo) => {
  await signIn(page, largeCompany(testInfo.project.name).username);
  await openApp(page, '/library?status=expired');
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–50 of ${COUNTS.expired} devices.`);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Excel (XLSX)' }).click();
  const workbook = readFileSync(await (await download).path());
  expect(workbook.subarray(0, 2).toString()).toBe('PK');

  await openApp(page, '/uploads');
  await page.getByLabel('Inventory file (CSV)').setInputFiles({
    name: 'expired-devices.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: workbook,
  });
  const preview = page.getByTestId('preview');
  await expect(preview.getByRole('columnheader', { name: /^serial_number\s*→ Serial number/ })).toBeVisible();
  await expect(preview.getByRole('cell', { name: 'OK', exact: true })).toHaveCount(10);
  await attachScreenshot(page, testInfo, 'upload-preview-xlsx');
  await page.getByRole('button', { name: /^Upload expired-devices\.xlsx/ }).click();
  await expect(page.getByTestId('upload-summary')).toContainText(
    `${COUNTS.expired} devices accepted (0 new, ${COUNTS.expired} updated), 0 rows rejected`,
    { timeout: 30_000 },
  );
});

test('an upload that would be mostly rejected, or the same file again, is confirmed first', async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  await signIn(page, largeCompany(project).username);
  await openApp(page, '/uploads');
  const quota = page.getByTestId('quota');
  await expect(quota).toContainText('4 of 5 uploads used');
  const rows = ['serial_number,product_id'];
  for (let i = 1; i <= 9; i++) rows.push(`,C9300-48P`);
  rows.push(`MOSTLYBAD-${project},C9300-48P`);
  await page.getByLabel('Inventory file (CSV)').setInputFiles({ name: 'mostly-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
  await expect(page.getByTestId('preview')).toBeVisible();
  await page.getByRole('button', { name: /^Upload mostly-bad\.csv/ }).click();
  const caution = page.getByTestId('upload-caution');
  await expect(caution).toContainText('9 of the first 10 rows will be rejected');
  await expectAccessible(page, 'the upload confirmation');
  await caution.getByRole('button', { name: 'Cancel' }).click();
  await expect(caution).toHaveCount(0);
  await expect(quota).toContainText('4 of 5 uploads used');

  const good = { name: `good-${project}.csv`, mimeType: 'text/csv', buffer: Buffer.from(`serial_number,product_id\nGOODAGAIN-${project},C9300-48P\n`) };
  await page.getByLabel('Inventory file (CSV)').setInputFiles(good);
  await expect(page.getByTestId('preview')).toContainText(`GOODAGAIN-${project}`);
  const upload = page.getByRole('button', { name: /^Upload good-/ });
  await upload.click();
  await expect(page.getByTestId('upload-summary')).toContainText('1 device accepted', { timeout: 30_000 });
  await expect(page.getByTestId('upload-summary')).toContainText('0 rows rejected');
  await expect(quota).toContainText('5 of 5 uploads used');
  await upload.click();
  await expect(caution).toContainText('You uploaded this file a moment ago');
  await caution.getByRole('button', { name: 'Cancel' }).click();
  await expect(caution).toHaveCount(0);
});

test('contracts say where, at what level, how they stand and how long is left; one added by number shows at once', async ({ page }, testInfo) => {
  const c = largeCompany(testInfo.project.name);
  const base = Number(c.contract);
  await signIn(page, c.username);
  await openApp(page, '/library/contracts');
  const table = page.getByTestId('contracts-table');
  const row = (n: number) => table.locator('tr', { hasText: String(n) });
  await expect(row(base)).toContainText('Whole organisation');
  await expect(row(base)).toContainText('24X7X4');
  await expect(row(base)).toContainText('Active: 900 days left');
  await expect(row(base + 1)).toContainText('Hamburg Altenwerder Automated Terminal');
  await expect(row(base + 1)).toContainText('8X5XNBD');
  await expect(row(base + 2)).toContainText(/Expired on \d{4}-\d{2}-\d{2}/);
  await expect(row(base + 2)).toContainText(`${COUNTS.expired} devices`);
  await expect(row(base + 3)).toHaveCount(0);
  await expectNoSidewaysScroll(page, 'the contracts');
  await expectAccessible(page, 'the contracts of a large company');

  await page.getByLabel('Contract number').fill(String(base + 3));
  await page.getByRole('button', { name: 'Add contract' }).click();
  await expect(page.getByTestId('contract-added')).toContainText(
    `Contract ${base + 3} added: it is in the list above (SNTC, starts later: starts on `,
  );
  await expect(row(base + 3)).toContainText('(added by number)');
  await expect(row(base + 3)).toContainText('Starts later');
  await expect(row(base + 3)).toContainText('0 devices');
  await page.getByRole('button', { name: 'Add contract' }).click();
  await expect(page.getByTestId('contract-added')).toContainText(`Contract ${base + 3} is already in the list above.`);
  await attachScreenshot(page, testInfo, 'contracts');
});

test('the renewal list gathers every expired or expiring device by contract, to see or download', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const c = largeCompany(testInfo.project.name);
  await signIn(page, c.username);
  const range = page.getByTestId('device-range');
  const counted = async (path: string) => {
    await openApp(page, path);
    const text = (await range.textContent()) ?? '';
    return Number(text.match(/of ([\d,]+) devices?\./)?.[1].replace(/,/g, ''));
  };
  await openApp(page, '/library?status=expired');
  await expect(range).toContainText('devices.');
  const expired = await counted('/library?status=expired');
  const expiring = await counted('/library?status=expiring');
  expect(expired).toBeGreaterThanOrEqual(COUNTS.expired);
  expect(expiring).toBeGreaterThanOrEqual(COUNTS.expiring);

  await openApp(page, '/library/contracts');
  const renewal = page.getByTestId('renewal-list');
  await renewal.getByRole('link', { name: 'devices to renew' }).click();
  await expect(page).toHaveURL(/sort=contract&renewal=true/);
  await expect(range).toHaveText(`Showing 1–50 of ${expired + expiring} devices.`);
  await expect(page.getByLabel('To renew (expired or expiring)')).toBeChecked();
  const statuses = await page.getByTestId('devices-table').locator('td[data-label="Status"]').allTextContents();
  expect(statuses).toHaveLength(50);
  for (const status of statuses) expect(['Expired', 'Expiring soon']).toContain(status.trim());

  await openApp(page, '/library/contracts');
  const download = page.waitForEvent('download');
  await renewal.getByRole('link', { name: 'CSV' }).click();
  const [header, ...rows] = csvRows(readFileSync(await (await download).path(), 'utf8'));
  expect(rows).toHaveLength(expired + expiring);
  const contracts = rows.map((r) => r[header.indexOf('contract_number')]);
  expect(contracts).toEqual([...contracts].sort());
  expect(new Set(rows.map((r) => r[header.indexOf('status')]))).toEqual(new Set(['expired', 'expiring']));

  // An expiring device's page offers the list of its contract.
  const device = devices(testInfo.project.name).find((d) => d.state === 'expiring')!;
  await openApp(page, `/library?search=${device.serial}`);
  await page.getByRole('link', { name: device.serial }).click();
  const steps = page.getByTestId('next-steps');
  await expect(steps).toContainText('Renew contract');
  const ofContract = steps.getByTestId('renewal-list');
  await expect(ofContract).toContainText(/Renewal list of contract \d+/);
  await ofContract.getByRole('link', { name: 'devices to renew' }).click();
  await expect(page).toHaveURL(/contract=\d+.*renewal=true/);
  await expect(range).toContainText(/of \d+ devices?\./);
  await expect(page.getByTestId('devices-table').locator('td[data-label="Status"]').first()).toHaveText(/Expired|Expiring soon/);
  await attachScreenshot(page, testInfo, 'library-renewal-list');

  // A device known under another product ID leads to every such device, to correct in one go.
  const mismatched = devices(testInfo.project.name).find((d) => d.state === 'pidMismatch')!;
  const mismatches = await counted('/library?reason=pid_mismatch');
  expect(mismatches).toBeGreaterThanOrEqual(COUNTS.pidMismatch);
  await openApp(page, `/library?search=${mismatched.serial}`);
  await page.getByRole('link', { name: mismatched.serial }).click();
  await expect(page.getByTestId('next-steps')).toContainText('Check the product ID');
  await page.getByTestId('pid-mismatches').getByRole('link', { name: 'see them' }).click();
  await expect(range).toHaveText(`Showing 1–${Math.min(50, mismatches)} of ${mismatches} devices.`);
  expect(errors).toEqual([]);
});

test('a device the registry knows under another product ID is corrected in one click, and back', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const c = largeCompany(testInfo.project.name);
  await signIn(page, c.username);
  // The last of them: the other tests read the first ones.
  const mismatched = devices(testInfo.project.name).filter((d) => d.state === 'pidMismatch').at(-1)!;
  await openApp(page, `/library?search=${mismatched.serial}`);
  await page.getByRole('link', { name: mismatched.serial }).click();
  const steps = page.getByTestId('next-steps');
  const facts = page.getByTestId('device-facts');
  await expect(steps).toContainText(`knows serial ${mismatched.serial} as C9200L-24P-4G`);
  await expect(facts).toContainText(mismatched.pid);
  await expectAccessible(page, 'a device page with a product ID to correct');

  await steps.getByRole('button', { name: 'Correct the product ID to C9200L-24P-4G' }).click();
  await expect(steps.getByRole('status')).toHaveText(
    `Product ID corrected to C9200L-24P-4G: coverage and alerts are decided with it, and uploads that report ${mismatched.pid} for this device are read as C9200L-24P-4G.`,
  );
  await expect(steps.getByRole('button', { name: /Correct the product ID/ })).toHaveCount(0);
  await expect(facts.locator('dd').nth(1)).toHaveText('C9200L-24P-4G');
  await expect(page.getByRole('heading', { name: 'Coverage', level: 2 }).locator('..').locator('.status')).toHaveText('Covered');
  const note = page.getByTestId('pid-correction');
  await expect(note).toContainText(`Product ID corrected from ${mismatched.pid} (as the inventory reports it) to C9200L-24P-4G by ${c.fullName} on`);
  await expect(page.getByText(/when its product ID was corrected/)).toBeVisible();
  await expectAccessible(page, 'a device page after a product ID correction');
  await attachScreenshot(page, testInfo, 'device-page-pid-corrected');

  // A reload shows the same: it is kept, not a state of the page.
  await page.reload();
  await expect(note).toContainText(`to C9200L-24P-4G by ${c.fullName}`);
  await note.getByRole('button', { name: `Undo: back to ${mismatched.pid}` }).click();
  await expect(steps.getByRole('status')).toHaveText(`Correction undone: the device is ${mismatched.pid} again, as the inventory reports it.`);
  await expect(note).toHaveCount(0);
  await expect(facts.locator('dd').nth(1)).toHaveText(mismatched.pid);
  await expect(steps.getByRole('button', { name: 'Correct the product ID to C9200L-24P-4G' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'the device page');
  expect(errors).toEqual([]);
});

test('the product IDs of selected devices are corrected at once, after asking; the others are left and said', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const c = largeCompany(testInfo.project.name);
  await signIn(page, c.username);
  const fixture = devices(testInfo.project.name);
  // Two devices known under another product ID, and one covered (nothing to correct).
  const [one, two] = fixture.filter((d) => d.state === 'pidMismatch').slice(-3, -1);
  const covered = fixture.find((d) => d.state === 'covered')!;
  const range = page.getByTestId('device-range');
  const bar = page.getByTestId('selection-bar');
  // Found one by one with the filter form (the selection lives in this page, not the address).
  await openApp(page, '/library');
  for (const d of [one, two, covered]) {
    await page.getByLabel('Hostname, serial or product ID contains').fill(d.serial);
    await page.getByRole('button', { name: 'Show devices' }).click();
    await expect(page.getByTestId('devices-table').locator('td[data-label="Serial number"]')).toHaveText([d.serial]);
    await page.getByLabel(`Select ${d.serial}`, { exact: true }).check();
  }
  await expect(bar).toContainText('3 devices selected.');
  await bar.getByRole('button', { name: 'Correct product IDs…' }).click();
  await expect(bar.getByTestId('correct-selected')).toContainText('Of the 3 devices selected, each one whose serial number the registry knows under another product ID takes the registry');
  await expectAccessible(page, 'the selection bar asking before correcting product IDs');
  await bar.getByRole('button', { name: 'Correct their product IDs' }).click();
  const outcome = bar.getByTestId('correction-outcome');
  await expect(outcome).toContainText('Product ID corrected on 2 devices.');
  for (const d of [one, two]) await expect(outcome).toContainText(`${d.serial}: ${d.pid} → C9200L-24P-4G`);
  await expect(outcome).toContainText(`${covered.serial}: The registry does not know this device's serial number under another product ID`);
  await attachScreenshot(page, testInfo, 'library-selection-pids-corrected');
  // The view is read again: the covered device shown now is as it was.
  await expect(page.getByTestId('devices-table').locator('td[data-label="Serial number"]')).toHaveText([covered.serial]);

  // Each is on its page with a way back (undone here: the other tests count these devices).
  for (const d of [one, two]) {
    await openApp(page, `/library?search=${d.serial}`);
    await page.getByRole('link', { name: d.serial }).click();
    const note = page.getByTestId('pid-correction');
    await expect(note).toContainText(`Product ID corrected from ${d.pid}`);
    await note.getByRole('button', { name: `Undo: back to ${d.pid}` }).click();
    await expect(page.getByTestId('next-steps').getByRole('status')).toContainText('Correction undone');
  }
  expect(errors).toEqual([]);
});

test('the top bar finds devices, contracts and people from any page, "/" first', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  const c = largeCompany(testInfo.project.name);
  const fixture = devices(testInfo.project.name);
  await signIn(page, c.username);
  await openApp(page, '/');
  await expect(page.getByTestId('coverage-chart')).toBeVisible();
  const search = page.getByRole('searchbox', { name: 'Search devices, contracts and people' });
  await page.keyboard.press('/');
  await expect(search).toBeFocused();

  // A part of hostnames: a few devices, and the count of all of them.
  const term = 'opstower-fl07';
  const matching = fixture.filter((d) => d.hostname.includes(term));
  expect(matching.length).toBeGreaterThan(5);
  await page.keyboard.type(term);
  const results = page.getByTestId('search-results');
  await expect(results.getByRole('heading', { name: 'Devices' })).toBeVisible();
  await expect(results.getByRole('listitem')).toHaveCount(5);
  await expectAccessible(page, 'the top bar search with results');
  await attachScreenshot(page, testInfo, 'global-search');
  await expectNoSidewaysScroll(page, 'the top bar search with its results open');
  await results.getByRole('link', { name: `All ${matching.length} devices in the Library` }).click();
  await expect(page.getByTestId('device-range')).toHaveText(`Showing 1–${Math.min(50, matching.length)} of ${matching.length} devices.`);
  await expect(results).toHaveCount(0);

  // A contract number, then the DA's own name among the company's people.
  await search.fill(c.contract);
  await expect(results.getByRole('heading', { name: 'Contracts' })).toBeVisible();
  await results.getByRole('link', { name: c.contract, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`contract=${c.contract}`));
  await search.fill('oosterhuis');
  await expect(results.getByRole('heading', { name: 'People' })).toBeVisible();
  await expect(results).toContainText(`${c.email} · Delegated Administrator`);
  await search.press('Escape');
  await expect(results).toHaveCount(0);
  await search.fill('zz-nothing-like-this');
  await expect(results).toHaveText('Nothing matches “zz-nothing-like-this”.');
  // Enter searches the Library.
  await search.fill(fixture[7].serial.slice(0, 8));
  await search.press('Enter');
  await expect(page).toHaveURL(/\/library\?search=/);
  await expectNoSidewaysScroll(page, 'the Library after a top bar search');
  expect(errors).toEqual([]);
});
