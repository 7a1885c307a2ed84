/**
 * The demo partner shops: who they are and what they sell. The ids are fixed;
 * the API's demo seed lists them as partners with the domains `<id>.localhost`.
 */

export type Platform = 'shopware6' | 'woocommerce' | 'magento2' | 'shopify' | 'ga4-only' | 'spa-late' | 'prestashop' | 'hand-built' | 'unreadable' | 'order-page';
export type Language = 'de' | 'en' | 'de-CH';
export type Currency = 'EUR' | 'CHF';
export type ShopId = 'schuhhaus' | 'buecherwurm' | 'technikwelt' | 'gartenglueck' | 'modehaus' | 'feinkost' | 'alpenladen' | 'roesterei' | 'teehaus' | 'werkzeug';

export interface DemoShop {
  id: ShopId;
  name: string;
  platform: Platform;
  language: Language;
  currency: Currency;
  /** The first label of the host name: the shop answers on `<hostLabel>.localhost:PORT`. */
  hostLabel: string;
  /** One line for the README and the home page. */
  tagline: string;
}

export interface Product {
  slug: string;
  /** The shop's article number, shown on the product page and used in platform-style URLs. */
  sku: string;
  name: string;
  priceMinor: number;
  description: string;
}

export interface ShopCatalogue {
  products: readonly Product[];
  shippingMinor: number;
  /** Orders from this subtotal on ship free, so totals with and without shipping both occur. */
  freeShippingFromMinor: number;
  /** VAT included in the prices, in basis points (19 % = 1900); shown as a line, never added. */
  vatBasisPoints: number;
}

export const DEMO_SHOPS: readonly DemoShop[] = [
  { id: 'schuhhaus', name: 'Schuhhaus Beispiel', platform: 'shopware6', language: 'de', currency: 'EUR', hostLabel: 'schuhhaus', tagline: 'Schuhe für Stadt und Berg' },
  { id: 'buecherwurm', name: 'Bücherwurm Books', platform: 'woocommerce', language: 'en', currency: 'EUR', hostLabel: 'buecherwurm', tagline: 'Independent bookshop, shipping across Europe' },
  { id: 'technikwelt', name: 'Technikwelt', platform: 'magento2', language: 'en', currency: 'EUR', hostLabel: 'technikwelt', tagline: 'Electronics and accessories' },
  { id: 'gartenglueck', name: 'Gartenglück', platform: 'shopify', language: 'de', currency: 'EUR', hostLabel: 'gartenglueck', tagline: 'Alles für Balkon und Garten' },
  { id: 'modehaus', name: 'Modehaus Nord', platform: 'ga4-only', language: 'de', currency: 'EUR', hostLabel: 'modehaus', tagline: 'Mode für jeden Tag' },
  { id: 'feinkost', name: 'Feinkost Fröhlich', platform: 'spa-late', language: 'de', currency: 'EUR', hostLabel: 'feinkost', tagline: 'Feines aus Europas Küchen' },
  { id: 'alpenladen', name: 'Alpenladen', platform: 'prestashop', language: 'de-CH', currency: 'CHF', hostLabel: 'alpenladen', tagline: 'Bergsport-Ausrüstung aus der Schweiz' },
  { id: 'roesterei', name: 'Rösterei Morgenrot', platform: 'hand-built', language: 'de', currency: 'EUR', hostLabel: 'roesterei', tagline: 'Kaffee aus der eigenen Rösterei' },
  { id: 'teehaus', name: 'Teehaus Lindgrün', platform: 'unreadable', language: 'de', currency: 'EUR', hostLabel: 'teehaus', tagline: 'Lose Tees aus aller Welt' },
  { id: 'werkzeug', name: 'Werkzeugkontor Kessler', platform: 'order-page', language: 'de', currency: 'EUR', hostLabel: 'werkzeug', tagline: 'Werkzeug und Befestigung für Handwerk und Haus' },
];

const EUR_SHIPPING = { shippingMinor: 495, freeShippingFromMinor: 5000, vatBasisPoints: 1900 } as const;

