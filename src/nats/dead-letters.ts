/**
 * Dead letters: messages a consumer gave up on, kept in the dead-letter stream (`<stream>_DLQ`,
 * subjects `<prefix>-dlq.<type>`) with the reason and where they came from, so they can be
 * listed, inspected and, once the consumer is fixed, replayed: published again to the subject
 * they came from and removed from the dead-letter stream.
 *
 * Every poison message gets one dead letter whatever its size: a body that would not fit beside
 * the dead letter's headers under the server's `max_payload` is stored cut short, and says so
 * (`eventspec-dead-letter-truncated`: the original size); such a letter can be inspected but not
 * replayed.
 */
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { resolveStreams, type ResolvedStreams, type StreamOptions } from './streams.ts';

export const DEAD_LETTER_HEADERS = {
  reason: 'eventspec-dead-letter-reason',
  subject: 'eventspec-original-subject',
  sequence: 'eventspec-original-sequence',
  consumer: 'eventspec-dead-letter-consumer',
  truncated: 'eventspec-dead-letter-truncated',
} as const;

/** What the application hears of each dead letter (`onDeadLetter`), and what a listing shows. */
export interface DeadLetterInfo {
  /** The event type, from the subject ('invalid' when the subject names none). */
  readonly type: string;
  /** The event's id (`ce-id`), when the message had one. */
  readonly id?: string;
  readonly reason: string;
  /** The subject and stream sequence the message had. */
  readonly subject: string;
  readonly originalSequence: number;
  /** The durable consumer that gave up on it. */
  readonly consumer?: string;
  /** The original body's size, when the dead letter holds it cut short. */
  readonly truncatedFrom?: number;
}

/** A dead letter as stored. */
export interface DeadLetter extends DeadLetterInfo {
  /** Its sequence in the dead-letter stream: what `get` and `replay` take. */
  readonly sequence: number;
  /** When it was dead-lettered. */
  readonly time: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
}

/** The bytes headers take on the wire: `NATS/1.0`, then `key: value` lines, then a blank line. */
function headerBytes(headers: MsgHdrs): number {
  let bytes = 12;
  for (const [key, values] of headers) for (const value of values) bytes += Buffer.byteLength(`${key}: ${value}\r\n`);
  return bytes;
}

