/**
 * One node's metrics when it runs several serving processes (S2S_WORKERS). They share one port, so a scrape reaches
 * whichever process the kernel picks; that process asks the first process, which gathers every serving process's
 * figures and its own (housekeeping's purges, the job queue) and adds them up with prom-client's aggregation:
 * counters and histograms are summed, the queue's gauges taken once. Every scrape thus sees the whole node, however
 * it is routed, and a restarted process's counters start again from zero, as Prometheus's rate() expects.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Metrics } from './metrics.js';

const ASK_NODE = 's2s:metrics:node';
const ASK_PROCESS = 's2s:metrics:process';
const ANSWER = 's2s:metrics:answer';
/** How long the gathering waits for each process: a process that does not answer fails the scrape, not the node. */
export const GATHER_TIMEOUT_MS = 3000;

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
interface Message {
  event?: string;
  id?: number;
  text?: string;
  json?: MetricsJson;
  error?: string;
}

let nextId = 0;
const pending = new Map<number, { resolve: (message: Message) => void; timer: NodeJS.Timeout }>();

function awaitAnswer(id: number, send: () => void): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`no metrics within ${GATHER_TIMEOUT_MS} ms`));
    }, GATHER_TIMEOUT_MS);
    pending.set(id, { resolve, timer });
    send();
  });
}

function settle(message: Message): void {
  const waiting = message.id === undefined ? undefined : pending.get(message.id);
  if (!waiting) return;
  clearTimeout(waiting.timer);
  pending.delete(message.id!);
  waiting.resolve(message);
}

/**
 * What GET /metrics answers in this process: its own metrics when it serves alone, the node's when it is one of
 * several serving processes.
 */
export function metricsOfNode(metrics: Metrics): () => Promise<string> {
  if (!cluster.isWorker) return () => metrics.text();
  process.on('message', (message: Message) => {
    if (message?.event === ANSWER) return settle(message);
    if (message?.event !== ASK_PROCESS) return;
    void metrics.registry.getMetricsAsJSON().then(
      (json) => process.send?.({ event: ANSWER, id: message.id, json }),
      (error: unknown) => process.send?.({ event: ANSWER, id: message.id, error: String(error) }),
    );
  });
  return async () => {
    const id = nextId++;
    const answer = await awaitAnswer(id, () => process.send?.({ event: ASK_NODE, id }));
    if (answer.text === undefined) throw new Error(answer.error ?? 'the first process sent no metrics');
    return answer.text;
  };
}

/** The first process's side: answers a serving process's request with the node's metrics. */
export function gatherNodeMetrics(metrics: Metrics): void {
  cluster.on('message', (worker, message: Message) => {
    if (message?.event === ANSWER) return settle(message);
    if (message?.event !== ASK_NODE) return;
    const reply = (answer: Omit<Message, 'event' | 'id'>) =>
      worker.isConnected() && worker.send({ event: ANSWER, id: message.id, ...answer });
    nodeText(metrics).then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

async function nodeText(metrics: Metrics): Promise<string> {
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
  const gathered = await Promise.all([
    metrics.registry.getMetricsAsJSON(),
    ...workers.map(async (worker) => {
      const id = nextId++;
      const answer = await awaitAnswer(id, () => worker!.send({ event: ASK_PROCESS, id }));
      if (!answer.json) throw new Error(answer.error ?? 'a serving process sent no metrics');
      return answer.json;
    }),
  ]);
  return AggregatorRegistry.aggregate(gathered).metrics();
}
