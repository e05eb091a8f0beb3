/**
 * Our metric names, in one place: dashboards and alerts depend on them. They are served by the
 * SDK's Prometheus exporter next to its own `temporal_*` metrics (one scrape target per worker).
 */
export const METRIC = {
  /** Counter {endpoint, outcome}: one per GraphClient call (a call that follows cursors counts once). */
  graphCalls: 'fb_graph_calls_total',
  /** Counter {endpoint}: calls Meta throttled (also counted in graphCalls with outcome="throttled"). */
  graphThrottled: 'fb_graph_throttled_total',
  /** Histogram {endpoint}, seconds: how long a GraphClient call took, every page and failure included. */
  graphCallDuration: 'fb_graph_call_duration_seconds',
  /** Gauge, percent: the highest usage Meta reported in its last usage headers; it throttles above 100. */
  graphUsagePercent: 'fb_graph_usage_percent',
  /** Gauge {phase}: running order workflows per phase, from a visibility count (cluster-wide). */
  ordersRunning: 'fb_orders_running',
  /** Gauge: running order workflows flagged FbNeedsAttention (cluster-wide). */
  ordersNeedingAttention: 'fb_orders_needing_attention',
  /** Counter {query}: visibility count queries that failed (the gauges then keep their last value). */
  orderCountErrors: 'fb_order_count_errors_total',
  /** Gauge: 1 when an order poller runs and no intake workflow is paused, else 0 (cluster-wide). */
  intakeHealthy: 'fb_intake_healthy',
  /** Gauge: running order pollers and ack batchers flagged FbNeedsAttention (cluster-wide). */
  intakeNeedingAttention: 'fb_intake_needing_attention',
  /** Gauge: running order pollers (cluster-wide). */
  intakePollersRunning: 'fb_intake_pollers_running',
  /** Gauge {cms_id}, unix seconds: when a poll last succeeded in this worker process. */
  intakeLastPollSuccess: 'fb_intake_last_poll_success_timestamp_seconds',
  /** Counter: closed order workflows started again because Meta reported a later change (a late refund or return). */
  ordersReopened: 'fb_orders_reopened_total',
} as const;

/** Bucket bounds (seconds) for graphCallDuration: Meta answers in 0.1-2 s; timeouts end at META_TIMEOUT_MS. */
export const GRAPH_DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60];
