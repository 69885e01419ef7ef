import { describe, expect, it } from 'vitest';
import { parseJUnitXml } from '../src/junit-report.js';

describe('parseJUnitXml', () => {
  it.each([
    [
      'a passing self-closing case (pytest)',
      {
        given: '<testcase classname="tests.test_a" name="test_one" time="0.5" />',
        want: { suite: 'tests.test_a', name: 'test_one', outcome: 'passed', message: '', seconds: 0.5 },
      },
    ],
    [
      'a failure with its message and text (Surefire)',
      {
        given:
          '<testcase name="creates" classname="org.mmtel.ItTest" time="1.2"><failure message="expected: &lt;201&gt;" type="AssertionFailedError">at org.mmtel…</failure></testcase>',
        want: { suite: 'org.mmtel.ItTest', name: 'creates', outcome: 'failed', message: 'expected: <201>\nat org.mmtel…', seconds: 1.2 },
      },
    ],
    [
      'an error counts as a failure',
      {
        given: '<testcase name="x"><error message="boom"/></testcase>',
        want: { suite: '', name: 'x', outcome: 'failed', message: 'boom', seconds: 0 },
      },
    ],
    [
      'a skipped case',
      {
        given: "<testcase name='y' classname='c'><skipped message='no JDK'/></testcase>",
        want: { suite: 'c', name: 'y', outcome: 'skipped', message: '', seconds: 0 },
      },
    ],
  ])('reads %s', (_, { given, want }) => {
    expect(parseJUnitXml(`<?xml version="1.0"?><testsuite>${given}</testsuite>`)).toEqual([want]);
  });

  it('keeps every case of a report in document order', () => {
    const xml =
      '<testsuites><testsuite><testcase name="a"/><testcase name="b"></testcase></testsuite><testsuite><testcase name="c"/></testsuite></testsuites>';
    expect(parseJUnitXml(xml).map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });
});
