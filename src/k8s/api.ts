/**
 * The port to the API server that the informers use: paged lists and watches of plain JSON objects.
 * client.ts implements it over src/kubehttp; tests may implement it in memory.
 */

/** An API object as JSON, with the metadata the informers read. */
export interface RawObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly uid?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly [field: string]: unknown;
}

export interface ListPage {
  readonly items: readonly RawObject[];
  readonly resourceVersion: string;
  /** The continue token of the next page; undefined on the last page. */
  readonly continueToken: string | undefined;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  abort(): void;
}

export interface KubeApi {
  /** One page of a list: `query` carries limit, continue, labelSelector, fieldSelector. */
  list(path: string, query: Readonly<Record<string, string>>): Promise<ListPage>;
  /**
   * Watches `path` from query.resourceVersion. `onEvent` gets each event; `onDone` is called once, when
   * the stream ends (undefined: the server closed it, as it does at timeoutSeconds) or fails.
   */
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (type: WatchEventType, object: RawObject) => void,
    onDone: (err: Error | undefined) => void,
  ): Promise<WatchHandle>;
  /** One object, or undefined when it does not exist (404). */
  get(path: string): Promise<RawObject | undefined>;
}
