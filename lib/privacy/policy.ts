/**
 * The privacy policy, in German and English: one text, shown by the API at
 * `GET /privacy` (server/routes/privacy.ts) and inside the extension
 * (entrypoints/privacy/). It says what the code does and nothing more; each
 * statement is backed by docs/permissions.md, SECURITY.md "What leaves the
 * machine" and the request capture of test/e2e/privacy.*.test.ts. Change the
 * code, change this text (test/lib/privacy/policy.test.ts checks the facts it
 * can: the purchase fields, the permissions).
 */

export type PolicyLang = 'en' | 'de';

export interface PolicySection {
  heading: string;
  paragraphs?: readonly string[];
  items?: readonly string[];
}

export interface PrivacyPolicy {
  lang: PolicyLang;
  title: string;
  updated: string;
  intro: readonly string[];
  sections: readonly PolicySection[];
}

/** Who answers questions and requests; the operator of a real programme puts its own address here. */
export const PRIVACY_CONTACT = 'privacy@sammelpunkt.example';

const en: PrivacyPolicy = {
  lang: 'en',
  title: 'Sammelpunkt privacy policy',
  updated: 'Last changed: 5 December 2026',
  intro: [
    'Sammelpunkt is the browser extension of a loyalty programme: it recognises your orders at partner shops and collects points for them. This page says exactly what the extension reads, what it keeps on your device, what it sends, and what the Sammelpunkt server keeps.',
    'In short: the extension works only on the partner shops you allowed, only after you agreed, and sends your orders (shop, order number, amount, currency, time) to the Sammelpunkt server. It never sends your browsing history, the addresses of the pages you visit, or page content.',
  ],
  sections: [
    {
      heading: 'Before you agree: nothing',
      paragraphs: [
        'After installing, the extension opens a page explaining what it inspects. Until you click "Agree" there, it reads no page, records nothing and makes no request at all. You can withdraw your agreement in the options at any time; the extension then stops reading shop pages at once.',
      ],
    },
    {
      heading: 'What the extension reads',
      items: [
        'On the partner shops you allowed, and only there: the shop\'s pages, to recognise an order confirmation. It reads the page\'s text and the order data the shop puts on the page for its own analytics (for example structured data or a "dataLayer"), to find the order number and the total.',
        'On every other website: nothing. No code of the extension runs on websites outside the partner list, and the browser gives it no access to them.',
        'When you click the Sammelpunkt button in the toolbar: the address of the current tab, to show that shop\'s rate and offers. It is compared with the partner list on your device and not sent.',
      ],
    },
    {
      heading: 'What the extension keeps on your device',
      paragraphs: ['In the extension\'s own storage (IndexedDB), which websites cannot read:'],
      items: [
        'a receipt of each order it recognised: shop, order number, amount, currency, time, how it was recognised, the estimated points, its state on the server, and the origin and path of the confirmation page (without the part after "?", which may hold personal data);',
        'your sign-in: a device token, your e-mail address and member number;',
        'the partner list and the current offers;',
        'your settings: the server address, your agreement and when you gave it, notifications, muted shops, whether you help improve order detection, and on which day a shop\'s reminder was last shown;',
        'only while "Help improve order detection" is on in the options: counters of partner pages where an order was visible but could not be recorded automatically (shop, day, detector version, reason, count).',
      ],
    },
    {
      heading: 'What the extension sends, and to whom',
      paragraphs: [
        'Only to the Sammelpunkt server, without cookies. Nothing goes to the partner shops, to advertisers or to analytics services.',
      ],
      items: [
        'When you agree: one request for the partner list, without any identifier. It is refreshed every six hours while your agreement stands.',
        'When you sign up or sign in: your e-mail address and password (and a referral code, if you enter one); the code from our e-mail when you confirm your address.',
        'For each recognised order: an id made on your device, the shop, the order number, the amount, the currency, the time and how it was recognised. Nothing else: no page address, no page content, no products.',
        'Only if you turn on "Help improve order detection" in the options (it is off unless you do; in Firefox it is also the optional permission for technical data, which you can grant or take back in about:addons): the counters of unrecognised orders described above, with no order and no page; the server keeps them without any reference to you. Turning it off stops them and deletes the counters on your device.',
        'Only when you file a missing-points claim: that order\'s receipt, including the origin and path of its confirmation page.',
        'When you redeem points: the reward you chose.',
        'To show your balance, purchases, offers and rewards, the extension asks the server for them with your token.',
      ],
    },
    {
      heading: 'Personal suggestions, computed on your device',
      paragraphs: [
        'Unless you switch "Personal suggestions" off in the options, the extension orders the current offers by the shops and categories you bought from in the last year (recent purchases count more), says under each suggested offer why, suggests up to three partners in those categories, and after a purchase, at most once a day, one more partner on the shop\'s page. It computes all this on your device from the receipts described above. Nothing about the suggestions is sent, to the Sammelpunkt server or anyone else, and no receipt beyond the orders sent anyway; for them it keeps only the day a partner was last suggested on a shop\'s page.',
      ],
    },
    {
      heading: 'What the Sammelpunkt server keeps',
      items: [
        'Your account: e-mail address, a salted hash of your password (scrypt, never the password itself), member number, tier, when you joined, and whether your e-mail address is confirmed.',
        'Your sign-ins: a hash of each device token (never the token), when it was created and last used. A token stops working after 30 days unused, 180 days at most, or when you sign out.',
        'A hash of the network addresses you signed in from, with the last time, so that wrong passwords tried elsewhere never lock your own devices out.',
        'Your purchases as the extension sent them, their points, their state as the partner reported it, and your points ledger, redemptions and claims.',
        'The e-mails it sent you (confirmation and password codes).',
        'Its log holds one line per request: time, method, route (without ids or query), status and duration. No IP address, no token, no e-mail, and not the "Origin" header your browser adds.',
      ],
      paragraphs: [
        'Partner shops report to the server on their own orders (placed, confirmed, returned, cancelled) so that points can be confirmed; the server does not pass your data on to them.',
      ],
    },
    {
      heading: 'Your rights',
      items: [
        'Access: the server gives a signed-in member everything it holds about them as one document (GET /v1/me/export); write to us and we send it to you. The extension\'s options export everything it keeps on your device.',
        'Erasure: erasing your account (DELETE /v1/me, with your password; or write to us) removes your e-mail address, password, tokens, the e-mails sent to you and the receipts of your claims. Purchases and points entries stay without your name, because a points programme must keep its books; points you owed the programme are kept as a record under a hash of your e-mail address, which a new account with the same address takes over.',
        'On your device: the options delete everything the extension kept there, and so does removing the extension.',
        `Questions, corrections, objections: ${PRIVACY_CONTACT}. You may also complain to a data protection authority.`,
      ],
    },
  ],
};

