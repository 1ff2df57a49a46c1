/**
 * The rules of the `services:` section: every event and domain a service names exists, each
 * consumed event has a producer (and only one, when the catalogue says so), and each version a
 * consumer accepts is one the event is at or still keeps.
 */
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { closest } from '../../catalogue/suggest.ts';
import { domainOf, MAX_NAME_LENGTH, SERVICE_NAME } from '../../catalogue/naming.ts';
import type { CatalogueDocument, ConsumedEventDocument } from '../../catalogue/types.ts';

/** A reference in a service's list: the events it stands for, where it is, and the versions it accepts. */
export interface ServiceReference {
  readonly events: readonly string[];
  readonly path: DocPath;
  readonly versions?: readonly number[];
  /** Named through its domain (`plan.*`), not one by one. */
  readonly wildcard: boolean;
}

/** `domain.*` stands for every event of the domain. */
export function domainWildcard(entry: string): string | undefined {
  return entry.endsWith('.*') ? entry.slice(0, -2) : undefined;
}

function entryName(entry: ConsumedEventDocument): string {
  return typeof entry === 'string' ? entry : entry.event;
}

/**
 * The events each entry of a list stands for, with a finding for each entry that names nothing
 * the catalogue declares. `eventsOfDomain` lists a domain's events in catalogue order.
 */
export function resolveReferences(
  entries: readonly ConsumedEventDocument[],
  path: DocPath,
  document: CatalogueDocument,
  eventsOfDomain: ReadonlyMap<string, readonly string[]>,
  findings: Finding[],
): ServiceReference[] {
  const events = Object.keys(document.events);
  const candidates = [...events, ...Object.keys(document.domains).map((domain) => `${domain}.*`)];
  return entries.flatMap((entry, index): ServiceReference[] => {
    const name = entryName(entry);
    const at = typeof entry === 'string' ? [...path, index] : [...path, index, 'event'];
    const versions = typeof entry === 'string' ? undefined : entry.versions;
    const domain = domainWildcard(name);
    if (domain !== undefined && typeof entry !== 'string') {
      findings.push({ code: 'undeclared-event', path: at, message: `\`${name}\` names a domain: versions are accepted per event`, hint: `name one event of \`${domain}\`, or write \`${name}\` as a plain entry` });
      return [];
    }
    if (domain !== undefined && Object.hasOwn(document.domains, domain)) return [{ events: eventsOfDomain.get(domain) ?? [], path: at, wildcard: true }];
    if (domain === undefined && Object.hasOwn(document.events, name)) return [{ events: [name], path: at, wildcard: false, ...(versions === undefined ? {} : { versions }) }];
    const near = closest(name, candidates);
    findings.push({
      code: 'undeclared-event',
      path: at,
      message: domain === undefined ? `\`${name}\` is not an event of this catalogue` : `\`${domain}\` is not a domain of this catalogue`,
      hint: near === undefined ? 'name an event declared under `events:`, or `domain.*` for every event of a domain' : `did you mean \`${near}\`?`,
    });
    return [];
  });
}

/** An event named twice in one list (directly, or through its domain) is a slip worth a word. */
function duplicates(references: readonly ServiceReference[], service: string, verb: string, findings: Finding[]): void {
  const seen = new Map<string, DocPath>();
  for (const reference of references) {
    for (const event of reference.events) {
      const first = seen.get(event);
      if (first === undefined) {
        seen.set(event, reference.path);
        continue;
      }
      findings.push({ code: 'duplicate-reference', path: reference.path, message: `service \`${service}\` ${verb} \`${event}\` twice (also at ${first.join('.')})`, hint: 'name each event once' });
    }
  }
}

