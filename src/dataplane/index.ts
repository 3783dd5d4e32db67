/**
 * The data plane: which interfaces answer for which addresses, the native responders that answer, and the
 * announcements sent when this node gains an address. `decideFrame` is the TypeScript reference of the
 * verdict the native fast path makes (docs/verdict.md).
 *
 * @example
 *   const dataplane = new Dataplane({ native, readInterfaces, clock: systemClock, logger });
 *   dataplane.apply([{ ip: '192.0.2.10', interfaces: undefined, service: 'default/web' }]);
 *   dataplane.announceCounters(); // { queued, framesSent, retries, framesDropped }: paced at announceRate
 *   dataplane.close();
 */
export {
  Dataplane,
  DEFAULT_ANNOUNCE_RATE,
  DEFAULT_DATAPLANE_OPTIONS,
  type DataplaneOptions,
} from './dataplane.ts';
export { AnnouncementPacer, type PacerCounters, type PacerOptions, type PacerPort } from './pacer.ts';
export { type DesiredAddress, type Binding } from './bindings.ts';
export {
  InterfaceSelector,
  readInterfaces,
  selectInterfaces,
  DEFAULT_EXCLUDED_PREFIXES,
  type InterfaceState,
} from './interfaces.ts';
export {
  systemClock,
  type Clock,
  type DataplaneComponents,
  type Logger,
  type NativePort,
  type Timer,
} from './ports.ts';
export { decideFrame } from './verdict.ts';
