import { expect, type Page } from '@playwright/test';
import { test } from './app';
import { anotherBrowser, becomeDa, openApp, openMailbox, registerAndSignIn, signIn, signOut, startWizard, navLink, expectAccessible } from './app';

// Each project (desktop, phone) has its own companies and contracts: end2end/fixtures/registry.
function data(project: string, kind: 'NEW' | 'OLD' | 'MAN' | 'ASM') {
  const digit = project === 'desktop' ? '1' : '2';
  const index = { NEW: '1', OLD: '2', MAN: '3', ASM: '4' }[kind];
  return {
    contract: `7${digit}${index}0001`,
    serial: (n: number) => `SN${project[0].toUpperCase()}${kind}${String(n).padStart(3, '0')}`,
    company: `E2E-${project.toUpperCase()}-${kind}`,
    domain: `${kind.toLowerCase()}-${project}.example`,
  };
}

test('new company: validation errors, back, then the first person becomes DA', async ({ page }, testInfo) => {
  const d = data(testInfo.project.name, 'NEW');
  const email = `founder@${d.domain}`;
  await registerAndSignIn(page, `founder-${testInfo.project.name}`, email, 'Fran Founder');
  await openApp(page, '/onboarding');
  await page.getByRole('button', { name: 'Continue registration' }).click();
  // The profile is shown, and each failure says precisely what is wrong.
  await expect(page.getByText(email)).toBeVisible();
  await page.getByLabel('Contract number').fill('00000000');
  await page.getByLabel('Serial number').fill(d.serial(1));
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText('No contract with this number is associated with your email address.')).toBeVisible();
  await page.getByLabel('Contract number').fill(d.contract);
  await page.getByLabel('Serial number').fill('NOT-ON-IT');
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText('This serial number is not covered by this contract.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();

  await page.getByLabel('Serial number').fill(d.serial(1).toLowerCase());
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: 'Choose your organisation' })).toBeVisible();
  // The wizard resumes where it was after a reload.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Choose your organisation' })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'Verify your account' })).toBeVisible();
  await page.getByLabel('Contract number').fill(d.contract);
  await page.getByLabel('Serial number').fill(d.serial(2));
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel(/Site One/).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  // One verification (the account's): choosing completes the registration, with the next step
  // as a button.
  await expect(page.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Upload your inventory' })).toBeVisible();
  await expect(await navLink(page, 'Access')).toBeVisible();
  const mailbox = await openMailbox(page);
  await expect(mailbox.getByRole('article', { name: 'Verify your email to finish registering with NetCare' })).toHaveCount(0);
  await expect(mailbox.getByRole('article', { name: 'Welcome to NetCare' }).filter({ hasText: `To ${email}` })).toBeVisible();
  await expect(mailbox.getByRole('article', { name: 'Granted access to NetCare as an Administrator' }).filter({ hasText: `To ${email}` })).toBeVisible();
});

