/** A MetricMeter that remembers every observation, for asserting what was recorded. */
import type {
  MetricCounter,
  MetricGauge,
  MetricHistogram,
  MetricMeter,
  MetricTags,
  NumericMetricValueType,
} from '@temporalio/common';

export interface Observation {
  name: string;
  kind: 'counter' | 'gauge' | 'histogram';
  value: number;
  tags: MetricTags;
}

export class RecordingMeter implements MetricMeter {
  readonly observations: Observation[] = [];

  constructor(private readonly baseTags: MetricTags = {}) {}

  createCounter(name: string, unit?: string, description?: string): MetricCounter {
    const counter: MetricCounter = {
      name,
      unit,
      description,
      kind: 'counter',
      valueType: 'int',
      add: (value, tags) => this.observe(name, 'counter', value, tags),
      withTags: () => counter,
    };
    return counter;
  }

  createHistogram(
    name: string,
    valueType: NumericMetricValueType = 'int',
    unit?: string,
    description?: string,
  ): MetricHistogram {
    const histogram: MetricHistogram = {
      name,
      unit,
      description,
      kind: 'histogram',
      valueType,
      record: (value, tags) => this.observe(name, 'histogram', value, tags),
      withTags: () => histogram,
    };
    return histogram;
  }

  createGauge(
    name: string,
    valueType: NumericMetricValueType = 'int',
    unit?: string,
    description?: string,
  ): MetricGauge {
    const gauge: MetricGauge = {
      name,
      unit,
      description,
      kind: 'gauge',
      valueType,
      set: (value, tags) => this.observe(name, 'gauge', value, tags),
      withTags: () => gauge,
    };
    return gauge;
  }

  withTags(tags: MetricTags): MetricMeter {
    return new RecordingMeter({ ...this.baseTags, ...tags });
  }

  /** Sum of a counter's increments whose tags include `tags`. */
  total(name: string, tags: MetricTags = {}): number {
    return this.matching(name, tags).reduce((sum, o) => sum + o.value, 0);
  }

  /** The last value set on a gauge with exactly these tags (undefined when never set). */
  last(name: string, tags: MetricTags = {}): number | undefined {
    const found = this.observations.filter((o) => o.name === name && JSON.stringify(o.tags) === JSON.stringify(tags));
    return found.at(-1)?.value;
  }

  matching(name: string, tags: MetricTags = {}): Observation[] {
    return this.observations.filter((o) => o.name === name && Object.entries(tags).every(([k, v]) => o.tags[k] === v));
  }

  private observe(name: string, kind: Observation['kind'], value: number, tags: MetricTags = {}): void {
    this.observations.push({ name, kind, value, tags: { ...this.baseTags, ...tags } });
  }
}
