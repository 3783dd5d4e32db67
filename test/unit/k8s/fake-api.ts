/** An API server in memory for the list-and-watch tests: pages of a list, and watches the test drives. */
import type { KubeApi, RawObject, WatchEventType } from '../../../src/k8s/index.ts';

export type Listener = (type: WatchEventType, object: RawObject) => void;

export interface FakeWatch {
  readonly query: Record<string, string>;
  readonly emit: Listener;
  readonly done: (err?: Error) => void;
  aborted: boolean;
}

export class FakeApi implements KubeApi {
  objects: RawObject[] = [];
  resourceVersion = '10';
  listFailures: Error[] = [];
  /** While set, lists wait for it. */
  listGate: Promise<void> | undefined;
  readonly lists: Record<string, string>[] = [];
  readonly watches: FakeWatch[] = [];

  async list(_path: string, query: Readonly<Record<string, string>>) {
    this.lists.push({ ...query });
    await this.listGate;
    const failure = this.listFailures.shift();
    if (failure !== undefined) throw failure;
    const start = Number(query['continue'] ?? 0);
    const end = start + Number(query['limit']);
    return {
      items: this.objects.slice(start, end),
      resourceVersion: this.resourceVersion,
      continueToken: end < this.objects.length ? String(end) : undefined,
    };
  }

  async watch(
    _path: string,
    query: Readonly<Record<string, string>>,
    onEvent: Listener,
    onDone: (err: Error | undefined) => void,
  ) {
    const entry: FakeWatch = {
      query: { ...query },
      emit: onEvent,
      done: (err) => onDone(err),
      aborted: false,
    };
    this.watches.push(entry);
    return { abort: () => (entry.aborted = true) };
  }

  async get() {
    return undefined;
  }
}
