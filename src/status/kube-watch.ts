/**
 * The ServiceL2Status objects of one namespace, listed (paged) then watched from the list's version: a
 * watch the server ends is resumed from the last version seen, an expired version (410) lists again and
 * delivers a fresh onSync, and any other failure goes to onError (the publisher's WatchKeeper restarts).
 */
import { KubeApiError } from '../kubehttp/index.ts';
import { listPages, type KubeApi, type RawObject, type WatchHandle } from '../k8s/index.ts';
import { toStatusApiError } from './errors.ts';
import { fromRaw, type RawStatusObject } from './raw.ts';
import type { StatusObject, StatusWatch, WatchHandlers } from './types.ts';

const PAGE_SIZE = 500;
/** A watch that the server ends sooner than this counts as failed. */
const MIN_WATCH_MS = 1_000;

export interface StatusWatchTarget {
  readonly path: string;
  readonly labelSelector: string;
  /** Server-side watch timeout, s: the watch is resumed when it ends. */
  readonly timeoutSeconds: number;
}

export function statusWatch(
  api: KubeApi,
  target: StatusWatchTarget,
  handlers: WatchHandlers,
  now: () => number = Date.now,
): StatusWatch {
  const { path, labelSelector } = target;
  // Bumped by start and stop: callbacks of an older list or watch are ignored.
  let generation = 0;
  let handle: WatchHandle | undefined;

  async function listAll(): Promise<{ objects: StatusObject[]; resourceVersion: string }> {
    const objects: StatusObject[] = [];
    const resourceVersion = await listPages(api, path, { labelSelector }, PAGE_SIZE, (items) => {
      for (const raw of items) objects.push(fromRaw(raw as RawStatusObject));
    });
    return { objects, resourceVersion };
  }

  function failed(err: unknown, own: number): void {
    if (own === generation) handlers.onError(toStatusApiError(err, 'watch', ''));
  }

  function relist(own: number): void {
    listAll().then(
      ({ objects, resourceVersion }) => {
        if (own !== generation) return;
        handlers.onSync(objects);
        watchFrom(resourceVersion, own);
      },
      (err: unknown) => failed(err, own),
    );
  }

  function watchFrom(from: string, own: number): void {
    let resourceVersion = from;
    const query = {
      labelSelector,
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(target.timeoutSeconds),
    };
    const onEvent = (type: string, raw: RawObject): void => {
      if (own !== generation) return;
      if (type === 'ERROR') {
        const code = typeof raw['code'] === 'number' ? raw['code'] : undefined;
        handle?.abort();
        if (code === 410) relist(own);
        else failed(new KubeApiError('WATCH', path, code, String(raw['message'] ?? 'error event')), own);
        return;
      }
      resourceVersion = raw.metadata?.resourceVersion ?? resourceVersion;
      if (type === 'ADDED' || type === 'MODIFIED') handlers.onUpsert(fromRaw(raw as RawStatusObject));
      else if (type === 'DELETED') handlers.onDelete(fromRaw(raw as RawStatusObject));
    };
    const openedAt = now();
    const onDone = (err: Error | undefined): void => {
      if (own !== generation) return;
      // A server (or proxy) that ends every watch at once must not be asked again in a tight loop.
      if (err === undefined && now() - openedAt < MIN_WATCH_MS)
        failed(new KubeApiError('WATCH', path, 200, `ended after less than ${MIN_WATCH_MS} ms`), own);
      else if (err === undefined) watchFrom(resourceVersion, own);
      else if (err instanceof KubeApiError && err.expired) relist(own);
      else failed(err, own);
    };
    api.watch(path, query, onEvent, onDone).then(
      (opened) => {
        if (own === generation) handle = opened;
        else opened.abort();
      },
      (err: unknown) => failed(err, own),
    );
  }

  return {
    async start() {
      const own = ++generation;
      handle?.abort();
      let listed: { objects: StatusObject[]; resourceVersion: string };
      try {
        listed = await listAll();
      } catch (err) {
        throw toStatusApiError(err, 'list', '');
      }
      if (own !== generation) return;
      handlers.onSync(listed.objects);
      watchFrom(listed.resourceVersion, own);
    },
    stop() {
      generation++;
      handle?.abort();
      handle = undefined;
      return Promise.resolve();
    },
  };
}
