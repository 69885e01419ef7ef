import type { CheckReport } from './check-types.js';

/**
 * The report as JUnit XML, the format CI systems read: one `testsuite` (the target), one
 * `testcase` per check with the clause as `classname` and the check as `name`; a failed check
 * carries a `failure` with the rules it broke, a skipped one a `skipped` with the reason.
 */
export function toJUnitXml(report: CheckReport): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mmtel check" tests="${report.results.length}" failures="${report.failed}" skipped="${report.skipped}" time="${seconds(report.ms)}">`,
    `  <testsuite name="${escapeXml(`mmtel check ${report.apiRoot}`)}" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="${report.skipped}" time="${seconds(report.ms)}">`,
  ];
  if (report.seed !== undefined)
    lines.push(
      '    <properties>',
      `      <property name="seed" value="${report.seed}"/>`,
      `      <property name="runs" value="${report.runs ?? ''}"/>`,
      '    </properties>',
    );
  for (const result of report.results) {
    const open = `    <testcase classname="${escapeXml(result.clause)}" name="${escapeXml(result.title)}" time="${seconds(result.ms)}"`;
    if (result.outcome === 'passed') lines.push(`${open}/>`);
    else if (result.outcome === 'skipped')
      lines.push(`${open}>`, `      <skipped message="${escapeXml(result.details.join('; '))}"/>`, '    </testcase>');
    else
      lines.push(
        `${open}>`,
        `      <failure message="${escapeXml(result.details[0] ?? 'failed')}">${escapeXml(result.details.join('\n'))}</failure>`,
        '    </testcase>',
      );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Text as XML character data or an attribute value; characters XML 1.0 cannot hold at all become U+FFFD. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}
