/**
 * `match`: host → partner lookups on a generated catalogue of 50,000 partner
 * domains, against the ceiling of a bare `Map.get` of the host on a map of
 * the same domains. Lookups are timed in batches (one clock read per batch of
 * BATCH lookups, divided), because a single lookup is far below the clock's
 * resolution; the spread is over batches.
 */
import { buildMatcher, httpHost } from '../lib/catalog/matcher.ts';
import { collectGarbage, heapUsedAfterGc } from './lib/gc.ts';
import { result } from './lib/result.ts';
import { median, nowNs, percentile } from './lib/stats.ts';
import type { Measured } from './lib/types.ts';

const DOMAINS = 50_000;
const HOSTS = 20_000;
const BATCH = 10_000;
const BATCHES = 300;
const WARMUP_BATCHES = 30;

const SYLLABLES = ['schuh', 'haus', 'mode', 'berg', 'tal', 'shop', 'markt', 'garten', 'licht', 'kaffee', 'rad', 'buch', 'north', 'wind', 'tea', 'camera', 'lumi', 'peak', 'stoff', 'holz', 'stein', 'feld', 'see', 'wald'];
const TLDS = ['de', 'com', 'at', 'ch', 'co.uk', 'fr', 'nl', 'shop', 'eu', 'it'];
const SUBDOMAINS = ['www', 'shop', 'm', 'checkout', 'de', 'store'];
const NON_PARTNERS = ['www.google.com', 'mail.google.com', 'github.com', 'www.wikipedia.org', 'news.ycombinator.com', 'www.youtube.com', 'localhost', '127.0.0.1', 'docs.example.org'];

/** mulberry32: a small seeded generator, so the catalogue and host mix are the same on every run. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function generateDomains(random: () => number): string[] {
  const domains = new Set<string>();
  while (domains.size < DOMAINS) {
    const a = SYLLABLES[random() % SYLLABLES.length]!;
    const b = SYLLABLES[random() % SYLLABLES.length]!;
    const tld = TLDS[random() % TLDS.length]!;
    const n = random() % 1000;
    domains.add(`${a}${b}${n === 0 ? '' : `-${n}`}.${tld}`);
  }
  return [...domains];
}

/**
 * What a browser's navigations look like to the matcher: mostly shops that are
 * partners (the extension's own audience), their subdomains, and a good share
 * of the rest of the web, including look-alikes that must not match.
 */
function generateHosts(domains: readonly string[], random: () => number): { hosts: string[]; urls: string[] } {
  const hosts: string[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const domain = domains[random() % domains.length]!;
    const roll = random() % 100;
    if (roll < 35) hosts.push(domain);
    else if (roll < 60) hosts.push(`${SUBDOMAINS[random() % SUBDOMAINS.length]}.${domain}`);
    else if (roll < 65) hosts.push(`img.cdn.${SUBDOMAINS[random() % SUBDOMAINS.length]}.${domain}`);
    else if (roll < 85) hosts.push(NON_PARTNERS[random() % NON_PARTNERS.length]!);
    else if (roll < 92) hosts.push(`${domain}.evil-lookalike.com`);
    else hosts.push(`www.not-a-partner-${random() % 100_000}.de`);
  }
  return { hosts, urls: hosts.map((h, i) => `https://${h}/p/${i}?utm_source=mail`) };
}

/**
 * Heap retained by one copy of what `build` makes: several copies are kept
 * alive at once and the delta divided, so a stray collection of earlier
 * garbage cannot turn the figure negative.
 */
function heapPerCopy(build: () => unknown, copies = 4): number {
  const before = heapUsedAfterGc();
  const kept = Array.from({ length: copies }, build);
  const after = heapUsedAfterGc();
  return kept.length > 0 ? (after - before) / copies : 0;
}

/** ns per call of `lookup` over the hosts, per batch. */
function timeBatches(hosts: readonly string[], lookup: (host: string) => string | undefined): { perLookupNs: number[]; found: number } {
  const perLookupNs: number[] = [];
  let found = 0;
  let cursor = 0;
  for (let b = 0; b < WARMUP_BATCHES + BATCHES; b++) {
    const start = nowNs();
    for (let i = 0; i < BATCH; i++) {
      if (lookup(hosts[cursor]!) !== undefined) found++;
      cursor = cursor + 1 === hosts.length ? 0 : cursor + 1;
    }
    const elapsed = nowNs() - start;
    if (b >= WARMUP_BATCHES) perLookupNs.push(elapsed / BATCH);
  }
  return { perLookupNs, found };
}

export async function run(): Promise<Measured[]> {
  const random = sequence(7);
  const domains = generateDomains(random);
  const partners = domains.map((domain, i) => ({ id: `partner-${i}`, domains: [domain] }));
  const { hosts, urls } = generateHosts(domains, random);
  const gcAvailable = collectGarbage();

  const matcher = buildMatcher(partners);
  const bare = new Map<string, string>();
  for (const p of partners) bare.set(p.domains[0]!, p.id);
  const indexHeapBytes = heapPerCopy(() => buildMatcher(partners));
  const bareMapHeapBytes = heapPerCopy(() => {
    const map = new Map<string, string>();
    for (const p of partners) map.set(p.domains[0]!, p.id);
    return map;
  });

  // Ceiling first, then the matcher, then the ceiling again: the ceiling's
  // figure is the faster of its two runs, so a warm-up order effect cannot flatter the ratio.
  const ceilingA = timeBatches(hosts, (h) => bare.get(h));
  const matched = timeBatches(hosts, (h) => matcher.lookup(h));
  const ceilingB = timeBatches(hosts, (h) => bare.get(h));
  const withParse = timeBatches(urls, (u) => {
    const host = httpHost(u);
    return host === undefined ? undefined : matcher.lookup(host);
  });
  const ceiling = median(ceilingA.perLookupNs) <= median(ceilingB.perLookupNs) ? ceilingA : ceilingB;

  const hitRate = matched.found / ((WARMUP_BATCHES + BATCHES) * BATCH);
  return [
    result({
      name: 'match',
      figures: {
        domains: matcher.size,
        medianNs: median(matched.perLookupNs),
        p99Ns: percentile(matched.perLookupNs, 99),
        withUrlParseMedianNs: median(withParse.perLookupNs),
        heapBytes: indexHeapBytes,
        hitRatePercent: hitRate * 100,
      },
      ceiling: {
        name: 'bare Map.get(host)',
        figures: { medianNs: median(ceiling.perLookupNs), p99Ns: percentile(ceiling.perLookupNs, 99), heapBytes: bareMapHeapBytes },
      },
      compare: { figure: 'medianNs', ceilingFigure: 'medianNs', lowerIsBetter: true },
      budget: { text: 'one lookup ≤ 2 µs median (50,000 domains)', limit: 2000, direction: 'atMost', figure: 'medianNs' },
      notes: [
        `${HOSTS} hosts cycled: 35% partner apex, 25% www./shop./… subdomains, 5% deep subdomains, 20% other sites, 7% look-alikes (partner.tld.evil-lookalike.com), 8% unknown .de shops`,
        `timed in ${BATCHES} batches of ${BATCH} lookups after ${WARMUP_BATCHES} warm-up batches; median and p99 are over batch means, so they describe sustained cost, not one unlucky lookup`,
        'withUrlParseMedianNs adds httpHost(url) (WHATWG URL parsing), which the background does once per navigation before the lookup',
        gcAvailable
          ? 'heapBytes: heap used after a forced GC, after building minus before; the domain strings are shared with the catalogue, so this is the Map itself'
          : 'heapBytes unreliable: run without --expose-gc',
      ],
    }),
  ];
}
