/**
 * Decisions put to a person or an agent: requested → recorded → approved | rejected, and
 * superseded by a newer decision at any point before that. Each step is one unit of work of the
 * store, its state and its catalogue event kept together, chained like a plan's; an invalid step
 * throws and changes nothing.
 */
import type { EventMeta } from 'eventspec';
import { createIdGenerator, serviceEmitter, type EventEmitterLike, type IdGenerator, type ProducedBy, type ServiceEmitter } from 'eventspec';
import {
  emitDecisionApproved,
  emitDecisionRecorded,
  emitDecisionRejected,
  emitDecisionRequested,
  emitDecisionSuperseded,
  type Actor,
  type DecisionRequestedPayload,
  services,
  type PayloadMap,
} from '../../generated/index.ts';
import type { DecisionRecord, Store, UnitOfWork } from './store.ts';
import { chainAfter, InvalidTransitionError, takeStep, type Announce } from './transition.ts';

/** The events this service may emit: what the catalogue's `services.decisionService` produces. */
type Produced = ProducedBy<typeof services.decisionService>;

/** A unit of work's emitter, as this service may use it (an event it does not produce throws). */
function scoped(events: EventEmitterLike<PayloadMap> | undefined): ServiceEmitter<PayloadMap, Produced> | undefined {
  return events === undefined ? undefined : serviceEmitter(events, services.decisionService);
}

export type DecisionStatus = DecisionRecord['status'];

export interface Decision {
  readonly id: string;
  readonly question: string;
  readonly status: DecisionStatus;
  readonly options: readonly string[];
  readonly choice?: string;
}

export class UnknownDecisionError extends Error {
  override readonly name = 'UnknownDecisionError';
}

export interface DecisionServiceDependencies {
  readonly store: Store;
  readonly ids?: IdGenerator;
}

export type NewDecision = Omit<DecisionRequestedPayload, 'decisionId'>;

export interface RecordedChoice {
  readonly choice: string;
  readonly decidedBy: Actor;
  readonly rationale?: string;
  readonly confidence?: number;
}

function view({ chain: _chain, ...decision }: DecisionRecord): Decision {
  return decision;
}

export class DecisionService {
  readonly #store: Store;
  readonly #ids: IdGenerator;

  constructor(dependencies: DecisionServiceDependencies) {
    this.#store = dependencies.store;
    this.#ids = dependencies.ids ?? createIdGenerator();
  }

  async get(decisionId: string): Promise<Decision> {
    return this.#store.run(async (unit) => view(await this.#record(unit, decisionId)));
  }

  async request(input: NewDecision, meta?: EventMeta): Promise<Decision> {
    return this.#store.run(async (unit) => {
      const decisionId = this.#ids();
      const event = unit.events === undefined ? undefined : emitDecisionRequested(serviceEmitter(unit.events, services.decisionService), { decisionId, ...input }, meta);
      const decision: DecisionRecord = { id: decisionId, question: input.question, status: 'requested', options: input.options.map((option) => option.id), chain: chainAfter(event) };
      await unit.decisions.put(decision);
      return view(decision);
    });
  }

  record(decisionId: string, recorded: RecordedChoice): Promise<Decision> {
    return this.#step(decisionId, 'record', ['requested'], 'recorded', (events, meta) => emitDecisionRecorded(events, { decisionId, ...recorded }, meta), (decision) => {
      if (!decision.options.includes(recorded.choice)) {
        throw new InvalidTransitionError(`cannot record ${JSON.stringify(recorded.choice)} for decision ${decisionId}: the options are ${decision.options.join(', ')}`);
      }
      return { choice: recorded.choice };
    });
  }

  approve(decisionId: string, approvedBy: Actor, comment?: string): Promise<Decision> {
    return this.#step(decisionId, 'approve', ['recorded'], 'approved', (events, meta) =>
      emitDecisionApproved(events, { decisionId, approvedBy, ...(comment === undefined ? {} : { comment }) }, meta));
  }

  reject(decisionId: string, rejectedBy: Actor, reason: string): Promise<Decision> {
    return this.#step(decisionId, 'reject', ['recorded'], 'rejected', (events, meta) => emitDecisionRejected(events, { decisionId, rejectedBy, reason }, meta));
  }

  supersede(decisionId: string, supersededBy: string, reason?: string): Promise<Decision> {
    return this.#step(decisionId, 'supersede', ['requested', 'recorded', 'rejected'], 'superseded', (events, meta) =>
      emitDecisionSuperseded(events, { decisionId, supersededBy, ...(reason === undefined ? {} : { reason }) }, meta), async (_decision, unit) => {
      if ((await unit.decisions.get(supersededBy)) === undefined) throw new UnknownDecisionError(`no decision ${supersededBy} to supersede ${decisionId} with`);
      return {};
    });
  }

  async #record(unit: UnitOfWork, decisionId: string): Promise<DecisionRecord> {
    const decision = await unit.decisions.get(decisionId);
    if (decision === undefined) throw new UnknownDecisionError(`no decision ${decisionId}`);
    return decision;
  }

  /** In one unit of work: `check` (which may refuse, and gives the other changes), the transition, its event, the new state. */
  #step(
    decisionId: string,
    action: string,
    from: readonly DecisionStatus[],
    to: DecisionStatus,
    announce: Announce<ServiceEmitter<PayloadMap, Produced>>,
    check: (decision: DecisionRecord, unit: UnitOfWork) => Partial<DecisionRecord> | Promise<Partial<DecisionRecord>> = () => ({}),
  ): Promise<Decision> {
    return this.#store.run(async (unit) => {
      const decision = await this.#record(unit, decisionId);
      const changes = from.includes(decision.status) ? await check(decision, unit) : {};
      const chain = takeStep(`decision ${decisionId}`, decision, action, from, scoped(unit.events), announce);
      const next: DecisionRecord = { ...decision, ...changes, status: to, chain };
      await unit.decisions.put(next);
      return view(next);
    });
  }
}
