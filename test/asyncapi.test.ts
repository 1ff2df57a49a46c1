import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { renderAsyncApi, renderServiceAsyncApi } from '../codegen/pipeline/render/asyncapi.ts';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { projectModel } from './support/catalogue.ts';

const ERROR = 0;

describe('AsyncAPI export', () => {
  it('is a valid AsyncAPI 3.0 document: one channel and message per event, payloads as schemas', async () => {
    const model = projectModel();
    const { document, diagnostics } = await new Parser().parse(renderAsyncApi(model, 'catalog.yaml'));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR).map((diagnostic) => diagnostic.message)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().all().map((channel) => channel.address())).toEqual(model.events.map((event) => `events.${event.name}`));
    expect(document?.servers().all().map((server) => [server.id(), server.protocol(), server.host()])).toEqual([['nats', 'nats', 'localhost:4222']]);
    const operations = document?.operations().all() ?? [];
    expect(operations.filter((operation) => operation.action() === 'send')).toHaveLength(38);
    // One message per event, and one per kept earlier version (session.message_sent keeps two).
    expect(document?.messages().all()).toHaveLength(40);
    expect(operations.filter((operation) => operation.action() === 'receive').map((operation) => operation.channels().all()[0]?.address())).toEqual(model.events.map((event) => `events.${event.name}`));
    expect(operations[0]?.bindings().get('nats')?.version()).toBe('0.1.0');
    const message = document?.messages().all().find((each) => each.name() === 'system.config_changed');
    expect(message?.summary()).toBe('A configuration value changed at run time.');
    expect(message?.payload()?.required()).toEqual(['key', 'previous', 'current', 'changedBy']);
    expect(message?.payload()?.properties()?.['changedBy']?.properties()?.['kind']?.enum()).toEqual(['user', 'agent', 'system']);
    expect(message?.headers()?.allOf()?.[0]?.required()).toContain('ce-id');
    expect(message?.headers()?.allOf()?.[1]?.properties()?.['ce-type']?.const()).toBe('system.config_changed');
  });

  it('describes each service as an application: send for what it produces, receive for what it consumes, in the versions it reads', async () => {
    const model = projectModel();
    for (const service of model.services) {
      const { document, diagnostics } = await new Parser().parse(renderServiceAsyncApi(model, service, 'catalog.yaml'));
      expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR).map((diagnostic) => diagnostic.message), service.name).toEqual([]);
      const operations = document?.operations().all() ?? [];
      const addresses = (action: string): (string | null | undefined)[] => operations.filter((operation) => operation.action() === action).map((operation) => operation.channels().all()[0]?.address());
      expect(addresses('send'), service.name).toEqual(service.produces.map((event) => `events.${event}`));
      expect(addresses('receive'), service.name).toEqual(service.consumes.map((each) => `events.${each.event}`));
      expect(document?.info().title()).toBe(service.name);
      expect(document?.info().extensions().get('x-eventspec-owner')?.value()).toBe(service.owner);
    }
    const notifier = model.services.find((service) => service.name === 'notifier');
    if (notifier === undefined) throw new Error('catalog.yaml declares no notifier');
    const { document } = await new Parser().parse(renderServiceAsyncApi(model, notifier, 'catalog.yaml'));
    // It reads versions 2 and 3 of session.message_sent: version 1 is no message it receives.
    const receive = document?.operations().all().find((each) => each.channels().all()[0]?.address() === 'events.session.message_sent');
    expect(receive?.messages().all().map((each) => each.name())).toEqual(['session.message_sent', 'session.message_sent-v2']);
    expect(document?.channels().all()).toHaveLength(5);
    const schemas = document?.components().schemas().all().map((schema) => schema.id()) ?? [];
    expect(schemas).toEqual(expect.arrayContaining(['plan.completed', 'session.message_sent-v2', 'ErrorInfo']));
    expect(schemas).not.toContain('agent.registered');
  });

  it('lists the versions a consumer may still receive: each kept version a message of the channel, received but never sent', async () => {
    const { document } = await new Parser().parse(renderAsyncApi(projectModel(), 'catalog.yaml'));
    const channel = document?.channels().all().find((each) => each.address() === 'events.session.message_sent');
    expect(channel?.messages().all().map((each) => each.name())).toEqual(['session.message_sent', 'session.message_sent-v1', 'session.message_sent-v2']);
    const operation = (action: string) => document?.operations().all().find((each) => each.action() === action && each.channels().all()[0]?.address() === 'events.session.message_sent');
    expect(operation('send')?.messages().all().map((each) => each.name())).toEqual(['session.message_sent']);
    expect(operation('receive')?.messages().all().map((each) => each.name())).toEqual(['session.message_sent', 'session.message_sent-v1', 'session.message_sent-v2']);
    const kept = channel?.messages().all().find((each) => each.name() === 'session.message_sent-v2');
    expect(kept?.payload()?.required()).toEqual(['sessionId', 'messageId', 'text']);
    expect(kept?.headers()?.allOf()?.[1]?.properties()?.['ce-dataschema']?.const()).toBe('urn:eventspec:events:session.message_sent:v2');
    expect(kept?.extensions().get('x-eventspec-upcast')?.value()).toBe('`text` renamed to `content`');
  });

  it('keeps a description written beside a $ref, as the parser reads payloads by default', async () => {
    const { document } = await new Parser().parse(renderAsyncApi(projectModel(), 'catalog.yaml'));
    const superseded = document?.messages().all().find((each) => each.name() === 'decision.superseded');
    const field = superseded?.payload()?.properties()?.['supersededBy'];
    expect(field?.description()).toBe('The decision that replaces this one.');
    expect(field?.allOf()?.[0]?.pattern()).toBe('^[0-7][0-9A-HJKMNP-TV-Z]{25}$');
  });

  it('takes the subject prefix and server from the catalogue', async () => {
    const linted = lintCatalogue('version: 1\noutputs: { asyncapi: { subjectPrefix: acme.prod, server: nats.internal:4222 } }\ndomains: { a: A. }\nevents:\n  a.b:\n    description: B.\n    payload: { type: object }\n', 'catalog.yaml');
    if (!linted.ok) throw new Error(JSON.stringify(linted.diagnostics));
    const { document, diagnostics } = await new Parser().parse(renderAsyncApi(linted.model, 'catalog.yaml'));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR)).toEqual([]);
    expect(document?.channels().all()[0]?.address()).toBe('acme.prod.a.b');
    expect(document?.servers().all()[0]?.host()).toBe('nats.internal:4222');
    const bad = lintCatalogue('version: 1\noutputs: { asyncapi: { subjectPrefix: "a b" } }\ndomains: { a: A. }\nevents:\n  a.b:\n    description: B.\n    payload: { type: object }\n', 'catalog.yaml');
    expect(bad.ok ? [] : bad.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['outputs.asyncapi.subjectPrefix: expected NATS subject tokens separated by dots, such as `events`']);
  });

  it('marks deprecated events', async () => {
    const linted = lintCatalogue('version: 1\ndomains: { a: A. }\nevents:\n  a.old:\n    description: Old.\n    deprecated: Use a.new.\n    payload: { type: object }\n', 'catalog.yaml');
    if (!linted.ok) throw new Error('catalogue does not lint');
    const { document, diagnostics } = await new Parser().parse(renderAsyncApi(linted.model, 'catalog.yaml'));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR)).toEqual([]);
    const message = document?.messages().all()[0];
    expect(message?.payload()?.deprecated()).toBe(true);
    expect(message?.extensions().get('x-eventspec-deprecated')?.value()).toBe('Use a.new.');
  });
});
