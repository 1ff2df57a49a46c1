import { describe, expect, it } from 'vitest';
import { domainOf, EVENT_NAME, eventNames, pascalCase, propertyKey, SERVICE_NAME, serviceIdentifier, serviceNames, typeNames } from '../codegen/catalogue/naming.ts';

describe('naming', () => {
  it.each([
    ['plan.created', 'PlanCreated'],
    ['agent.heartbeat_missed', 'AgentHeartbeatMissed'],
    ['tool.approval_requested', 'ToolApprovalRequested'],
    ['plan.step.completed', 'PlanStepCompleted'],
    ['system.v2_started', 'SystemV2Started'],
  ])('%s → %s', (name, pascal) => {
    expect(pascalCase(name)).toBe(pascal);
  });

  it('derives every identifier of an event from one base name', () => {
    expect(eventNames('agent.heartbeat_missed')).toEqual({
      enumMember: 'AgentHeartbeatMissed',
      payloadInterface: 'AgentHeartbeatMissedPayload',
      payloadSchema: 'AgentHeartbeatMissedPayloadSchema',
      payloadRedactor: 'AgentHeartbeatMissedPayloadRedactor',
      payloadGuard: 'isAgentHeartbeatMissedPayload',
      emitHelper: 'emitAgentHeartbeatMissed',
      redactedPayload: 'AgentHeartbeatMissedRedactedPayload',
    });
    expect(typeNames('ErrorInfo')).toEqual({ typeInterface: 'ErrorInfo', typeSchema: 'ErrorInfoSchema', typeRedactor: 'ErrorInfoRedactor', typeGuard: 'isErrorInfo', typeRedaction: 'ErrorInfoRedaction' });
  });

  it('names a service contract after the service, without saying Service twice', () => {
    expect(serviceIdentifier('plan-lifecycle')).toBe('planLifecycle');
    expect(serviceNames('plan-lifecycle').contract).toBe('planLifecycleService');
    expect(serviceNames('decision_service').contract).toBe('decisionService');
    for (const good of ['notifier', 'plan-lifecycle', 'audit_projection', 'v2-gateway']) expect(SERVICE_NAME.test(good), good).toBe(true);
    for (const bad of ['Notifier', 'plan--lifecycle', '-x', 'x-', '1st', 'plan.lifecycle']) expect(SERVICE_NAME.test(bad), bad).toBe(false);
  });

  it('accepts two or three lower snake case segments only', () => {
    for (const good of ['plan.created', 'plan.step.done', 'a1.b_2']) expect(EVENT_NAME.test(good), good).toBe(true);
    for (const bad of ['plan', 'Plan.created', 'plan.created.now.x', 'plan..created', 'plan.-x', 'plan.x_', '1plan.x', 'plan.x__y'])
      expect(EVENT_NAME.test(bad), bad).toBe(false);
  });

  it('finds the domain in the first segment', () => {
    expect(domainOf('plan.step.completed')).toBe('plan');
  });

  it('quotes property keys that are not identifiers', () => {
    expect(propertyKey('planId')).toBe('planId');
    expect(propertyKey('content-type')).toBe('"content-type"');
    expect(propertyKey('1st')).toBe('"1st"');
  });
});
