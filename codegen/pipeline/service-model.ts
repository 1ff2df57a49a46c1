/** Stage 3, services: who produces and who consumes each event, with every `domain.*` spelled out. */
import type { CatalogueDocument, ConsumedEventDocument } from '../catalogue/types.ts';
import { domainOf, serviceIdentifier, serviceNames, type ServiceNames } from '../catalogue/naming.ts';
import { domainWildcard } from './validate/services.ts';

export interface ConsumedEventModel {
  readonly event: string;
  /** The versions its deployed code reads; absent: whatever version the catalogue is at. */
  readonly versions?: readonly number[];
}

export interface ServiceModel {
  readonly name: string;
  /** Its key in the generated `services`: `planLifecycle`. */
  readonly identifier: string;
  readonly names: ServiceNames;
  readonly description: string;
  readonly owner: string;
  /** Events it emits, in catalogue order. */
  readonly produces: readonly string[];
  /** Events its handlers receive, in catalogue order. */
  readonly consumes: readonly ConsumedEventModel[];
  readonly readsSensitive: boolean;
}

/** The services of a validated catalogue, in declaration order; `events` is the catalogue's event order. */
export function buildServices(document: CatalogueDocument, events: readonly string[]): ServiceModel[] {
  const order = new Map(events.map((event, index) => [event, index]));
  const expand = (entry: ConsumedEventDocument): ConsumedEventModel[] => {
    const name = typeof entry === 'string' ? entry : entry.event;
    const domain = domainWildcard(name);
    if (domain !== undefined) return events.filter((event) => domainOf(event) === domain).map((event) => ({ event }));
    return [{ event: name, ...(typeof entry !== 'string' && entry.versions !== undefined ? { versions: [...entry.versions].sort((a, b) => a - b) } : {}) }];
  };
  const inOrder = (list: readonly ConsumedEventModel[]): ConsumedEventModel[] => {
    const seen = new Map<string, ConsumedEventModel>();
    // Named twice (directly and through its domain): the entry with versions says more.
    for (const each of list) if (!seen.has(each.event) || each.versions !== undefined) seen.set(each.event, each);
    return [...seen.values()].sort((a, b) => (order.get(a.event) ?? 0) - (order.get(b.event) ?? 0));
  };
  return Object.entries(document.services ?? {}).map(([name, service]) => ({
    name,
    identifier: serviceIdentifier(name),
    names: serviceNames(name),
    description: service.description,
    owner: service.owner,
    produces: inOrder((service.produces ?? []).flatMap(expand)).map((each) => each.event),
    consumes: inOrder((service.consumes ?? []).flatMap(expand)),
    readsSensitive: service.readsSensitive === true,
  }));
}
