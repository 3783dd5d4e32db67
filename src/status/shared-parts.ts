/**
 * Observed objects with their repeated parts kept once: every object a speaker writes carries the same
 * owner reference (its Pod) and most the same interface list, so an object whose parts equal the last
 * ones seen gets those (the same arrays) instead of copies of its own. 10,000 objects keep one.
 */
import { sameList } from './changes.ts';
import type { OwnerRef, StatusObject } from './types.ts';

function sameOwners(a: readonly OwnerRef[], b: readonly OwnerRef[]): boolean {
  return (
    a.length === b.length &&
    a.every((ref, i) => ref.kind === b[i]?.kind && ref.name === b[i]?.name && ref.uid === b[i]?.uid)
  );
}

export class SharedParts {
  private owners: readonly OwnerRef[] = [];
  private interfaces: readonly string[] = [];

  /** `object` with the parts last seen when it has equal ones (their values are unchanged). */
  share(object: StatusObject): StatusObject {
    const { name, uid, resourceVersion, labels, status } = object;
    if (!sameOwners(object.ownerReferences, this.owners)) this.owners = object.ownerReferences;
    const ownerReferences = this.owners;
    if (status?.interfaces === undefined)
      return status === undefined
        ? { name, uid, resourceVersion, labels, ownerReferences }
        : { name, uid, resourceVersion, labels, ownerReferences, status };
    if (!sameList(status.interfaces, this.interfaces)) this.interfaces = status.interfaces;
    const { node, serviceName, serviceNamespace } = status;
    const shared = { node, serviceName, serviceNamespace, interfaces: this.interfaces };
    return { name, uid, resourceVersion, labels, ownerReferences, status: shared };
  }
}
