import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { renderAsyncApi } from '../codegen/render/asyncapi.ts';
import { lintCatalogue } from '../codegen/pipeline.ts';
import { projectModel } from './support/catalogue.ts';

const ERROR = 0;

describe('AsyncAPI export', () => {
  it('is a valid AsyncAPI 3.0 document: one channel and message per event, payloads as schemas', async () => {
    const model = projectModel();
    const { document, diagnostics } = await new Parser().parse(renderAsyncApi(model, 'catalog.yaml'));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR).map((diagnostic) => diagnostic.message)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().all().map((channel) => channel.address())).toEqual(model.events.map((event) => event.name));
    const message = document?.messages().all().find((each) => each.name() === 'system.config_changed');
    expect(message?.summary()).toBe('A configuration value changed at run time.');
    expect(message?.payload()?.required()).toEqual(['key', 'previous', 'current', 'changedBy']);
    expect(message?.payload()?.properties()?.['changedBy']?.properties()?.['kind']?.enum()).toEqual(['user', 'agent', 'system']);
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
