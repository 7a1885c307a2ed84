/**
 * The privacy policy inside the extension: the same text as the API's
 * GET /privacy, in the browser's language. Plain DOM, every text set as text:
 * a static page needs no Preact and no extension API (the language is the
 * browser's, `navigator.language`), and leaving them out keeps the chunks the
 * popup loads exactly as they were.
 */
import '../../components/privacy.css';
import { PRIVACY_POLICIES, policyLanguage } from '../../lib/privacy/policy.ts';

function element(tag: string, text?: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function main(): void {
  const policy = PRIVACY_POLICIES[policyLanguage(navigator.language)];
  document.documentElement.lang = policy.lang;
  document.title = policy.title;
  const page = element('main');
  page.append(element('h1', policy.title), element('p', policy.updated, 'updated'), ...policy.intro.map((p) => element('p', p)));
  for (const section of policy.sections) {
    const card = element('section');
    card.append(element('h2', section.heading), ...(section.paragraphs ?? []).map((p) => element('p', p)));
    if (section.items) {
      const list = element('ul');
      list.append(...section.items.map((item) => element('li', item)));
      card.append(list);
    }
    page.append(card);
  }
  document.getElementById('app')?.replaceWith(page);
}

main();
