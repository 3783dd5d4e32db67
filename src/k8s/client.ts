/**
 * The KubeApi over the API client's connection pool (src/kubehttp): objects stay plain JSON (no typed
 * deserialisation), and lists and watches are streamed the way the informers need.
 */
import { createInterface } from 'node:readline';
import { answerError, jsonOf, KubeApiError, type KubeHttp } from '../kubehttp/index.ts';
import type { KubeApi, ListPage, RawObject, WatchEventType, WatchHandle } from './api.ts';
import { loopTurns, type TurnQueue } from './turns.ts';

export interface KubeApiOptions {
  /** Per-request timeout of lists and gets, ms (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** Where a list page waits for a turn of its own to be parsed (default: the process's queue). */
  readonly turns?: TurnQueue;
}

function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? path : `${path}?${search}`;
}

/** A KubeApi over `http`'s connection pool. */
export function kubeApi(http: KubeHttp, options: KubeApiOptions = {}): KubeApi {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const turns = options.turns ?? loopTurns;

  return {
    async list(path, query): Promise<ListPage> {
      const target = withQuery(path, query);
      const answer = await http.send({ method: 'GET', path: target, timeoutMs });
      // A page of 100 Services is ~130 kB: its parse gets a turn of the event loop to itself.
      await turns.next();
      const body = jsonOf('GET', target, answer) as {
        items?: RawObject[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      const token = body.metadata?.continue;
      return {
        items: body.items ?? [],
        resourceVersion: body.metadata?.resourceVersion ?? '',
        continueToken: token === undefined || token === '' ? undefined : token,
      };
    },

    async get(path) {
      const answer = await http.send({ method: 'GET', path, timeoutMs });
      if (answer.status === 404) return undefined;
      return jsonOf('GET', path, answer) as RawObject;
    },

    watch(path, query, onEvent, onDone): Promise<WatchHandle> {
      let finished = false;
      const finish = (err: Error | undefined): void => {
        if (finished) return;
        finished = true;
        onDone(err);
      };
      const target = withQuery(path, { ...query, watch: 'true' });
      // The server ends the watch at timeoutSeconds; silence well past it means the connection is dead.
      const idleMs = (Number(query['timeoutSeconds'] ?? 300) + 30) * 1000;
      const destroy = http.stream(
        target,
        (res) => {
          res.setTimeout(idleMs, () => {
            res.destroy();
            finish(new KubeApiError('WATCH', path, res.statusCode, `no data for ${idleMs} ms`));
          });
          if (res.statusCode !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              finish(
                answerError('WATCH', path, {
                  status: res.statusCode ?? 0,
                  text: Buffer.concat(chunks).toString('utf8'),
                  retryAfter: undefined,
                }),
              ),
            );
            return;
          }
          const lines = createInterface({ input: res, crlfDelay: Infinity });
          lines.on('line', (line) => {
            if (finished || line === '') return;
            let event: { type: WatchEventType; object: RawObject };
            try {
              event = JSON.parse(line) as { type: WatchEventType; object: RawObject };
            } catch (err) {
              res.destroy();
              finish(new KubeApiError('WATCH', path, 200, `invalid event: ${(err as Error).message}`));
              return;
            }
            onEvent(event.type, event.object);
          });
          const failed = (err: Error): void => finish(new KubeApiError('WATCH', path, 200, err.message));
          res.on('error', failed);
          lines.on('error', failed);
          res.on('close', () => finish(undefined));
        },
        (err) => finish(new KubeApiError('WATCH', path, undefined, err.message)),
      );
      return Promise.resolve({
        abort(): void {
          finished = true;
          destroy();
        },
      });
    },
  };
}
