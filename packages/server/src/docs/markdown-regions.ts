/*
 * Generated regions of hand-written Markdown: what lies between
 *   <!-- generated: <id> from <source>. DO NOT EDIT. Run: pnpm docs:generate -->
 * and
 *   <!-- /generated -->
 * is written by `pnpm docs:generate`; everything around it stays hand-written.
 */

/** A region found in a document. */
export interface FoundRegion {
  id: string;
  /** Offset of its opening marker. */
  from: number;
  /** Offset of its closing marker. */
  to: number;
  /** Its opening marker line and content, as they are now. */
  text: string;
}

const OPENING = /^<!-- generated: ([a-z0-9-]+)\b[^\n]*-->\n/gm;
const CLOSING = '<!-- /generated -->';

/** The opening marker line and the content of a region, as the generator writes them. */
export function regionText(id: string, source: string, content: string): string {
  return `<!-- generated: ${id} from ${source}. DO NOT EDIT. Run: pnpm docs:generate -->\n${content.endsWith('\n') ? content : `${content}\n`}`;
}

/** Every generated region of a Markdown text, in order; throws when one is not closed. */
export function findRegions(markdown: string): FoundRegion[] {
  const regions: FoundRegion[] = [];
  for (const match of markdown.matchAll(OPENING)) {
    const contentStart = match.index + match[0].length;
    const closing = markdown.startsWith(CLOSING, contentStart) ? contentStart : markdown.indexOf(`\n${CLOSING}`, contentStart) + 1;
    const next = markdown.slice(contentStart).search(OPENING_ANYWHERE);
    if (closing === 0 || (next !== -1 && contentStart + next < closing))
      throw new Error(`the generated region "${match[1]}" has no closing ${CLOSING}`);
    regions.push({ id: match[1]!, from: match.index, to: closing, text: markdown.slice(match.index, closing) });
  }
  return regions;
}

const OPENING_ANYWHERE = /^<!-- generated: /m;

/** The Markdown with each region's text replaced (regions as findRegions returned them, in order). */
export function replaceRegions(markdown: string, replacements: ReadonlyArray<{ region: FoundRegion; text: string }>): string {
  let result = '';
  let at = 0;
  for (const { region, text } of [...replacements].sort((a, b) => a.region.from - b.region.from)) {
    result += markdown.slice(at, region.from) + text;
    at = region.to;
  }
  return result + markdown.slice(at);
}