test('existing company: the request goes to the DA, who grants one and denies another', async ({ page, browser }, testInfo) => {
  const p = testInfo.project.name;
  const d = data(p, 'OLD');
  await becomeDa(page, `da-${p}`, `da@${d.domain}`, 'Dee Admin', d.contract, d.serial(1), /whole organisation/);

  // Two people ask to join, each in their own browser, and stay signed in there.
  const asking: Record<string, Page> = {};
  for (const person of ['joiner', 'denied']) {
    const them = await anotherBrowser(browser, testInfo, person);
    asking[person] = them;
    await registerAndSignIn(them, `${person}-${p}`, `${person}@${d.domain}`, person === 'joiner' ? 'Jo Joiner' : 'Den Nied');
    await startWizard(them, d.contract, d.serial(2));
    await expect(them.getByRole('heading', { name: 'Confirm your request' })).toBeVisible();
    await expect(them.getByText('Dee Admin')).toBeVisible();
    await expectAccessible(them, 'the wizard: confirm your request');
    await them.getByRole('button', { name: 'Confirm' }).click();
    await expect(them.getByRole('heading', { name: 'Request submitted' })).toBeVisible();
  }

  // The home page's dashlet shows what waits for the DA.
  await openApp(page, '/');
  await expect(page.getByText('2 waiting for your decision')).toBeVisible();
  await page.getByRole('link', { name: 'Review requests' }).click();
  const joiner = page.getByRole('listitem', { name: 'Request from Jo Joiner' });
  await joiner.getByLabel('Role to grant').selectOption('admin');
  await joiner.getByRole('button', { name: 'Grant' }).click();
  await expect(joiner).toHaveCount(0);
  await expect(page.getByTestId('decision-outcome')).toHaveText('Jo Joiner now has access as an Administrator, from their next page. They were emailed.');
  const denied = page.getByRole('listitem', { name: 'Request from Den Nied' });
  await denied.getByLabel('Reason, if you deny (optional)').fill('Please use the team account');
  await denied.getByRole('button', { name: 'Deny' }).click();
  await expect(page.getByText('No requests are waiting for you.')).toBeVisible();
  await expect(page.getByTestId('decision-outcome')).toHaveText("You denied Den Nied's request. They were emailed your reason.");

  // Each learns the outcome on their next page, still signed in.
  await openApp(asking.joiner, '/onboarding');
  await expect(asking.joiner.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  await expect(asking.joiner.getByText('as an Administrator')).toBeVisible();
  await openApp(asking.denied, '/onboarding');
  await expect(asking.denied.getByRole('heading', { name: 'Your request was declined' })).toBeVisible();
  await expect(asking.denied.getByText('Please use the team account')).toBeVisible();
  for (const them of Object.values(asking)) await them.context().close();
});

/** In the agents' console, imports a company and its first site from registry CSV files. */
async function agentCreatesCompany(page: Page, company: string, site: string) {
  await page.getByLabel('Registry files', { exact: true }).setInputFiles([
    { name: 'companies.csv', mimeType: 'text/csv', buffer: Buffer.from(`company_id,name,email_domains,requires_assessment\n${company},Found By Agent,,false\n`) },
    { name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(`site_id,company_id,name,address\n${site},${company},Agent Site,2 Test Road\n`) },
  ]);
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('companies.csv: 1 rows, 1 new or changed')).toBeVisible();
  // A bad file is refused with its line, column and reason.
  await page.getByLabel('Registry files', { exact: true }).setInputFiles([
    { name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from('site_id,company_id,name,address\nX1,NO-SUCH,Nowhere,\n') },
  ]);
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('sites.csv line 2, column company_id')).toBeVisible();
  await expect(page.getByText('unknown company `NO-SUCH`')).toBeVisible();
}

/**
 * The agent asks a question in the console, the person (signed in on `person`) answers in the
 * wizard, the agent sees the answer and approves. Each stays signed in in their own browser, as
 * two people would.
 */
