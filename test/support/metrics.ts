/** Reads one series of a service graph's metrics, as a scrape would see it. */
import type { Metrics } from '../../src/platform/metrics.js';

/** The sum of the series `name` over the samples whose labels include `labels`; 0 when it has none. */
export async function metricValue(
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))
    .reduce((sum, v) => sum + v.value, 0);
}
