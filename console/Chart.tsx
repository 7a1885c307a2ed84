/**
 * A small bar chart in SVG, one bar per day or week. Drawn by hand rather
 * than with a charting library: a KPI's trend needs a few rectangles, and
 * the console's policy allows no inline styles or scripts that some
 * libraries inject. The numbers themselves are in the bars' titles and in
 * the chart's label, so a screen reader gets them too.
 */
export function Bars(props: { values: readonly number[]; labels: readonly string[]; label: string; format: (n: number) => string }) {
  const { values, labels, label, format } = props;
  const width = 160;
  const height = 40;
  const max = Math.max(1, ...values.map(Math.abs));
  const step = width / Math.max(1, values.length);
  const gap = step > 3 ? 1 : 0;
  const first = values[0];
  const last = values.at(-1);
  const summary = first === undefined || last === undefined ? label : `${label}: ${labels[0]} ${format(first)} … ${labels.at(-1)} ${format(last)}`;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={summary} preserveAspectRatio="none">
      {values.map((v, i) => {
        const h = Math.max(v === 0 ? 0 : 1, (Math.abs(v) / max) * (height - 2));
        return (
          <rect key={labels[i]} class={v < 0 ? 'negative' : undefined} x={i * step} y={height - h} width={Math.max(0.5, step - gap)} height={h}>
            <title>{`${labels[i]}: ${format(v)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