export const CATALOGUES: Readonly<Record<ShopId, ShopCatalogue>> = {
  schuhhaus: {
    ...EUR_SHIPPING,
    products: [
      { slug: 'stadtlaeufer-sneaker', sku: 'SW10001', name: 'Stadtläufer Sneaker', priceMinor: 8995, description: 'Leichter Sneaker aus Glattleder mit herausnehmbarer Sohle.' },
      { slug: 'bergpfad-wanderschuh', sku: 'SW10002', name: 'Bergpfad Wanderschuh', priceMinor: 12900, description: 'Wasserdichter Wanderschuh mit griffiger Profilsohle.' },
      { slug: 'filz-hausschuh', sku: 'SW10003', name: 'Filz-Hausschuh', priceMinor: 2490, description: 'Warmer Hausschuh aus Schurwollfilz.' },
      { slug: 'schuhpflege-set', sku: 'SW10004', name: 'Schuhpflege-Set', priceMinor: 1495, description: 'Creme, Bürste und Tuch in der Blechdose.' },
    ],
  },
  buecherwurm: {
    ...EUR_SHIPPING,
    freeShippingFromMinor: 3000,
    vatBasisPoints: 700,
    products: [
      { slug: 'the-quiet-harbour', sku: 'BW-1001', name: 'The Quiet Harbour (Hardcover)', priceMinor: 2400, description: 'A novel about a lighthouse keeper and a very long winter.' },
      { slug: 'field-guide-to-mosses', sku: 'BW-1002', name: 'A Field Guide to Mosses', priceMinor: 1990, description: 'Two hundred species, drawn by hand.' },
      { slug: 'cooking-with-rye', sku: 'BW-1003', name: 'Cooking with Rye', priceMinor: 3290, description: 'Breads, cakes and dumplings from the Baltic to the Alps.' },
      { slug: 'bookmark-set', sku: 'BW-1004', name: 'Brass Bookmark Set', priceMinor: 890, description: 'Three bookmarks that never fall out.' },
    ],
  },
  technikwelt: {
    ...EUR_SHIPPING,
    products: [
      { slug: 'usb-c-hub-7-in-1', sku: 'TW-HUB7', name: 'USB-C Hub 7-in-1', priceMinor: 4999, description: 'HDMI 4K, three USB-A, SD, microSD and 100 W pass-through.' },
      { slug: 'noise-cancelling-headphones', sku: 'TW-NC700', name: 'Noise Cancelling Headphones NC700', priceMinor: 19900, description: 'Thirty hours of battery and a case that fits a coat pocket.' },
      { slug: 'mechanical-keyboard', sku: 'TW-KB87', name: 'Mechanical Keyboard TKL', priceMinor: 8950, description: 'Hot-swappable switches, German and US layouts.' },
      { slug: 'braided-cable-2m', sku: 'TW-CBL2', name: 'Braided USB-C Cable 2 m', priceMinor: 1299, description: '240 W, 40 Gbit/s, tested for 10,000 bends.' },
    ],
  },
  gartenglueck: {
    ...EUR_SHIPPING,
    products: [
      { slug: 'hochbeet-laerche', sku: 'GG-HB120', name: 'Hochbeet Lärche 120 cm', priceMinor: 10900, description: 'Unbehandelte Lärche, mit Wühlmausgitter.' },
      { slug: 'tomaten-saatgut-set', sku: 'GG-SAAT5', name: 'Tomaten-Saatgut-Set (5 Sorten)', priceMinor: 1250, description: 'Samenfeste Sorten aus ökologischem Anbau.' },
      { slug: 'gartenschere-profi', sku: 'GG-GS01', name: 'Gartenschere Profi', priceMinor: 3490, description: 'Bypass-Schere mit Ersatzklinge.' },
      { slug: 'giesskanne-zink', sku: 'GG-GK10', name: 'Gießkanne Zink 10 l', priceMinor: 3900, description: 'Verzinkt, mit Messingbrause.' },
    ],
  },
  modehaus: {
    ...EUR_SHIPPING,
    products: [
      { slug: 'wollmantel-navy', sku: 'MH-4410', name: 'Wollmantel Navy', priceMinor: 8990, description: 'Klassischer Mantel aus Wolle und Kaschmir.' },
      { slug: 'leinenhemd-weiss', sku: 'MH-2203', name: 'Leinenhemd Weiß', priceMinor: 4990, description: 'Luftiges Hemd aus reinem Leinen.' },
      { slug: 'strickschal', sku: 'MH-7781', name: 'Strickschal Grau', priceMinor: 2990, description: 'Grobstrick aus Merinowolle.' },
      { slug: 'chino-sand', sku: 'MH-3350', name: 'Chino Sand', priceMinor: 5990, description: 'Gerade geschnitten, mit Stretchanteil.' },
    ],
  },
  feinkost: {
    ...EUR_SHIPPING,
    vatBasisPoints: 700,
    products: [
      { slug: 'olivenoel-kreta', sku: 'FK-OL05', name: 'Olivenöl extra vergine, Kreta 0,5 l', priceMinor: 1890, description: 'Kaltgepresst aus Koroneiki-Oliven.' },
      { slug: 'parmigiano-24-monate', sku: 'FK-PR24', name: 'Parmigiano Reggiano 24 Monate, 500 g', priceMinor: 2450, description: 'Am Stück, vakuumverpackt.' },
      { slug: 'trueffelsalz', sku: 'FK-TS01', name: 'Trüffelsalz 100 g', priceMinor: 1290, description: 'Meersalz mit schwarzem Sommertrüffel.' },
      { slug: 'feinkost-korb', sku: 'FK-KORB', name: 'Geschenkkorb „Genießer“', priceMinor: 6480, description: 'Sieben Spezialitäten im Weidenkorb.' },
    ],
  },
  alpenladen: {
    shippingMinor: 900,
    freeShippingFromMinor: 15000,
    vatBasisPoints: 810,
    products: [
      { slug: 'daunenjacke-eiger', sku: 'AL-DJ01', name: 'Daunenjacke Eiger', priceMinor: 48900, description: 'Leicht, warm, 800 cuin Gänsedaune.' },
      { slug: 'tourenski-set', sku: 'AL-TS02', name: 'Tourenski-Set mit Fellen', priceMinor: 123450, description: 'Ski, Bindung und Felle, fertig montiert.' },
      { slug: 'rucksack-30l', sku: 'AL-RS30', name: 'Rucksack 30 l', priceMinor: 18950, description: 'Mit Rückenbelüftung und Regenhülle.' },
      { slug: 'trinkflasche', sku: 'AL-TF07', name: 'Trinkflasche 0,7 l', priceMinor: 2490, description: 'Aluminium, auslaufsicher.' },
    ],
  },
  roesterei: {
    ...EUR_SHIPPING,
    shippingMinor: 390,
    freeShippingFromMinor: 4000,
    vatBasisPoints: 700,
    products: [
      { slug: 'espresso-morgenrot', sku: 'RM-E250', name: 'Espresso Morgenrot 250 g', priceMinor: 890, description: 'Schokoladig, wenig Säure, für Siebträger und Kanne.' },
      { slug: 'filter-aethiopien', sku: 'RM-F500', name: 'Filterkaffee Äthiopien 500 g', priceMinor: 1690, description: 'Blumig und hell geröstet.' },
      { slug: 'handmuehle', sku: 'RM-HM01', name: 'Handmühle aus Buche', priceMinor: 5900, description: 'Keramikmahlwerk, stufenlos.' },
      { slug: 'probierpaket', sku: 'RM-PP04', name: 'Probierpaket 4 × 125 g', priceMinor: 2400, description: 'Vier Sorten zum Kennenlernen.' },
    ],
  },
  teehaus: {
    ...EUR_SHIPPING,
    shippingMinor: 350,
    freeShippingFromMinor: 3500,
    vatBasisPoints: 700,
    products: [
      { slug: 'darjeeling-first-flush', sku: 'TL-DJ100', name: 'Darjeeling First Flush 100 g', priceMinor: 1290, description: 'Blumig, hell, aus dem Frühjahr.' },
      { slug: 'sencha-uji', sku: 'TL-SE100', name: 'Sencha Uji 100 g', priceMinor: 990, description: 'Grasig und frisch.' },
      { slug: 'teekanne-glas', sku: 'TL-KG10', name: 'Teekanne aus Glas 1 l', priceMinor: 3450, description: 'Mit Edelstahlsieb.' },
      { slug: 'rooibos-vanille', sku: 'TL-RV100', name: 'Rooibos Vanille 100 g', priceMinor: 690, description: 'Koffeinfrei und mild.' },
    ],
  },
  werkzeug: {
    ...EUR_SHIPPING,
    shippingMinor: 590,
    freeShippingFromMinor: 10000,
    products: [
      { slug: 'akku-bohrschrauber-18v', sku: 'WK-BS18', name: 'Akku-Bohrschrauber 18 V', priceMinor: 14900, description: 'Zwei Gänge, 55 Nm, ohne Akku.' },
      { slug: 'bitsatz-47', sku: 'WK-BIT47', name: 'Bitsatz 47-teilig', priceMinor: 2499, description: 'Im Kunststoffkoffer.' },
      { slug: 'wasserwaage-60', sku: 'WK-WW60', name: 'Wasserwaage 60 cm', priceMinor: 2990, description: 'Aluminium, zwei Libellen.' },
      { slug: 'spax-sortiment', sku: 'WK-SPX', name: 'Schraubensortiment 1.000 Stück', priceMinor: 3450, description: 'Senkkopf, verzinkt.' },
    ],
  },
};

export function findShop(id: string): DemoShop | undefined {
  return DEMO_SHOPS.find((s) => s.id === id);
}
