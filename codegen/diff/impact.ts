/**
 * Whom a change breaks, by the catalogue's `services:`: the consumers of an event with a breaking
 * change (and which of them already read the new version), the consumers an event had before it
 * was removed, and the dependants a removed service leaves without a producer.
 */
import type { DocPath } from '../catalogue/diagnostics.ts';
import type { CatalogueModel } from '../pipeline/model.ts';
import type { ServiceModel } from '../pipeline/service-model.ts';
import type { DiffReport } from './diff.ts';

export interface ConsumerVerdict {
  readonly service: string;
  readonly reason: string;
}

export interface ConsumerImpact {
  readonly kind: 'breaking-change' | 'event-removed' | 'service-removed';
  /** The event; for a removed service, the event it alone produced. */
  readonly event: string;
  /** The removed service. */
  readonly service?: string;
  /** Consumers the change breaks (or leaves without a producer). */
  readonly breaks: readonly ConsumerVerdict[];
  /** Consumers that already read the new version. */
  readonly ready: readonly ConsumerVerdict[];
  /** Where to point in the new catalogue. */
  readonly path: DocPath;
  /** A removed service that others depend on: diff fails. */
  readonly fails: boolean;
}

function consumersOf(services: readonly ServiceModel[], event: string): { service: ServiceModel; versions?: readonly number[] }[] {
  return services.flatMap((service) => {
    const entry = service.consumes.find((each) => each.event === event);
    return entry === undefined ? [] : [{ service, ...(entry.versions === undefined ? {} : { versions: entry.versions }) }];
  });
}

function versionList(versions: readonly number[]): string {
  return versions.length === 1 ? `version ${versions[0] ?? ''}` : `versions ${versions.join(', ')}`;
}

export function consumerImpact(report: DiffReport, before: CatalogueModel, after: CatalogueModel): ConsumerImpact[] {
  const impact: ConsumerImpact[] = [];
  const newEvents = new Set(after.events.map((event) => event.name));
  for (const verdict of report.events) {
    if (verdict.breaking.length === 0) continue;
    if (!newEvents.has(verdict.event)) {
      const consumers = consumersOf(before.services, verdict.event);
      if (consumers.length > 0) {
        impact.push({ kind: 'event-removed', event: verdict.event, breaks: consumers.map(({ service }) => ({ service: service.name, reason: 'consumed it: its code must no longer need it before the producers stop' })), ready: [], path: ['events'], fails: false });
      }
      continue;
    }
    const bumped = verdict.newVersion !== undefined && verdict.oldVersion !== undefined && verdict.newVersion > verdict.oldVersion;
    const breaks: ConsumerVerdict[] = [];
    const ready: ConsumerVerdict[] = [];
    for (const { service, versions } of consumersOf(after.services, verdict.event)) {
      if (!bumped) breaks.push({ service: service.name, reason: 'the shape changed without a version bump' });
      else if (versions === undefined) breaks.push({ service: service.name, reason: `declares no versions: deploy it with code generated from this catalogue before the producers emit version ${verdict.newVersion ?? ''}` });
      else if (versions.includes(verdict.newVersion ?? 0)) ready.push({ service: service.name, reason: `reads ${versionList(versions)}` });
      else breaks.push({ service: service.name, reason: `reads ${versionList(versions)} only` });
    }
    if (breaks.length > 0 || ready.length > 0) impact.push({ kind: 'breaking-change', event: verdict.event, breaks, ready, path: ['events', verdict.event], fails: false });
  }
  const remaining = new Set(after.services.map((service) => service.name));
  const producedNow = new Set(after.services.flatMap((service) => service.produces));
  for (const service of before.services) {
    if (remaining.has(service.name)) continue;
    for (const event of service.produces) {
      if (producedNow.has(event) || !newEvents.has(event)) continue;
      const dependants = consumersOf(after.services, event);
      if (dependants.length === 0) continue;
      impact.push({
        kind: 'service-removed',
        event,
        service: service.name,
        breaks: dependants.map(({ service: dependant }) => ({ service: dependant.name, reason: `consumes ${event}, which only ${service.name} produced` })),
        ready: [],
        path: ['services'],
        fails: true,
      });
    }
  }
  return impact;
}

/** One line per impact, for people. */
export function impactLines(impact: readonly ConsumerImpact[], report: DiffReport): string[] {
  if (impact.length === 0) return [];
  const list = (verdicts: readonly ConsumerVerdict[]): string => verdicts.map((each) => `${each.service} (${each.reason})`).join(', ');
  return ['', 'Consumers affected:', ...impact.map((each) => {
    if (each.kind === 'service-removed') return `  service ${each.service ?? ''} removed, but ${each.event} has no other producer: breaks ${list(each.breaks)}. Keep the service, or move ${each.event} to another service's produces:`;
    if (each.kind === 'event-removed') return `  ${each.event} removed: ${list(each.breaks)}`;
    const verdict = report.events.find((entry) => entry.event === each.event);
    const step = verdict?.oldVersion !== undefined && verdict.newVersion !== undefined && verdict.newVersion !== verdict.oldVersion ? `version ${verdict.oldVersion} → ${verdict.newVersion}` : `still version ${verdict?.newVersion ?? ''}`;
    return `  ${each.event} (breaking, ${step}):${each.breaks.length === 0 ? '' : ` breaks ${list(each.breaks)}`}${each.ready.length === 0 ? '' : `${each.breaks.length === 0 ? '' : ';'} ready: ${list(each.ready)}`}`;
  })];
}
