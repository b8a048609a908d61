/**
 * OpenTelemetry: a Client given tracer and meter providers records a span per Helix call (status, wait) and metrics
 * of Helix calls, cached reads (hits, misses), event receive lag and coverage gaps, as in-memory exporters see them.
 */
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { emulatorClient, until } from './support.js';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 13 });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

async function metrics(
  reader: TestReader,
): Promise<Map<string, { value: unknown; attributes: Record<string, unknown> }[]>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, { value: unknown; attributes: Record<string, unknown> }[]>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const m of scope.metrics) {
      out.set(
        m.descriptor.name,
        m.dataPoints.map((p) => ({ value: p.value, attributes: p.attributes as Record<string, unknown> })),
      );
    }
  }
  return out;
}

it('records Helix spans and metrics of Helix, the cache and EventSub', async () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  client = emulatorClient(mock, { logLevel: 'silent', telemetry: { tracerProvider, meterProvider } });
  const me = mock.users[0]!;
  const titles: string[] = [];
  client.on('channel.update', (e) => titles.push(e.title));
  await client.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });
  await client.channels.get(me.id);
  await client.channels.get(me.id);
  mock.external.updateChannel(me.id, { title: 'traced' });
  await until(() => titles.includes('traced'));

  const users = spans.getFinishedSpans().find((s) => s.name === 'helix GET /users');
  expect(users?.attributes['http.response.status_code']).toBe(200);
  expect(typeof users?.attributes['twitchify.helix.wait_ms']).toBe('number');
  expect(spans.getFinishedSpans().some((s) => s.name === 'helix GET /channels')).toBe(true);

  const m = await metrics(reader);
  expect(m.get('twitchify.helix.calls')?.some((p) => p.attributes['url.path'] === '/channels')).toBe(true);
  const reads = m.get('twitchify.cache.reads') ?? [];
  const hits = reads.find((p) => p.attributes.outcome === 'hit' && p.attributes.tier === 'memory');
  expect(hits?.value).toBeGreaterThanOrEqual(1);
  expect(reads.some((p) => p.attributes.outcome === 'miss')).toBe(true);
  const lag = m.get('twitchify.eventsub.receive_lag') ?? [];
  expect(lag.some((p) => p.attributes.type === 'channel.update')).toBe(true);

  mock.eventsub.dropSocket();
  for (;;) {
    const gaps = (await metrics(reader)).get('twitchify.eventsub.coverage_gaps') ?? [];
    if (gaps.some((p) => Number(p.value) >= 1)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

it('with telemetry: false the Client runs without OpenTelemetry', async () => {
  client = emulatorClient(mock, { logLevel: 'silent', telemetry: false });
  await client.run({ accessToken: mock.createUserToken({ userId: mock.users[0]!.id }).accessToken });
  expect(client.status).toBe('running');
});
