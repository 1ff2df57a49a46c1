/**
 * The application's wiring, in one place: one bus for the whole process, with the audit trail
 * and the logger, and one store whose units of work the services change state and emit in.
 * No global: whoever calls this owns the result.
 */
import { JsonlAuditSink, LoggingEventBus, type AuditSink, type BaseEventBus, type Durability, type Logger } from 'eventspec';
import { ReactiveEventBus } from 'eventspec/reactive';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { DecisionService } from './decision-service.ts';
import { PlanLifecycleService } from './plan-lifecycle.ts';
import { MemoryStore, type Store } from './store.ts';
import { upcaster } from './upcasters.ts';

export interface ApplicationOptions {
  /** The JSON-lines audit file (the embedded default trail). */
  readonly auditPath: string;
  readonly durability?: Durability;
  readonly logger?: Logger;
  /** `reactive` (rxjs, the default) or `logging` (a log line per event, no rxjs). */
  readonly bus?: 'reactive' | 'logging';
}

export interface Application {
  /** Emits, subscribes, and ingests events from elsewhere (upcast when an earlier deployment wrote them). */
  readonly bus: BaseEventBus<PayloadMap>;
  readonly audit: AuditSink;
  readonly plans: PlanLifecycleService;
  readonly decisions: DecisionService;
  /** Flushes and closes the audit trail. */
  close(): Promise<void>;
}

/** The services over one store. */
export function services(store: Store): { readonly plans: PlanLifecycleService; readonly decisions: DecisionService } {
  return { plans: new PlanLifecycleService({ store }), decisions: new DecisionService({ store }) };
}

/**
 * The application on the JSON-lines audit trail: state in this process, each unit of work's
 * events audited and dispatched once it succeeded (an `AuditRelay` carries the trail to NATS).
 */
export function createApplication(options: ApplicationOptions): Application {
  const audit = new JsonlAuditSink(options.auditPath, { durability: options.durability ?? 'sync' });
  const busOptions = { registry: eventRegistry, audit, upcaster, ...(options.logger === undefined ? {} : { logger: options.logger }) };
  const bus = options.bus === 'logging' ? new LoggingEventBus(busOptions) : new ReactiveEventBus(busOptions);
  return {
    bus,
    audit,
    ...services(new MemoryStore({ bus })),
    close: async () => {
      if (bus instanceof ReactiveEventBus) bus.close();
      await audit.close();
    },
  };
}
