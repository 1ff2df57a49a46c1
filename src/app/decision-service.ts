/**
 * Decisions put to a person or an agent: requested → recorded → approved | rejected, and
 * superseded by a newer decision at any point before that. Each step emits its catalogue event,
 * chained like a plan's; an invalid step throws and emits nothing.
 */
import type { EventEmitterLike, EventMeta } from 'eventspec';
import { createIdGenerator, type IdGenerator } from 'eventspec';
import {
  emitDecisionApproved,
  emitDecisionRecorded,
  emitDecisionRejected,
  emitDecisionRequested,
  emitDecisionSuperseded,
  type Actor,
  type DecisionRequestedPayload,
  type PayloadMap,
} from '../../generated/index.ts';
import { chainAfter, InvalidTransitionError, takeStep, type Announce } from './transition.ts';

export type DecisionStatus = 'requested' | 'recorded' | 'approved' | 'rejected' | 'superseded';

export interface Decision {
  readonly id: string;
  readonly question: string;
  readonly status: DecisionStatus;
  readonly options: readonly string[];
  readonly choice?: string;
}

interface DecisionRecord extends Decision {
  readonly chain: EventMeta;
}

export class UnknownDecisionError extends Error {
  override readonly name = 'UnknownDecisionError';
}

export interface DecisionServiceDependencies {
  readonly bus?: EventEmitterLike<PayloadMap>;
  readonly ids?: IdGenerator;
}

export type NewDecision = Omit<DecisionRequestedPayload, 'decisionId'>;

export interface RecordedChoice {
  readonly choice: string;
  readonly decidedBy: Actor;
  readonly rationale?: string;
  readonly confidence?: number;
}

export class DecisionService {
  readonly #bus: EventEmitterLike<PayloadMap> | undefined;
  readonly #ids: IdGenerator;
  readonly #decisions = new Map<string, DecisionRecord>();

  constructor(dependencies: DecisionServiceDependencies = {}) {
    this.#bus = dependencies.bus;
    this.#ids = dependencies.ids ?? createIdGenerator();
  }

  get(decisionId: string): Decision {
    const { chain: _chain, ...decision } = this.#record(decisionId);
    return decision;
  }

  request(input: NewDecision, meta?: EventMeta): Decision {
    const decisionId = this.#ids();
    const event = this.#bus === undefined ? undefined : emitDecisionRequested(this.#bus, { decisionId, ...input }, meta);
    this.#decisions.set(decisionId, {
      id: decisionId,
      question: input.question,
      status: 'requested',
      options: input.options.map((option) => option.id),
      chain: chainAfter(event),
    });
    return this.get(decisionId);
  }

  record(decisionId: string, recorded: RecordedChoice): Decision {
    const decision = this.#record(decisionId);
    if (decision.status === 'requested' && !decision.options.includes(recorded.choice)) {
      throw new InvalidTransitionError(`cannot record ${JSON.stringify(recorded.choice)} for decision ${decisionId}: the options are ${decision.options.join(', ')}`);
    }
    return this.#step(decisionId, 'record', ['requested'], 'recorded', (bus, meta) =>
      emitDecisionRecorded(bus, { decisionId, ...recorded }, meta), { choice: recorded.choice });
  }

  approve(decisionId: string, approvedBy: Actor, comment?: string): Decision {
    return this.#step(decisionId, 'approve', ['recorded'], 'approved', (bus, meta) =>
      emitDecisionApproved(bus, { decisionId, approvedBy, ...(comment === undefined ? {} : { comment }) }, meta));
  }

  reject(decisionId: string, rejectedBy: Actor, reason: string): Decision {
    return this.#step(decisionId, 'reject', ['recorded'], 'rejected', (bus, meta) => emitDecisionRejected(bus, { decisionId, rejectedBy, reason }, meta));
  }

  supersede(decisionId: string, supersededBy: string, reason?: string): Decision {
    if (!this.#decisions.has(supersededBy)) throw new UnknownDecisionError(`no decision ${supersededBy} to supersede ${decisionId} with`);
    return this.#step(decisionId, 'supersede', ['requested', 'recorded', 'rejected'], 'superseded', (bus, meta) =>
      emitDecisionSuperseded(bus, { decisionId, supersededBy, ...(reason === undefined ? {} : { reason }) }, meta));
  }

  #record(decisionId: string): DecisionRecord {
    const decision = this.#decisions.get(decisionId);
    if (decision === undefined) throw new UnknownDecisionError(`no decision ${decisionId}`);
    return decision;
  }

  #step(
    decisionId: string,
    action: string,
    from: readonly DecisionStatus[],
    to: DecisionStatus,
    announce: Announce,
    changes: Partial<Decision> = {},
  ): Decision {
    const decision = this.#record(decisionId);
    const chain = takeStep(`decision ${decisionId}`, decision, action, from, this.#bus, announce);
    this.#decisions.set(decisionId, { ...decision, ...changes, status: to, chain });
    return this.get(decisionId);
  }
}
