/** Stage 4, services: services.ts, each service's contract, which `serviceBus` turns into its typed view of a bus. */
import type { CatalogueModel } from '../model.ts';
import type { ServiceModel } from '../service-model.ts';
import { jsDoc, moduleStatement, stringLiteral } from './code-text.ts';

/** The file of the service contracts; written only when the catalogue declares services. */
export const SERVICES_FILE = 'services.ts';

/** A type argument: a union of event types, one per line when it would not fit on one (as prettier lays it out). */
function union(types: readonly string[]): string {
  if (types.length === 0) return '  never';
  const line = `  ${types.map(stringLiteral).join(' | ')}`;
  return line.length <= 100 ? line : types.map((type) => `  | ${stringLiteral(type)}`).join('\n');
}

function serviceDoc(service: ServiceModel): string {
  const accepts = service.consumes.filter((each) => each.versions !== undefined).map((each) => `\`${each.event}\` version ${(each.versions ?? []).join(', ')}`);
  return jsDoc([
    `\`${service.name}\`: ${service.description}`,
    '',
    `Owner: ${service.owner}. ${service.readsSensitive ? 'Reads sensitive values as they are.' : 'Receives each sensitive value redacted (`"[REDACTED]"`).'}`,
    ...(accepts.length === 0 ? [] : [`Its deployed code reads ${accepts.join('; ')}.`]),
  ], '');
}

export function serviceViews(model: CatalogueModel): Record<string, string>[] {
  return model.services.map((service) => ({
    doc: serviceDoc(service),
    constant: service.names.contract,
    identifier: service.identifier,
    received: service.readsSensitive ? 'PayloadMap' : 'RedactedPayloadMap',
    producesType: union(service.produces),
    consumesType: union(service.consumes.map((each) => each.event)),
    nameLiteral: stringLiteral(service.name),
    descriptionLiteral: stringLiteral(service.description),
    ownerLiteral: stringLiteral(service.owner),
    producesList: service.produces.map(stringLiteral).join(', '),
    consumesList: service.consumes.map((each) => stringLiteral(each.event)).join(', '),
    readsSensitive: String(service.readsSensitive),
  }));
}

/** The imports of services.ts; `registryModule` is the registry as services.ts imports it. */
export function serviceImports(runtimeModule: string, registryModule: string): string[] {
  return [moduleStatement('import', ['ServiceContract'], runtimeModule, true), moduleStatement('import', ['PayloadMap', 'RedactedPayloadMap'], registryModule, true)];
}
