// Prints one page's Lighthouse result for bench/lighthouse.sh: of the runs given, the one with the
// median performance score, its category scores and metrics, and every accessibility or
// best-practices audit it did not pass.
//   node summary.cjs NAME RUN.json...
const fs = require('fs');

const [name, ...files] = process.argv.slice(2);
const reports = files.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')));
const score = (report, category) => Math.round((report.categories[category]?.score ?? 0) * 100);
reports.sort((a, b) => score(a, 'performance') - score(b, 'performance'));
const median = reports[Math.floor(reports.length / 2)];

const all = reports.map((report) => score(report, 'performance')).join(', ');
console.log(`${name.padEnd(10)} performance ${score(median, 'performance')} (runs: ${all}), ` +
  `accessibility ${score(median, 'accessibility')}, best practices ${score(median, 'best-practices')}`);

const metric = (id) => median.audits[id]?.displayValue ?? 'n/a';
console.log(`           FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, ` +
  `TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')}, ` +
  `interactive ${metric('interactive')}, speed index ${metric('speed-index')}`);

for (const category of ['accessibility', 'best-practices']) {
  for (const ref of median.categories[category].auditRefs) {
    const audit = median.audits[ref.id];
    if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
      console.log(`           ${category}: ${audit.id}: ${audit.title}`);
      for (const item of (audit.details?.items ?? []).slice(0, 5)) {
        const node = item.node ?? item;
        console.log(`             ${node.selector ?? ''} ${(node.snippet ?? '').slice(0, 120)}`);
      }
    }
  }
}
// What moved the layout (cumulative layout shift), when it did.
for (const item of (median.audits['layout-shifts']?.details?.items ?? []).slice(0, 3)) {
  console.log(`           layout shift ${item.score?.toFixed(3)}: ${item.node?.selector ?? ''} ${(item.node?.snippet ?? '').slice(0, 100)}`);
}
if (median.runtimeError) console.log(`           runtime error: ${median.runtimeError.message}`);
