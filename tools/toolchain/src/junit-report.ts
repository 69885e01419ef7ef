import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One test case of a JUnit XML report (Maven Surefire, pytest, Schemathesis all write them). */
export interface JUnitCase {
  /** `classname` (Java class, Python module); empty when absent. */
  suite: string;
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** The failure's or error's message and text (empty when it passed). */
  message: string;
  seconds: number;
}

/** Every test case in `xml`, in document order. */
export function parseJUnitXml(xml: string): JUnitCase[] {
  const cases: JUnitCase[] = [];
  // <testcase …/> or <testcase …>…</testcase>; test cases do not nest.
  const testcase = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(testcase)) {
    const attributes = parseAttributes(match[1] ?? '');
    const body = match[2] ?? '';
    const problem = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    const skipped = /<skipped\b/.test(body);
    const message = problem
      ? [parseAttributes(problem[2] ?? '')['message'] ?? '', unescapeXml(stripCdata(problem[3] ?? ''))].filter(Boolean).join('\n')
      : '';
    cases.push({
      suite: attributes['classname'] ?? '',
      name: attributes['name'] ?? '',
      outcome: problem ? 'failed' : skipped ? 'skipped' : 'passed',
      message,
      seconds: Number(attributes['time'] ?? 0),
    });
  }
  return cases;
}

/** Every test case of every `*.xml` report in `dir` (Surefire writes one file per test class). */
export async function readJUnitReports(dir: string): Promise<JUnitCase[]> {
  const files = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.xml')).sort();
  const reports = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
  return reports.flatMap(parseJUnitXml);
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1]!] = unescapeXml(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

function stripCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (entity, code: string) => {
    switch (code.toLowerCase()) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return code[1] === 'x' || code[1] === 'X'
          ? String.fromCodePoint(parseInt(code.slice(2), 16))
          : code.startsWith('#')
            ? String.fromCodePoint(Number(code.slice(1)))
            : entity;
    }
  });
}
