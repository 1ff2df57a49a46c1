/**
 * `eventspec import` of an AsyncAPI 2.x or 3.x document: each message a channel carries becomes an
 * event (named from the message's `name`, else its id: `UserSignedUp` → `user.signed_up`), its
 * payload the event's payload, its examples the event's examples; `components.schemas` that the
 * payloads use become shared types. AsyncAPI schemas are draft-07 supersets and read as such.
 */
import { eventNameOf, typeNameOf, unique } from './names.ts';
import { referencedName, resolvePointer, SchemaSources, type SourceFile } from './sources.ts';
import type { ImportedCatalogue, ImportedEvent } from './catalogue-text.ts';
import { isRecord } from '../pipeline/validate/schema-keywords.ts';


/** Schema formats that are JSON Schema (AsyncAPI's own is a draft-07 superset). */
const JSON_SCHEMA_FORMAT = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema(\+json|\+yaml)?)(;|$)/;

interface FoundMessage {
  readonly id: string;
  readonly message: Record<string, unknown>;
  /** The file it is written in: its payload's references are read from there. */
  readonly file: SourceFile;
}

export function isAsyncApi(data: unknown): boolean {
  return isRecord(data) && typeof data['asyncapi'] === 'string';
}

/**
 * A catalogue of the messages of an AsyncAPI document. `load` reads the other files its
 * references name (`$ref: '../common/messages.yaml#/UserSignedUp'`), by their path from the
 * document's folder; without it, only the document's own references are followed.
 */
