/**
 * Stage 4, redacted types: the payload as a service without access to sensitive values receives
 * it. Each plan the redactor follows is written once more as a type (`RedactionShape`), which the
 * runtime's `Redacted<T, Shape>` reads: the two come from one plan, so they cannot disagree.
 */
import { propertyKey } from '../../catalogue/naming.ts';
import type { EventModel, RedactionPlan, TypeModel } from '../model.ts';
import { jsDoc, RUNTIME } from './code-text.ts';

/** A plan as a `RedactionShape` type literal, on one line. */
export function redactionShape(plan: RedactionPlan): string {
  switch (plan.kind) {
    case 'conceal':
      return 'true';
    case 'type':
      return plan.names.typeRedaction;
    case 'each':
      return `{ each: [${plan.plans.map(redactionShape).join(', ')}] }`;
    case 'items': {
      const parts = [
        ...(plan.prefix.some((each) => each !== null) ? [`prefix: { ${plan.prefix.flatMap((each, index) => (each === null ? [] : [`"${index}": ${redactionShape(each)}`])).join('; ')} }`] : []),
        ...(plan.plan === undefined ? [] : [`items: ${redactionShape(plan.plan)}`]),
      ];
      return `{ ${parts.join('; ')} }`;
    }
    case 'properties': {
      const patterns = plan.rest?.patterns ?? [];
      const parts = [
        ...(plan.properties.length === 0 ? [] : [`properties: { ${plan.properties.map((property) => `${propertyKey(property.name)}: ${redactionShape(property.plan)}`).join('; ')} }`]),
        ...(plan.rest?.plan === undefined ? [] : [`rest: ${redactionShape(plan.rest.plan)}`]),
        ...(patterns.length === 0 ? [] : [`patterns: ${[...new Set(patterns.map((each) => (each.plan === null ? 'false' : redactionShape(each.plan))))].join(' | ')}`]),
      ];
      return `{ ${parts.join('; ')} }`;
    }
  }
}

/** The shared types' shapes a plan refers to. */
export function shapesReferenced(plan: RedactionPlan, types: Set<string>): void {
  switch (plan.kind) {
    case 'conceal':
      return;
    case 'type':
      types.add(plan.names.typeRedaction);
      return;
    case 'items':
      if (plan.plan !== undefined) shapesReferenced(plan.plan, types);
      for (const each of plan.prefix) if (each !== null) shapesReferenced(each, types);
      return;
    case 'each':
      for (const each of plan.plans) shapesReferenced(each, types);
      return;
    case 'properties':
      for (const property of plan.properties) shapesReferenced(property.plan, types);
      if (plan.rest?.plan !== undefined) shapesReferenced(plan.rest.plan, types);
      for (const each of plan.rest?.patterns ?? []) if (each.plan !== null) shapesReferenced(each.plan, types);
  }
}

/** A shared type's shape, for the redacted payloads that use the type; '' when it has no sensitive value. */
export function typeShapeDeclaration(type: TypeModel): string {
  if (type.redaction === undefined) return '';
  const doc = jsDoc([`Where a {@link ${type.names.typeInterface}}'s sensitive values are, as {@link ${RUNTIME}.Redacted} reads it.`], '');
  return `${doc}export type ${type.names.typeRedaction} = ${redactionShape(type.redaction)};`;
}

/** The payload as a service that may not read sensitive values receives it; '' when it has none. */
export function redactedPayloadDeclaration(event: EventModel): string {
  if (event.redaction === undefined) return '';
  const doc = jsDoc([`The payload of \`${event.name}\` as a service that may not read sensitive values receives it: each \`x-sensitive\` value is \`"[REDACTED]"\`.`], '');
  return `${doc}export type ${event.names.redactedPayload} = ${RUNTIME}.Redacted<${event.names.payloadInterface}, ${redactionShape(event.redaction)}>;`;
}
