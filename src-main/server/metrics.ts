// Prometheus metrics, one registry per appliance instance (tests run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/types';

const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface Metrics {
  registry: Registry;
  events: Counter<'dialect' | 'outcome'>;
  text(): Promise<string>;
}

export function createMetrics(store: Store, opts: { defaultMetrics?: boolean; storeWritable?: () => boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) {
    collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
    // prom-client names these gauges `_total`, a counter's suffix (promtool check metrics refuses
    // them); the same figures remain, by type, in their siblings without the suffix.
    for (const name of GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(`switchyard_${name}`);
  }
  const events = new Counter({
    name: 'switchyard_events_total',
    help: 'Events received, by dialect and outcome (accepted, duplicate, rejected, overloaded, failed)',
    labelNames: ['dialect', 'outcome'] as const,
    registers: [registry],
  });
  const fsync = new Histogram({
    name: 'switchyard_store_fsync_seconds',
    help: 'Duration of each group-commit fsync of the event store',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  store.onFsync((s) => fsync.observe(s));
  new Gauge({
    name: 'switchyard_store_queue_depth',
    help: 'Records waiting for the next group commit',
    registers: [registry],
    collect() {
      this.set(store.stats().queue_depth);
    },
  });
  new Gauge({
    name: 'switchyard_store_events',
    help: 'Events held in the store',
    registers: [registry],
    collect() {
      this.set(store.stats().events);
    },
  });
  new Gauge({
    name: 'switchyard_store_bytes',
    help: 'Bytes of event segments on disk',
    registers: [registry],
    collect() {
      this.set(store.stats().bytes);
    },
  });
  if (opts.storeWritable) {
    const writable = opts.storeWritable;
    new Gauge({
      name: 'switchyard_store_writable',
      help: '1 while the store can write, 0 while writes fail (disk full, data directory not writable)',
      registers: [registry],
      collect() {
        this.set(writable() ? 1 : 0);
      },
    });
  }
  return { registry, events, text: () => registry.metrics() };
}
