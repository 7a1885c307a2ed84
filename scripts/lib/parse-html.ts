/**
 * A saved page as a DOM for the detectors in Node: linkedom, which parses a
 * 200 KB page in a few milliseconds and answers selectors quickly (happy-dom
 * spent 95 % of the CLI's time in its selector engine). Scripts are kept as
 * text; nothing is executed or fetched.
 */
import { parseHTML } from 'linkedom';

export function parsePage(html: string): Document {
  const { document } = parseHTML(html);
  return document as unknown as Document;
}