/** A header value cannot hold a line break, and a reason need not be a page long. */
function headerValue(text: string, max = 1000): string {
  const flat = text.replace(/[\r\n]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Publishes a consumer's poison message to the dead-letter stream, once however often it is
 * delivered (the dead letter's message id is the source's stream sequence), and returns what was stored.
 */
export async function deadLetter(nc: NatsConnection, resolved: ResolvedStreams, message: JsMsg, type: string, reason: string, consumer: string): Promise<DeadLetterInfo> {
  const headers = natsHeaders();
  for (const key of message.headers?.keys() ?? []) {
    // The original's own message id would make the dead-letter stream drop a letter whose event it saw before.
    if (key.toLowerCase() !== 'nats-msg-id') headers.set(key, message.headers?.get(key) ?? '');
  }
  const flatReason = headerValue(reason);
  headers.set(DEAD_LETTER_HEADERS.reason, flatReason);
  headers.set(DEAD_LETTER_HEADERS.subject, message.subject);
  headers.set(DEAD_LETTER_HEADERS.sequence, String(message.seq));
  headers.set(DEAD_LETTER_HEADERS.consumer, consumer);
  let data = message.data;
  // What the server takes in one message, less the headers and room for the publish's own.
  const room = (nc.info?.max_payload ?? 1024 * 1024) - headerBytes(headers) - 512;
  let truncatedFrom: number | undefined;
  if (data.length > room) {
    truncatedFrom = data.length;
    headers.set(DEAD_LETTER_HEADERS.truncated, String(data.length));
    data = data.subarray(0, Math.max(0, room - 64));
  }
  const subject = `${resolved.deadLetterPrefix}.${/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(type) ? type : 'invalid'}`;
  await jetstream(nc).publish(subject, data, { headers, msgID: `${resolved.stream}:${message.seq}` });
  const id = message.headers?.get('ce-id');
  return {
    type,
    ...(id === undefined || id === '' ? {} : { id }),
    reason: flatReason,
    subject: message.subject,
    originalSequence: message.seq,
    consumer,
    ...(truncatedFrom === undefined ? {} : { truncatedFrom }),
  };
}

function headerRecord(headers: MsgHdrs | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const key of headers?.keys() ?? []) record[key] = headers?.get(key) ?? '';
  return record;
}

/** Lists, inspects and replays the dead letters of a stream. */
export class DeadLetters {
  readonly #nc: NatsConnection;
  readonly #resolved: ResolvedStreams;

  constructor(nc: NatsConnection, options: StreamOptions = {}) {
    this.#nc = nc;
    this.#resolved = resolveStreams(options);
  }

  /** Every dead letter, oldest first. */
  async list(): Promise<DeadLetter[]> {
    const jsm = await jetstreamManager(this.#nc);
    const info = await jsm.streams.info(this.#resolved.deadLetterStream);
    const letters: DeadLetter[] = [];
    if (info.state.messages === 0) return letters;
    for (let sequence = info.state.first_seq; sequence <= info.state.last_seq; sequence++) {
      const letter = await this.get(sequence);
      if (letter !== undefined) letters.push(letter);
    }
    return letters;
  }

  /** One dead letter by its sequence in the dead-letter stream; undefined when there is none (replayed, or never). */
  async get(sequence: number): Promise<DeadLetter | undefined> {
    const jsm = await jetstreamManager(this.#nc);
    const stored = await jsm.streams.getMessage(this.#resolved.deadLetterStream, { seq: sequence }).catch((error: unknown) => {
      if (/no message found|not found/i.test((error as Error).message)) return null;
      throw error;
    });
    if (stored === null) return undefined;
    const headers = headerRecord(stored.header);
    const subject = headers[DEAD_LETTER_HEADERS.subject] ?? '';
    const truncated = headers[DEAD_LETTER_HEADERS.truncated];
    const id = headers['ce-id'];
    const consumer = headers[DEAD_LETTER_HEADERS.consumer];
    return {
      sequence,
      time: stored.time.toISOString(),
      type: stored.subject.slice(this.#resolved.deadLetterPrefix.length + 1),
      ...(id === undefined ? {} : { id }),
      reason: headers[DEAD_LETTER_HEADERS.reason] ?? '',
      subject,
      originalSequence: Number(headers[DEAD_LETTER_HEADERS.sequence] ?? 0),
      ...(consumer === undefined ? {} : { consumer }),
      ...(truncated === undefined ? {} : { truncatedFrom: Number(truncated) }),
      headers,
      data: stored.data,
    };
  }

  /**
   * Publishes a dead letter again to the subject it came from, with its original headers, and
   * removes it from the dead-letter stream once the stream acknowledged. Consumers that handled
   * the event already skip it (their handled record); the one that gave up runs it again.
   */
  async replay(sequence: number): Promise<DeadLetter> {
    const letter = await this.get(sequence);
    if (letter === undefined) throw new Error(`no dead letter ${sequence} in ${this.#resolved.deadLetterStream}`);
    if (letter.truncatedFrom !== undefined) throw new Error(`dead letter ${sequence} holds its body cut short (${letter.truncatedFrom} bytes at first): it cannot be replayed`);
    if (!letter.subject.startsWith(`${this.#resolved.prefix}.`)) throw new Error(`dead letter ${sequence} came from ${JSON.stringify(letter.subject)}, outside ${this.#resolved.prefix}.>`);
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(letter.headers)) if (!key.startsWith('eventspec-')) headers.set(key, value);
    // Its own message id: the event's would be dropped as a duplicate inside the stream's window.
    await jetstream(this.#nc).publish(letter.subject, letter.data, { headers, msgID: `replay:${this.#resolved.deadLetterStream}:${sequence}` });
    const jsm = await jetstreamManager(this.#nc);
    await jsm.streams.deleteMessage(this.#resolved.deadLetterStream, sequence, false);
    return letter;
  }
}