const de: PrivacyPolicy = {
  lang: 'de',
  title: 'Datenschutzerklärung von Sammelpunkt',
  updated: 'Zuletzt geändert: 5. Dezember 2026',
  intro: [
    'Sammelpunkt ist die Browser-Erweiterung eines Bonusprogramms: Sie erkennt Ihre Bestellungen bei Partnershops und sammelt Punkte dafür. Diese Seite sagt genau, was die Erweiterung liest, was sie auf Ihrem Gerät speichert, was sie sendet und was der Sammelpunkt-Server speichert.',
    'Kurz: Die Erweiterung arbeitet nur auf den Partnershops, die Sie erlaubt haben, erst nachdem Sie zugestimmt haben, und sendet Ihre Bestellungen (Shop, Bestellnummer, Betrag, Währung, Zeit) an den Sammelpunkt-Server. Ihren Browserverlauf, die Adressen der besuchten Seiten oder Seiteninhalte sendet sie nie.',
  ],
  sections: [
    {
      heading: 'Bevor Sie zustimmen: nichts',
      paragraphs: [
        'Nach der Installation öffnet die Erweiterung eine Seite, die erklärt, was sie prüft. Bis Sie dort auf „Zustimmen“ klicken, liest sie keine Seite, speichert nichts und stellt keine einzige Anfrage. Sie können Ihre Zustimmung jederzeit in den Einstellungen widerrufen; die Erweiterung liest dann sofort keine Shopseiten mehr.',
      ],
    },
    {
      heading: 'Was die Erweiterung liest',
      items: [
        'Auf den Partnershops, die Sie erlaubt haben, und nur dort: die Seiten des Shops, um eine Bestellbestätigung zu erkennen. Sie liest den Text der Seite und die Bestelldaten, die der Shop für seine eigene Auswertung auf die Seite legt (etwa strukturierte Daten oder einen „dataLayer“), um Bestellnummer und Gesamtbetrag zu finden.',
        'Auf allen anderen Websites: nichts. Außerhalb der Partnerliste läuft kein Code der Erweiterung, und der Browser gibt ihr keinen Zugriff darauf.',
        'Wenn Sie in der Symbolleiste auf Sammelpunkt klicken: die Adresse des aktuellen Tabs, um Satz und Angebote dieses Shops zu zeigen. Sie wird auf Ihrem Gerät mit der Partnerliste verglichen und nicht gesendet.',
      ],
    },
    {
      heading: 'Was die Erweiterung auf Ihrem Gerät speichert',
      paragraphs: ['Im eigenen Speicher der Erweiterung (IndexedDB), den Websites nicht lesen können:'],
      items: [
        'einen Beleg jeder erkannten Bestellung: Shop, Bestellnummer, Betrag, Währung, Zeit, wie sie erkannt wurde, die geschätzten Punkte, ihren Stand auf dem Server sowie Ursprung und Pfad der Bestätigungsseite (ohne den Teil nach „?“, der persönliche Daten enthalten kann);',
        'Ihre Anmeldung: ein Geräte-Token, Ihre E-Mail-Adresse und Mitgliedsnummer;',
        'die Partnerliste und die aktuellen Angebote;',
        'Ihre Einstellungen: die Serveradresse, Ihre Zustimmung und wann Sie sie gegeben haben, Benachrichtigungen, stummgeschaltete Shops, ob Sie helfen, die Bestellerkennung zu verbessern, und an welchem Tag die Erinnerung eines Shops zuletzt gezeigt wurde;',
        'nur solange „Helfen, die Bestellerkennung zu verbessern“ in den Einstellungen eingeschaltet ist: Zähler von Partnerseiten, auf denen eine Bestellung zu sehen war, aber nicht automatisch erfasst werden konnte (Shop, Tag, Erkennungsversion, Grund, Anzahl).',
      ],
    },
    {
      heading: 'Was die Erweiterung sendet, und an wen',
      paragraphs: [
        'Nur an den Sammelpunkt-Server, ohne Cookies. Nichts geht an die Partnershops, an Werbenetzwerke oder an Analysedienste.',
      ],
      items: [
        'Wenn Sie zustimmen: eine Anfrage nach der Partnerliste, ohne jede Kennung. Solange Ihre Zustimmung gilt, wird sie alle sechs Stunden aufgefrischt.',
        'Bei Registrierung oder Anmeldung: Ihre E-Mail-Adresse und Ihr Passwort (und einen Empfehlungscode, falls Sie einen eingeben); den Code aus unserer E-Mail, wenn Sie Ihre Adresse bestätigen.',
        'Für jede erkannte Bestellung: eine auf Ihrem Gerät erzeugte Kennung, den Shop, die Bestellnummer, den Betrag, die Währung, die Zeit und wie sie erkannt wurde. Sonst nichts: keine Seitenadresse, kein Seiteninhalt, keine Produkte.',
        'Nur wenn Sie in den Einstellungen „Helfen, die Bestellerkennung zu verbessern“ einschalten (ohne Ihr Zutun bleibt es aus; in Firefox ist es zugleich die optionale Berechtigung für technische Daten, die Sie unter about:addons erteilen oder entziehen können): die oben beschriebenen Zähler nicht erkannter Bestellungen, ohne Bestellung und ohne Seite; der Server speichert sie ohne Bezug zu Ihnen. Wenn Sie es ausschalten, endet das Senden, und die Zähler auf Ihrem Gerät werden gelöscht.',
        'Nur wenn Sie fehlende Punkte reklamieren: den Beleg dieser Bestellung, einschließlich Ursprung und Pfad ihrer Bestätigungsseite.',
        'Wenn Sie Punkte einlösen: die gewählte Prämie.',
        'Um Ihr Guthaben, Ihre Einkäufe, Angebote und Prämien zu zeigen, fragt die Erweiterung sie mit Ihrem Token beim Server ab.',
      ],
    },
    {
      heading: 'Persönliche Vorschläge, auf Ihrem Gerät berechnet',
      paragraphs: [
        'Solange Sie „Persönliche Vorschläge“ in den Einstellungen nicht ausschalten, ordnet die Erweiterung die aktuellen Angebote nach den Shops und Kategorien, in denen Sie im letzten Jahr eingekauft haben (jüngere Einkäufe zählen mehr), sagt unter jedem vorgeschlagenen Angebot, warum, schlägt bis zu drei Partner in diesen Kategorien vor und nach einem Einkauf, höchstens einmal am Tag, einen weiteren Partner auf der Shopseite. Sie berechnet all das auf Ihrem Gerät aus den oben beschriebenen Belegen. Nichts über die Vorschläge wird gesendet, weder an den Sammelpunkt-Server noch an sonst jemanden, und kein Beleg über die ohnehin gesendeten Bestellungen hinaus; dafür speichert sie nur den Tag, an dem zuletzt auf einer Shopseite ein Partner vorgeschlagen wurde.',
      ],
    },
    {
      heading: 'Was der Sammelpunkt-Server speichert',
      items: [
        'Ihr Konto: E-Mail-Adresse, einen gesalzenen Hash Ihres Passworts (scrypt, nie das Passwort selbst), Mitgliedsnummer, Stufe, Beitrittsdatum und ob Ihre E-Mail-Adresse bestätigt ist.',
        'Ihre Anmeldungen: einen Hash jedes Geräte-Tokens (nie das Token), wann es erstellt und zuletzt benutzt wurde. Ein Token verfällt nach 30 Tagen ohne Nutzung, spätestens nach 180 Tagen oder wenn Sie sich abmelden.',
        'Einen Hash der Netzadressen, von denen Sie sich angemeldet haben, mit dem letzten Zeitpunkt, damit anderswo probierte falsche Passwörter nie Ihre eigenen Geräte aussperren.',
        'Ihre Einkäufe so, wie die Erweiterung sie gesendet hat, ihre Punkte, ihren Stand laut Partner sowie Ihr Punktekonto, Einlösungen und Reklamationen.',
        'Die E-Mails, die er Ihnen geschickt hat (Bestätigungs- und Passwortcodes).',
        'Sein Protokoll enthält eine Zeile je Anfrage: Zeit, Methode, Route (ohne Kennungen oder Parameter), Status und Dauer. Keine IP-Adresse, kein Token, keine E-Mail und nicht den „Origin“-Header, den Ihr Browser hinzufügt.',
      ],
      paragraphs: [
        'Partnershops melden dem Server ihre eigenen Bestellungen (aufgegeben, bestätigt, retourniert, storniert), damit Punkte bestätigt werden können; der Server gibt Ihre Daten nicht an sie weiter.',
      ],
    },
    {
      heading: 'Ihre Rechte',
      items: [
        'Auskunft: Der Server gibt einem angemeldeten Mitglied alles, was er über es speichert, als ein Dokument aus (GET /v1/me/export); schreiben Sie uns, und wir senden es Ihnen. In den Einstellungen der Erweiterung exportieren Sie alles, was sie auf Ihrem Gerät speichert.',
        'Löschung: Wenn Sie Ihr Konto löschen (DELETE /v1/me mit Ihrem Passwort, oder schreiben Sie uns), werden E-Mail-Adresse, Passwort, Tokens, die an Sie gesendeten E-Mails und die Belege Ihrer Reklamationen entfernt. Einkäufe und Punktebuchungen bleiben ohne Ihren Namen erhalten, weil ein Bonusprogramm Buch führen muss; Punkte, die Sie dem Programm schuldeten, bleiben als Eintrag unter einem Hash Ihrer E-Mail-Adresse, den ein neues Konto mit derselben Adresse übernimmt.',
        'Auf Ihrem Gerät: In den Einstellungen löschen Sie alles, was die Erweiterung dort gespeichert hat; ebenso, wenn Sie sie entfernen.',
        `Fragen, Berichtigungen, Widerspruch: ${PRIVACY_CONTACT}. Sie können sich auch bei einer Datenschutzaufsichtsbehörde beschweren.`,
      ],
    },
  ],
};

export const PRIVACY_POLICIES: Readonly<Record<PolicyLang, PrivacyPolicy>> = { en, de };

/** The policy for a language tag or Accept-Language value: German for `de…`, English otherwise. */
export function policyLanguage(preference: string | undefined): PolicyLang {
  const first = preference?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('de') ? 'de' : 'en';
}

/** The policy as plain text, for a store's privacy-policy field (AMO wants the full text, not a link). */
export function privacyPolicyText(lang: PolicyLang): string {
  const policy = PRIVACY_POLICIES[lang];
  const blocks = [
    policy.title,
    policy.updated,
    ...policy.intro,
    ...policy.sections.map((section) => [
      section.heading.toUpperCase(),
      ...(section.paragraphs ?? []),
      ...(section.items ?? []).map((item) => `• ${item}`),
    ].join('\n')),
  ];
  return `${blocks.join('\n\n')}\n`;
}
