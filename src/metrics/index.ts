// The operators' metrics (issue 15, docs/metrics.md): the only prom-client user. One registry
// per app; the counts come from the owning folders' queries at each scrape.
export { createMetrics, type Metrics, type MetricsDeps, type ObservedRequest } from './create-metrics.js'