function versionFindings(reference: ServiceReference, document: CatalogueDocument, service: string, findings: Finding[]): void {
  const event = reference.events[0];
  if (event === undefined || reference.versions === undefined) return;
  const definition = document.events[event];
  const current = definition?.version ?? 1;
  const kept = (definition?.previous ?? []).map((entry) => entry.version);
  const known = [...kept, current];
  reference.versions.forEach((version, index) => {
    if (known.includes(version)) return;
    findings.push({
      code: 'unknown-version',
      path: [...reference.path.slice(0, -1), 'versions', index],
      message: `service \`${service}\` accepts version ${version} of \`${event}\`, which the catalogue ${version > current ? `has not reached (it is at version ${current})` : 'no longer keeps'}`,
      hint: `\`${event}\` is at version ${current}${kept.length === 0 ? '' : `, and keeps ${kept.join(', ')}`}: list the versions its code reads among these`,
    });
  });
}

/** What validate learns from the section: each service's references, for the rules across services. */
export function checkServices(document: CatalogueDocument): Finding[] {
  const services = document.services ?? {};
  const findings: Finding[] = [];
  const eventsOfDomain = new Map<string, string[]>();
  for (const event of Object.keys(document.events)) {
    const domain = domainOf(event);
    const list = eventsOfDomain.get(domain);
    if (list === undefined) eventsOfDomain.set(domain, [event]);
    else list.push(event);
  }
  const producers = new Map<string, { service: string; path: DocPath }[]>();
  const consumed: { service: string; event: string; path: DocPath }[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (name.length > MAX_NAME_LENGTH) {
      findings.push({ code: 'invalid-name', path: ['services', name], atKey: true, message: `service name ${JSON.stringify(name.slice(0, 40))}… is ${name.length} characters long, more than ${MAX_NAME_LENGTH}`, hint: 'shorten it: it names a durable NATS consumer and a generated file' });
      continue;
    }
    if (!SERVICE_NAME.test(name)) {
      findings.push({ code: 'invalid-name', path: ['services', name], atKey: true, message: `service name ${JSON.stringify(name)} is not lower case words joined by \`-\` or \`_\``, hint: 'use letters, digits, `-` and `_`, starting with a letter: `plan-lifecycle`, `notifier`' });
      continue;
    }
    const produced = resolveReferences(service.produces ?? [], ['services', name, 'produces'], document, eventsOfDomain, findings);
    const consumes = resolveReferences(service.consumes ?? [], ['services', name, 'consumes'], document, eventsOfDomain, findings);
    duplicates(produced, name, 'produces', findings);
    duplicates(consumes, name, 'consumes', findings);
    const claimed = new Set<string>();
    for (const reference of produced) {
      for (const event of reference.events) {
        if (claimed.has(event)) continue;
        claimed.add(event);
        const list = producers.get(event) ?? [];
        list.push({ service: name, path: reference.path });
        producers.set(event, list);
      }
    }
    for (const reference of consumes) {
      versionFindings(reference, document, name, findings);
      // A domain consumed whole may hold an event nobody produces yet: that event's own warning says so.
      if (!reference.wildcard) for (const event of reference.events) consumed.push({ service: name, event, path: reference.path });
    }
  }
  if (Object.keys(services).length === 0) return findings;
  for (const event of Object.keys(document.events)) {
    const list = producers.get(event) ?? [];
    if (list.length === 0) {
      findings.push({ code: 'unproduced-event', path: ['events', event], atKey: true, message: `no service produces \`${event}\``, hint: 'list it under a service\'s `produces:` (an external system can be declared as a service too), or remove the event' });
    } else if (list.length > 1 && document.defaults?.singleProducer === true) {
      for (const extra of list.slice(1)) {
        findings.push({ code: 'multiple-producers', path: extra.path, message: `\`${event}\` is produced by \`${list[0]?.service ?? ''}\` and by \`${extra.service}\`, but the catalogue says each event has one producer (\`defaults.singleProducer\`)`, hint: `leave it to one of them, or set \`singleProducer: false\`` });
      }
    }
  }
  const reported = new Set<string>();
  for (const { service, event, path } of consumed) {
    if (producers.has(event) || reported.has(`${service} ${event}`)) continue;
    reported.add(`${service} ${event}`);
    findings.push({ code: 'consumed-unproduced', path, message: `service \`${service}\` consumes \`${event}\`, which no service produces`, hint: `add \`${event}\` to the \`produces:\` of the service that emits it (declare an external producer as a service)` });
  }
  return findings;
}
