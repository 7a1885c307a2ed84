/**
 * The privacy policy says what the code does: the facts a test can hold it
 * to, in both languages alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PurchaseIn } from '../../../lib/contract/index.ts';
import { PRIVACY_POLICIES, policyLanguage } from '../../../lib/privacy/policy.ts';

const ROOT = join(import.meta.dirname, '../../..');
const text = (lang: 'en' | 'de') => {
  const p = PRIVACY_POLICIES[lang];
  return [p.title, ...p.intro, ...p.sections.flatMap((s) => [s.heading, ...(s.paragraphs ?? []), ...(s.items ?? [])])].join('\n');
};

/** How each field of a sent purchase is named in the policy. */
const FIELD_WORDS: Record<string, { en: string; de: string }> = {
  id: { en: 'an id made on your device', de: 'eine auf Ihrem Gerät erzeugte Kennung' },
  partnerId: { en: 'the shop', de: 'den Shop' },
  orderId: { en: 'the order number', de: 'die Bestellnummer' },
  amountMinor: { en: 'the amount', de: 'den Betrag' },
  currency: { en: 'the currency', de: 'die Währung' },
  detectedAt: { en: 'the time', de: 'die Zeit' },
  method: { en: 'how it was recognised', de: 'wie sie erkannt wurde' },
};

describe('the privacy policy', () => {
  it('names every field a purchase is sent with, and no other', () => {
    expect(Object.keys(PurchaseIn.shape).sort()).toEqual(Object.keys(FIELD_WORDS).sort());
    for (const lang of ['en', 'de'] as const) {
      const sent = PRIVACY_POLICIES[lang].sections[3]!.items!.find((item) => item.includes(FIELD_WORDS.orderId![lang]))!;
      for (const words of Object.values(FIELD_WORDS)) expect(sent, lang).toContain(words[lang]);
    }
  });

  it('says the same in German and English, section for section', () => {
    const [en, de] = [PRIVACY_POLICIES.en, PRIVACY_POLICIES.de];
    expect(de.sections.map((s) => [s.paragraphs?.length, s.items?.length])).toEqual(en.sections.map((s) => [s.paragraphs?.length, s.items?.length]));
    expect(de.intro.length).toBe(en.intro.length);
  });

  it('matches what docs/permissions.md documents: no history, no page addresses, consent first', () => {
    const permissions = readFileSync(join(ROOT, 'docs/permissions.md'), 'utf8');
    expect(permissions).toMatch(/Page URLs, page content and browsing are never sent/);
    expect(text('en')).toMatch(/never sends your browsing history, the addresses of the pages you visit, or page content/);
    expect(text('de')).toMatch(/Ihren Browserverlauf, die Adressen der besuchten Seiten oder Seiteninhalte sendet sie nie/);
    expect(text('en')).toMatch(/without cookies/);
    expect(text('en')).toMatch(/makes no request at all/);
  });

  it('says the detection-health counters are sent only if the member turns on the switch the options page shows', () => {
    for (const lang of ['en', 'de'] as const) {
      const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales', lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
      const label = messages.optDetectionReports!.message;
      const sent = PRIVACY_POLICIES[lang].sections[3]!.items!.filter((item) => item.includes(lang === 'en' ? 'counters' : 'Zähler'));
      expect(sent, lang).toHaveLength(1);
      expect(sent[0], lang).toMatch(lang === 'en' ? /^Only if you turn on/ : /^Nur wenn Sie/);
      expect(sent[0], lang).toContain(label);
    }
  });

  it('picks German for de…, English otherwise', () => {
    expect(policyLanguage('de-DE,de;q=0.9,en;q=0.8')).toBe('de');
    expect(policyLanguage('de')).toBe('de');
    expect(policyLanguage('en-GB,de;q=0.5')).toBe('en');
    expect(policyLanguage(undefined)).toBe('en');
    expect(policyLanguage('fr')).toBe('en');
  });

  it('says personal suggestions are computed on the device, under the name the options page shows, and sent nowhere', () => {
    for (const lang of ['en', 'de'] as const) {
      const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales', lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
      const section = PRIVACY_POLICIES[lang].sections.find((s) => s.heading.startsWith(messages.optSuggestionsTitle!.message))!;
      expect(section, lang).toBeDefined();
      expect(section.paragraphs!.join(' '), lang).toMatch(lang === 'en' ? /on your device.*Nothing about the suggestions is sent/ : /auf Ihrem Gerät.*Nichts über die Vorschläge wird gesendet/);
    }
  });
});