async function agentAsksThenApproves(person: Page, agent: Page, name: string, company: string, createFirst?: string) {
  await signIn(agent, 'agent');
  await (await navLink(agent, "Agents' console")).click();
  const item = agent.getByRole('listitem', { name: `Registration of ${name}` });
  // Each decision has its own field; an empty one is refused with what to write.
  await item.getByRole('button', { name: 'Reject' }).click();
  await expect(item.getByRole('alert')).toHaveText('Write the reason for rejecting: the person receives it by email.');
  await item.getByLabel(/Question for the person/).fill('Which team do you work in?');
  await item.getByRole('button', { name: 'Ask for information' }).click();
  await expect(agent.getByTestId('agent-outcome')).toContainText(`Question sent: ${name} was emailed it.`);
  await expect(item.getByText('Asked: Which team do you work in?')).toBeVisible();
  // The company the request proved, and who already runs it.
  await expect(item.getByLabel('The proven company')).toContainText('Its DAs');
  await expectAccessible(agent, "the agents' console with a request");

  await person.reload();
  await expect(person.getByText('Which team do you work in?')).toBeVisible();
  await expectAccessible(person, 'the wizard: the agent asks');
  await person.getByLabel('Your answer').fill('Network operations');
  await person.getByRole('button', { name: 'Send answer' }).click();
  await expect(person.getByText('The agent asks')).toHaveCount(0);
  await expect(person.getByTestId('answer-sent')).toContainText('Your answer was sent');

  await agent.reload();
  await expect(item.getByText('Answer: Network operations')).toBeVisible();
  if (createFirst) await agentCreatesCompany(agent, createFirst, company);
  // An entry of the proven company is picked; another company's is typed.
  const choose = async () => {
    if (createFirst) await item.getByLabel('Id of another company or site').fill(company);
    else await item.getByRole('radio', { name: new RegExp(company) }).check();
  };
  await choose();
  await item.getByRole('button', { name: 'Approve' }).click();
  if (createFirst) {
    // The request proved another company: this approval is a proposal a second agent completes.
    await expect(agent.getByTestId('agent-outcome')).toContainText('a second agent must approve the same entry');
    await expect(item.getByText(`Avery Agent proposed approving ${company}`)).toBeVisible();
    await signOut(agent);
    await signIn(agent, 'agent2');
    await (await navLink(agent, "Agents' console")).click();
    await choose();
    await item.getByRole('button', { name: 'Approve' }).click();
  }
  await expect(item).toHaveCount(0);
  await expect(agent.getByTestId('agent-outcome')).toContainText(`Approved: ${name} becomes a Delegated Administrator of`);
}

test('none of the above: an agent asks, the person answers, the agent creates the company and approves', async ({ page, browser }, testInfo) => {
  const p = testInfo.project.name;
  const d = data(p, 'MAN');
  const email = `manual@${d.domain}`;
  await registerAndSignIn(page, `manual-${p}`, email, `Manny ${p}`);
  await startWizard(page, d.contract, d.serial(1));
  await page.getByLabel('None of the above').check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('heading', { name: 'Request sent to an agent' })).toBeVisible();
  await expectAccessible(page, 'the wizard: request sent to an agent');

  // The agent finds no fitting company, so creates one with its first site, and approves into it.
  const agent = await anotherBrowser(browser, testInfo, 'agent');
  await agentAsksThenApproves(page, agent, `Manny ${p}`, `AGENT-${p.toUpperCase()}-S1`, `AGENT-${p.toUpperCase()}`);
  await agent.context().close();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
});

test('assessment required: the agent asks, the person answers, the agent approves', async ({ page, browser }, testInfo) => {
  const p = testInfo.project.name;
  const d = data(p, 'ASM');
  const email = `assessed@${d.domain}`;
  await registerAndSignIn(page, `assessed-${p}`, email, `Asa ${p}`);
  await startWizard(page, d.contract, d.serial(1));
  await expect(page.getByRole('heading', { name: 'Additional assessment required' })).toBeVisible();
  await expect(page.getByText('up to 24 hours')).toBeVisible();
  await expectAccessible(page, 'the wizard: additional assessment required');
  // A waiting request can be withdrawn; validating again says, before Next, that an assessment
  // follows and why.
  await page.getByRole('button', { name: 'Withdraw request' }).click();
  await expect(page.getByRole('heading', { name: 'Verify your account' })).toBeVisible();
  await page.getByLabel('Contract number').fill(d.contract);
  await page.getByLabel('Serial number').fill(d.serial(1));
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByTestId('what-next')).toContainText('one of our agents must assess this registration first:');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Verify your account' })).toBeVisible();
  await page.getByLabel('Contract number').fill(d.contract);
  await page.getByLabel('Serial number').fill(d.serial(1));
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: 'Additional assessment required' })).toBeVisible();
  // The waiting page says why, after a reload too.
  const why = page.getByTestId('assessment-reasons');
  await expect(why).toContainText("the company's registrations are reviewed by an agent");
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Additional assessment required' })).toBeVisible();
  await expect(why).toContainText("the company's registrations are reviewed by an agent");

  const agent = await anotherBrowser(browser, testInfo, 'agent');
  await agentAsksThenApproves(page, agent, `Asa ${p}`, `${d.company}-S1`);
  await agent.context().close();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
});
