/**
 * The API's metrics in the Prometheus text exposition format (version 0.0.4).
 * A small writer of our own: counters and histograms with labels are all we
 * need, and prom-client would bring default process collectors and a global
 * registry we would have to keep out of tests.
 */

type Labels = Record<string, string>;

/** Request durations, in seconds (Prometheus's default buckets). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Detection to booking, in seconds: from an online sync (seconds) to an extension offline for a week. */
const LAG_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 21_600, 86_400, 604_800];

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
const renderLabels = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf');

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const slot = this.values.get(key) ?? { labels, value: 0 };
    slot.value += by;
    this.values.set(key, slot);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${renderLabels(labels)} ${num(value)}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    const s = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((le, i) => {
      if (value <= le) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
    this.series.set(key, s);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket${renderLabels({ ...s.labels, le: num(le) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${renderLabels({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${renderLabels(s.labels)} ${num(s.sum)}`);
      lines.push(`${this.name}_count${renderLabels(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** One process's metrics: the app records requests and ingest results, the scheduler its jobs. */
export class Metrics {
  readonly requests = new Counter('sammelpunkt_http_requests_total', 'HTTP requests by method, route pattern and status.');
  readonly requestDuration = new Histogram(
    'sammelpunkt_http_request_duration_seconds',
    'HTTP request duration by method and route pattern.',
    DURATION_BUCKETS,
  );
  readonly ingestResults = new Counter('sammelpunkt_ingest_results_total', 'Purchases sent by the extension, by result status.');
  readonly syncLag = new Histogram(
    'sammelpunkt_sync_lag_seconds',
    "Time from a purchase's detection in the browser to its booking on the server (accepted purchases).",
    LAG_BUCKETS,
  );
  readonly autoConfirmed = new Counter('sammelpunkt_auto_confirmed_total', 'Purchases confirmed by the scheduler once their hold period passed.');
  readonly readQueries = new Counter(
    'sammelpunkt_read_queries_total',
    'Queries of reads that a read replica may serve (DATABASE_READ_URL), by target (replica, primary) and reason (replica; down, lagging, own_write, failed_over: why the primary).',
  );
  readonly jobRuns = new Counter('sammelpunkt_job_runs_total', 'Scheduled job rounds by job and outcome (ran, skipped: another replica held the lease, failed).');

  recordRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.requestDuration.observe(seconds, { method, route });
  }

  recordIngest(results: readonly { status: string; purchase?: { detectedAt: string } }[], now: Date): void {
    for (const r of results) {
      this.ingestResults.inc({ status: r.status });
      if (r.status === 'accepted' && r.purchase) this.syncLag.observe(Math.max(0, (now.getTime() - Date.parse(r.purchase.detectedAt)) / 1000));
    }
  }

  render(): string {
    const all = [this.requests, this.requestDuration, this.ingestResults, this.syncLag, this.autoConfirmed, this.jobRuns, this.readQueries];
    return `${all.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
