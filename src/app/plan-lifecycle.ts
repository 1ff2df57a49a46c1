/**
 * The plan state machine: created → approved → running ⇄ paused → completed | failed | cancelled.
 * Each transition emits its catalogue event; an invalid one throws and emits nothing. A plan's
 * events form one chain: the correlation id of its `plan.created`, each caused by the one before.
 */
import type { EventEmitterLike, EventMeta } from 'eventspec';
import { createIdGenerator, type IdGenerator } from 'eventspec';
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
  type PayloadMap,
  type PlanCreatedPayload,
} from '../../generated/index.ts';
import { chainAfter, takeStep, type Announce } from './transition.ts';

export { InvalidTransitionError } from './transition.ts';

export type PlanStatus = 'created' | 'approved' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface Plan {
  readonly id: string;
  readonly title: string;
  readonly status: PlanStatus;
  readonly stepCount: number;
}

export class UnknownPlanError extends Error {
  override readonly name = 'UnknownPlanError';
}

interface PlanRecord extends Plan {
  readonly createdAt: number;
  readonly pausedAt?: number;
  /** The next event's place in the chain: the plan's correlation id, caused by its last event. */
  readonly chain: EventMeta;
}

export interface PlanLifecycleDependencies {
  /** Where transitions are announced; without one, nothing is emitted and nothing is built for it. */
  readonly bus?: EventEmitterLike<PayloadMap>;
  readonly ids?: IdGenerator;
  readonly now?: () => number;
}

export type NewPlan = Omit<PlanCreatedPayload, 'planId'>;

export class PlanLifecycleService {
  readonly #bus: EventEmitterLike<PayloadMap> | undefined;
  readonly #ids: IdGenerator;
  readonly #now: () => number;
  readonly #plans = new Map<string, PlanRecord>();

  constructor(dependencies: PlanLifecycleDependencies = {}) {
    this.#bus = dependencies.bus;
    this.#now = dependencies.now ?? Date.now;
    this.#ids = dependencies.ids ?? createIdGenerator(this.#now);
  }

  get(planId: string): Plan {
    const plan = this.#plans.get(planId);
    if (plan === undefined) throw new UnknownPlanError(`no plan ${planId}`);
    return { id: plan.id, title: plan.title, status: plan.status, stepCount: plan.stepCount };
  }

  /** Meta that places a new event in this plan's chain, caused by the plan's last event. */
  chain(planId: string): EventMeta {
    return this.#record(planId).chain;
  }

  create(input: NewPlan): Plan {
    const planId = this.#ids();
    const event = this.#bus === undefined ? undefined : emitPlanCreated(this.#bus, { planId, ...input });
    const chain = chainAfter(event);
    const plan: PlanRecord = { id: planId, title: input.title, status: 'created', stepCount: input.steps.length, createdAt: this.#now(), chain };
    this.#plans.set(planId, plan);
    return this.get(planId);
  }

  approve(planId: string, approvedBy: Actor, comment?: string): Plan {
    return this.#transition(planId, 'approve', ['created'], 'approved', (bus, meta) =>
      emitPlanApproved(bus, { planId, approvedBy, ...(comment === undefined ? {} : { comment }) }, meta));
  }

  start(planId: string, executor: Actor): Plan {
    return this.#transition(planId, 'start', ['approved'], 'running', (bus, meta) =>
      emitPlanStarted(bus, { planId, executor, startedAt: new Date(this.#now()).toISOString() }, meta));
  }

  pause(planId: string, pausedBy: Actor, reason: string): Plan {
    const plan = this.#transition(planId, 'pause', ['running'], 'paused', (bus, meta) => emitPlanPaused(bus, { planId, pausedBy, reason }, meta));
    this.#update(planId, { pausedAt: this.#now() });
    return plan;
  }

  resume(planId: string, resumedBy: Actor): Plan {
    const pausedAt = this.#record(planId).pausedAt ?? this.#now();
    return this.#transition(planId, 'resume', ['paused'], 'running', (bus, meta) =>
      emitPlanResumed(bus, { planId, resumedBy, pausedForMs: Math.max(0, this.#now() - pausedAt) }, meta));
  }

  complete(planId: string, summary?: string): Plan {
    const plan = this.#record(planId);
    return this.#transition(planId, 'complete', ['running'], 'completed', (bus, meta) =>
      emitPlanCompleted(bus, {
        planId,
        completedAt: new Date(this.#now()).toISOString(),
        durationMs: Math.max(0, this.#now() - plan.createdAt),
        stepsCompleted: plan.stepCount,
        ...(summary === undefined ? {} : { summary }),
      }, meta));
  }

  fail(planId: string, error: ErrorInfo, failedStep?: number): Plan {
    return this.#transition(planId, 'fail', ['running', 'paused'], 'failed', (bus, meta) =>
      emitPlanFailed(bus, { planId, error, ...(failedStep === undefined ? {} : { failedStep }) }, meta));
  }

  cancel(planId: string, cancelledBy: Actor, reason?: string): Plan {
    return this.#transition(planId, 'cancel', ['created', 'approved', 'running', 'paused'], 'cancelled', (bus, meta) =>
      emitPlanCancelled(bus, { planId, cancelledBy, ...(reason === undefined ? {} : { reason }) }, meta));
  }

  #record(planId: string): PlanRecord {
    const plan = this.#plans.get(planId);
    if (plan === undefined) throw new UnknownPlanError(`no plan ${planId}`);
    return plan;
  }

  #update(planId: string, changes: Partial<PlanRecord>): void {
    this.#plans.set(planId, { ...this.#record(planId), ...changes });
  }

  /** Checks the transition, emits (which may throw), and only then changes the state. */
  #transition(
    planId: string,
    action: string,
    from: readonly PlanStatus[],
    to: PlanStatus,
    announce: Announce,
  ): Plan {
    const chain = takeStep(`plan ${planId}`, this.#record(planId), action, from, this.#bus, announce);
    this.#update(planId, { status: to, chain });
    return this.get(planId);
  }
}
