// @vitest-environment happy-dom
/**
 * Order ids and shop names come from shop pages and the catalogue; the popup
 * and the in-page moments must show them as text, never as markup. Each
 * hostile string is rendered and must appear literally in textContent,
 * without any element it spells out coming into being.
 */
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CurrentShop } from '../../components/CurrentShop.tsx';
import { RecordedMoment } from '../../components/inpage/RecordedMoment.tsx';
import { PurchaseList } from '../../components/PurchaseList.tsx';
import type { Partner } from '../../lib/contract/index.ts';
import { toPurchaseRows } from '../../lib/ui/model.ts';
import { NOW, receipt, schuhhaus, speak } from '../components/helpers.tsx';

afterEach(cleanup);

const HOSTILE = [
  '<img src=x onerror="globalThis.pwned=1">',
  '<script>globalThis.pwned=1</script>',
  '"><svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '&lt;b&gt;entity&lt;/b&gt;',
  '<a href="https://evil.example">Gratis</a>',
];
const PLAIN = 'Plain-1';

const tagsOf = (container: Element) => [...container.querySelectorAll('*')].map((e) => e.tagName).join(' ');

/** The hostile render has the text literally and exactly the elements a plain string gives. */
function expectLiteral(container: Element, text: string, plainRender: () => Element): void {
  expect(container.textContent).toContain(text);
  expect(container.querySelector('img, script, iframe, a[href^="https://evil"], [onerror], [onload]')).toBeNull();
  const hostileTags = tagsOf(container);
  cleanup();
  expect(hostileTags).toBe(tagsOf(plainRender()));
  expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
}

describe('.security: hostile strings render as text', () => {
  it.each(HOSTILE)('in the purchase list, as order id and shop name: %s', (hostile) => {
    speak('en');
    const list = (text: string) => {
      const shop: Partner = { ...schuhhaus, name: text };
      const rows = toPurchaseRows([receipt({ id: 'h1', orderId: text })], [shop], NOW);
      return render(<PurchaseList rows={rows} total={rows.length} more={false} signedIn onClaim={() => Promise.resolve({ ok: true })} onShowOlder={() => undefined} />).container;
    };
    const container = list(hostile);
    expect(container.textContent?.split(hostile).length).toBeGreaterThanOrEqual(3);
    expectLiteral(container, hostile, () => list(PLAIN));
  });

  it.each(HOSTILE)('in the in-page moment after an order: %s', (hostile) => {
    speak('de');
    const card = (text: string) => {
      const moment = { fresh: true, partnerName: text, orderId: text, amountMinor: 4_990, currency: 'EUR', points: 24, recordedAt: NOW.toISOString() };
      return render(<RecordedMoment moment={moment} onDismiss={() => undefined} />).container;
    };
    expectLiteral(card(hostile), hostile, () => card(PLAIN));
  });

  it.each(HOSTILE)('in the current shop panel, as shop name: %s', (hostile) => {
    speak('en');
    const panel = (text: string) => {
      const shop: Partner = { ...schuhhaus, name: text };
      return render(<CurrentShop partner={shop} partners={[shop]} offers={[]} muted={false} onSetMuted={() => undefined} now={NOW} />).container;
    };
    expectLiteral(panel(hostile), hostile, () => panel(PLAIN));
  });
});