export function importAsyncApi(file: SourceFile, source: string, load?: (name: string) => SourceFile | undefined): ImportedCatalogue {
  const document = file.data as Record<string, unknown>;
  const version = String(document['asyncapi']);
  const sources = new SchemaSources([file], {
    legacy: true,
    identify: (_file, pointer) => {
      const name = /^\/components\/schemas\/([^/]+)$/.exec(pointer)?.[1];
      return name === undefined ? undefined : { name: typeNameOf(name.replaceAll('~1', '/').replaceAll('~0', '~')) };
    },
    ...(load === undefined ? {} : { load }),
  });
  /** The value a (chain of) `$ref` stands for, and the file it is written in. */
  const deref = (value: unknown, from: SourceFile = file): { value: unknown; file: SourceFile } => {
    let where = from;
    for (let hops = 0; isRecord(value) && typeof value['$ref'] === 'string' && hops < 16; hops++) {
      const ref = value['$ref'];
      const hash = ref.indexOf('#');
      const location = hash < 0 ? ref : ref.slice(0, hash);
      const target = location === '' ? where : sources.file(referencedName(where.name, location));
      if (target === undefined) {
        sources.note(`references to files that could not be read (such as \`${ref}\`) were left out`);
        return { value: undefined, file: where };
      }
      where = target;
      value = resolvePointer(target.data, hash < 0 ? '' : ref.slice(hash + 1));
    }
    return { value, file: where };
  };
  const found: FoundMessage[] = [];
  const seen = new Set<unknown>();
  const add = (id: string, raw: unknown, from: SourceFile = file): void => {
    const { value: message, file: messageFile } = deref(raw, from);
    if (!isRecord(message) || seen.has(message)) return;
    seen.add(message);
    const ref = isRecord(raw) && typeof raw['$ref'] === 'string' ? raw['$ref'].split('/').at(-1) : undefined;
    found.push({ id: typeof message['name'] === 'string' ? message['name'] : typeof message['messageId'] === 'string' ? message['messageId'] : (ref ?? id), message, file: messageFile });
  };
  const channels = isRecord(document['channels']) ? document['channels'] : {};
  for (const [address, rawChannel] of Object.entries(channels)) {
    const { value: channel, file: channelFile } = deref(rawChannel);
    if (!isRecord(channel)) continue;
    if (version.startsWith('2.')) {
      for (const operation of ['subscribe', 'publish']) {
        const raw = isRecord(channel[operation]) ? (channel[operation] as Record<string, unknown>)['message'] : undefined;
        const { value: message, file: messageFile } = deref(raw, channelFile);
        if (isRecord(message) && Array.isArray(message['oneOf'])) for (const member of message['oneOf']) add(address, member, messageFile);
        else if (raw !== undefined) add(address, raw, channelFile);
      }
    } else {
      for (const [id, raw] of Object.entries(isRecord(channel['messages']) ? channel['messages'] : {})) add(id, raw, channelFile);
    }
  }
  // Messages defined once and used by no channel are events too.
  const components = isRecord(document['components']) ? document['components'] : {};
  for (const [id, raw] of Object.entries(isRecord(components['messages']) ? components['messages'] : {})) add(id, raw);

  const events: ImportedEvent[] = [];
  const names = new Set<string>();
  // Earlier versions, as `eventspec export` writes them: a message `<event>-v<N>` marked with the
  // version it is and the event's current one. They become the event's history again.
  const kept: { event: string; version: number; payload: NonNullable<ImportedEvent['previous']>[number]['payload']; upcast?: string }[] = [];
  for (const { id, message, file: messageFile } of found) {
    let payload: unknown = message['payload'];
    let schemaFormat = message['schemaFormat'];
    // 3.x: a payload may be a multi-format schema, `{ schemaFormat, schema }`.
    if (isRecord(payload) && typeof payload['schemaFormat'] === 'string' && 'schema' in payload) {
      schemaFormat = payload['schemaFormat'];
      payload = payload['schema'];
    }
    if (typeof schemaFormat === 'string' && !JSON_SCHEMA_FORMAT.test(schemaFormat)) {
      sources.note(`messages whose payload is not JSON Schema (such as \`${schemaFormat}\`) were left out`);
      continue;
    }
    if (payload === undefined) {
      sources.note('messages without a payload were left out');
      continue;
    }
    // A payload schema named after its own message (as `eventspec export` writes them) is the
    // event's payload itself, not a shared type: as one, its name would be the event's own.
    const target = isRecord(payload) && Object.keys(payload).length === 1 && typeof payload['$ref'] === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(payload['$ref'])?.[1] : undefined;
    if (target !== undefined && target.replaceAll('~1', '/').replaceAll('~0', '~') === id) payload = deref(payload, messageFile).value;
    const earlier = /^(.+)-v([1-9]\d*)$/.exec(id);
    if (earlier !== null && typeof message['x-eventspec-current-version'] === 'number' && message['x-eventspec-version'] === Number(earlier[2])) {
      const upcast = message['x-eventspec-upcast'];
      kept.push({ event: eventNameOf(earlier[1] ?? id), version: Number(earlier[2]), payload: sources.convert(messageFile, payload), ...(typeof upcast === 'string' ? { upcast } : {}) });
      continue;
    }
    const description = ['description', 'summary', 'title'].map((key) => message[key]).find((text): text is string => typeof text === 'string' && text !== '');
    const examples = (Array.isArray(message['examples']) ? message['examples'] : []).flatMap((example) => (isRecord(example) && 'payload' in example ? [example['payload']] : []));
    const version = message['x-eventspec-version'];
    events.push({
      name: unique(eventNameOf(id), names, '_'),
      description: description ?? `Imported from ${source}, message ${id}.`,
      ...(typeof version === 'number' && Number.isInteger(version) && version > 1 ? { version } : {}),
      payload: sources.convert(messageFile, payload),
      ...(examples.length === 0 ? {} : { examples: examples as NonNullable<ImportedEvent['examples']> }),
    });
  }
  const withHistory = events.map((event) => {
    const previous = kept.filter((each) => each.event === event.name).sort((a, b) => a.version - b.version).map(({ event: _event, ...entry }) => entry);
    return previous.length === 0 ? event : { ...event, previous };
  });
  // A kept version whose event is not in the document is an event of its own.
  for (const orphan of kept.filter((each) => !events.some((event) => event.name === each.event))) {
    withHistory.push({ name: unique(`${orphan.event}_v${orphan.version}`, names, '_'), description: `Imported from ${source}: version ${orphan.version} of ${orphan.event}.`, payload: orphan.payload });
  }
  return { source, events: withHistory, types: sources.types(), notes: sources.notes };
}
