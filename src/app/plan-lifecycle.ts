/**
 * The plan state machine: created → approved → running ⇄ paused → completed | failed | cancelled.
 * Each transition is one unit of work of the store: the plan's new state and its catalogue event
 * are kept together or not at all (an invalid step throws and changes nothing). A plan's events
 * form one chain: the correlation id of its `plan.created`, each caused by the one before.
 */
import type { EventMeta } from 'eventspec';
import { createIdGenerator, serviceEmitter, type EventEmitterLike, type IdGenerator, type ProducedBy, type ServiceEmitter } from 'eventspec';
import {
  emitPlanApproved,
  emitPlanCancelled,
  emitPlanCompleted,
  emitPlanCreated,
  emitPlanFailed,
  emitPlanPaused,
  emitPlanResumed,
  emitPlanStarted,
  type Actor,
  type ErrorInfo,
  type PlanCreatedPayload,
  services,
  type PayloadMap,
} from '../../generated/index.ts';
import type { PlanRecord, Store, UnitOfWork } from './store.ts';
import { chainAfter, takeStep, type Announce } from './transition.ts';

/** The events this service may emit: what the catalogue's `services.planLifecycle` produces. */
type Produced = ProducedBy<typeof services.planLifecycle>;

/** A unit of work's emitter, as this service may use it (an event it does not produce throws). */
function scoped(events: EventEmitterLike<PayloadMap> | undefined): ServiceEmitter<PayloadMap, Produced> | undefined {
  return events === undefined ? undefined : serviceEmitter(events, services.planLifecycle);
}

export { InvalidTransitionError } from './transition.ts';

export type PlanStatus = PlanRecord['status'];

export interface Plan {
  readonly id: string;
  readonly title: string;
  readonly status: PlanStatus;
  readonly stepCount: number;
}

export class UnknownPlanError extends Error {
  override readonly name = 'UnknownPlanError';
}

export interface PlanLifecycleDependencies {
  /** Where plans are kept and their events announced (`MemoryStore`, `PostgresStore`). */
  readonly store: Store;
  readonly ids?: IdGenerator;
  readonly now?: () => number;
}

export type NewPlan = Omit<PlanCreatedPayload, 'planId'>;

function view(plan: PlanRecord): Plan {
  return { id: plan.id, title: plan.title, status: plan.status, stepCount: plan.stepCount };
}

export class PlanLifecycleService {
  readonly #store: Store;
  readonly #ids: IdGenerator;
  readonly #now: () => number;

  constructor(dependencies: PlanLifecycleDependencies) {
    this.#store = dependencies.store;
    this.#now = dependencies.now ?? Date.now;
    this.#ids = dependencies.ids ?? createIdGenerator(this.#now);
  }

  async get(planId: string): Promise<Plan> {
    return this.#store.run(async (unit) => view(await this.#record(unit, planId)));
  }

  /** Meta that places a new event in this plan's chain, caused by the plan's last event. */
  async chain(planId: string): Promise<EventMeta> {
    return this.#store.run(async (unit) => (await this.#record(unit, planId)).chain);
  }

  async create(input: NewPlan): Promise<Plan> {
    return this.#store.run(async (unit) => {
      const planId = this.#ids();
      const event = unit.events === undefined ? undefined : emitPlanCreated(serviceEmitter(unit.events, services.planLifecycle), { planId, ...input });
      const plan: PlanRecord = { id: planId, title: input.title, status: 'created', stepCount: input.steps.length, createdAt: this.#now(), chain: chainAfter(event) };
      await unit.plans.put(plan);
      return view(plan);
    });
  }

  approve(planId: string, approvedBy: Actor, comment?: string): Promise<Plan> {
    return this.#transition(planId, 'approve', ['created'], 'approved', (events, meta) =>
      emitPlanApproved(events, { planId, approvedBy, ...(comment === undefined ? {} : { comment }) }, meta));
  }

  start(planId: string, executor: Actor): Promise<Plan> {
    return this.#transition(planId, 'start', ['approved'], 'running', (events, meta) =>
      emitPlanStarted(events, { planId, executor, startedAt: new Date(this.#now()).toISOString() }, meta));
  }

  pause(planId: string, pausedBy: Actor, reason: string): Promise<Plan> {
    return this.#transition(planId, 'pause', ['running'], 'paused', (events, meta) => emitPlanPaused(events, { planId, pausedBy, reason }, meta), () => ({ pausedAt: this.#now() }));
  }

  resume(planId: string, resumedBy: Actor): Promise<Plan> {
    return this.#transition(planId, 'resume', ['paused'], 'running', (events, meta, plan) =>
      emitPlanResumed(events, { planId, resumedBy, pausedForMs: Math.max(0, this.#now() - (plan.pausedAt ?? this.#now())) }, meta));
  }

  complete(planId: string, summary?: string): Promise<Plan> {
    return this.#transition(planId, 'complete', ['running'], 'completed', (events, meta, plan) =>
      emitPlanCompleted(events, {
        planId,
        completedAt: new Date(this.#now()).toISOString(),
        durationMs: Math.max(0, this.#now() - plan.createdAt),
        stepsCompleted: plan.stepCount,
        ...(summary === undefined ? {} : { summary }),
      }, meta));
  }

  fail(planId: string, error: ErrorInfo, failedStep?: number): Promise<Plan> {
    return this.#transition(planId, 'fail', ['running', 'paused'], 'failed', (events, meta) =>
      emitPlanFailed(events, { planId, error, ...(failedStep === undefined ? {} : { failedStep }) }, meta));
  }

  cancel(planId: string, cancelledBy: Actor, reason?: string): Promise<Plan> {
    return this.#transition(planId, 'cancel', ['created', 'approved', 'running', 'paused'], 'cancelled', (events, meta) =>
      emitPlanCancelled(events, { planId, cancelledBy, ...(reason === undefined ? {} : { reason }) }, meta));
  }

  async #record(unit: UnitOfWork, planId: string): Promise<PlanRecord> {
    const plan = await unit.plans.get(planId);
    if (plan === undefined) throw new UnknownPlanError(`no plan ${planId}`);
    return plan;
  }

  /** In one unit of work: checks the transition, emits (which may throw), and changes the state. */
  #transition(
    planId: string,
    action: string,
    from: readonly PlanStatus[],
    to: PlanStatus,
    announce: (events: ServiceEmitter<PayloadMap, Produced>, meta: EventMeta, plan: PlanRecord) => ReturnType<Announce<ServiceEmitter<PayloadMap, Produced>>>,
    changes: () => Partial<PlanRecord> = () => ({}),
  ): Promise<Plan> {
    return this.#store.run(async (unit) => {
      const plan = await this.#record(unit, planId);
      const chain = takeStep(`plan ${planId}`, plan, action, from, scoped(unit.events), (events, meta) => announce(events, meta, plan));
      const next: PlanRecord = { ...plan, ...changes(), status: to, chain };
      await unit.plans.put(next);
      return view(next);
    });
  }
}
