/**
 * Prometheus metrics on `/metrics`: HTTP and GraphQL operation latency, errors by code, projection lag, event store
 * append latency and overdue important pushes. One registry per server, so tests and several servers in one process do not collide.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { transientRetries } from '../../domain/shared/command-handler.js';
import type { PushReadModel } from '../../projections/push/push-read-model.js';
import type { Runner } from '../../projections/runner/runner.js';

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  // Labels are bounded: `operation` is a registered operation name, `anonymous` or `other`, `root_field` a field of
  // the schema or `several`, so no client can add series by inventing names.
  readonly operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency, by registered operation name (else other), root field and type',
    labelNames: ['operation', 'root_field', 'type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by extensions.code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  // By site only: key ids are the first half of a credential and would make the scrape a list of them (the log names
  // the key of every request).
  readonly apiKeyRequests = new Counter({
    name: 'api_key_requests_total',
    help: 'Requests made with an API key, by the site the key belongs to',
    labelNames: ['site'],
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: 'event_store_append_duration_seconds',
    help: 'Event store append latency, acknowledged (durable) appends',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });

  private readonly runners: Runner[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const runners = this.runners;
    new Gauge({
      name: 'projection_lag_positions',
      help: 'Log head position minus the projection checkpoint',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        for (const runner of runners) this.set({ projection: runner.projection.name }, await runner.lag());
      },
    });
    new Gauge({
      name: 'projection_transient_retries',
      help: 'Transient errors (a busy or unreachable store) a projection met and waited out since the process started',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const runner of runners)
          this.set({ projection: runner.projection.name }, runner.status().transientRetries);
      },
    });
    new Gauge({
      name: 'command_transient_retries',
      help: 'Transient errors (a busy or unreachable store) commands met and waited out since the process started',
      registers: [this.registry],
      collect() {
        this.set(transientRetries.count);
      },
    });
    new Gauge({
      name: 'projection_live',
      help: '1 when the projection follows the log live, 0 while catching up, failed or stopped',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const runner of runners)
          this.set({ projection: runner.projection.name }, runner.status().state === 'live' ? 1 : 0);
      },
    });
  }

  watchProjections(runners: Runner[]): void {
    this.runners.push(...runners);
  }

  /** R-PUSH-3: important pushes still open past their 12-hour deadline, for alerting, as of `clock`. */
  watchPushes(pushes: PushReadModel, clock: () => Date): void {
    new Gauge({
      name: 'push_overdue_deliveries',
      help: 'Important pushes still open at a receiving site after their 12-hour deadline (R-PUSH-3)',
      registers: [this.registry],
      collect() {
        this.set(pushes.all(clock(), { overdueOnly: true, first: 1 }).total);
      },
    });
  }
}
