/**
 * The `format` values of the catalogue's payload language, as plain predicates: ajv-formats'
 * "full" table (a maintained, tested one, so the generated validators and ajv give the same
 * verdict on every value) and `ulid`. A format constrains values of one JSON type: most strings,
 * `int32`…`double` numbers; other values pass it, as in JSON Schema.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

/** Every supported `format` value, with the JSON type it constrains. */
export const FORMAT_TYPES = {
  date: 'string',
  time: 'string',
  'date-time': 'string',
  'iso-time': 'string',
  'iso-date-time': 'string',
  duration: 'string',
  uri: 'string',
  'uri-reference': 'string',
  'uri-template': 'string',
  url: 'string',
  email: 'string',
  hostname: 'string',
  ipv4: 'string',
  ipv6: 'string',
  regex: 'string',
  uuid: 'string',
  'json-pointer': 'string',
  'json-pointer-uri-fragment': 'string',
  'relative-json-pointer': 'string',
  byte: 'string',
  int32: 'number',
  int64: 'number',
  float: 'number',
  double: 'number',
  password: 'string',
  binary: 'string',
  ulid: 'string',
} as const;

/** A `format` value the catalogue's payload language supports. */
export type FormatName = keyof typeof FORMAT_TYPES;
export type StringFormatName = { [F in FormatName]: (typeof FORMAT_TYPES)[F] extends 'string' ? F : never }[FormatName];
export type NumberFormatName = Exclude<FormatName, StringFormatName>;

/** The ULID text form as a JSON Schema `pattern`, which exported schemas carry beside `format: ulid`. */
export const ULID_PATTERN = '^[0-7][0-9A-HJKMNP-TV-Z]{25}$';
const ULID = new RegExp(ULID_PATTERN);

type Entry = (typeof fullFormats)[keyof typeof fullFormats];

/** One of ajv-formats' entries (`true`, a RegExp, a function or `{ validate }`) as a predicate. */
function predicate<T>(entry: Entry | undefined): (value: T) => boolean {
  if (entry === undefined) throw new Error('ajv-formats lacks a format eventspec lists');
  if (entry === true) return () => true;
  if (entry instanceof RegExp) return (value) => entry.test(value as string);
  if (typeof entry === 'function') return entry as (value: T) => boolean;
  const validate = (entry as { validate: RegExp | ((value: T) => boolean | Promise<unknown>) }).validate;
  if (validate instanceof RegExp) return (value) => validate.test(value as string);
  return validate as (value: T) => boolean;
}

const fromTable = <T>(name: Exclude<FormatName, 'ulid'>): ((value: T) => boolean) => predicate<T>(fullFormats[name]);

/** The predicate behind each string format. */
export const FORMAT_CHECKS: { readonly [F in StringFormatName]: (value: string) => boolean } = {
  date: fromTable('date'),
  time: fromTable('time'),
  'date-time': fromTable('date-time'),
  'iso-time': fromTable('iso-time'),
  'iso-date-time': fromTable('iso-date-time'),
  duration: fromTable('duration'),
  uri: fromTable('uri'),
  'uri-reference': fromTable('uri-reference'),
  'uri-template': fromTable('uri-template'),
  url: fromTable('url'),
  email: fromTable('email'),
  hostname: fromTable('hostname'),
  ipv4: fromTable('ipv4'),
  ipv6: fromTable('ipv6'),
  regex: fromTable('regex'),
  uuid: fromTable('uuid'),
  'json-pointer': fromTable('json-pointer'),
  'json-pointer-uri-fragment': fromTable('json-pointer-uri-fragment'),
  'relative-json-pointer': fromTable('relative-json-pointer'),
  byte: fromTable('byte'),
  password: fromTable('password'),
  binary: fromTable('binary'),
  ulid: (value) => ULID.test(value),
};

/** The predicate behind each number format (OpenAPI's `int32`, `int64`, `float`, `double`). */
export const NUMBER_FORMAT_CHECKS: { readonly [F in NumberFormatName]: (value: number) => boolean } = {
  int32: fromTable('int32'),
  int64: fromTable('int64'),
  float: fromTable('float'),
  double: fromTable('double'),
};

/** Format names that ajv-formats knows (for the test that no format of its table is left out). */
export const AJV_FORMAT_NAMES: readonly string[] = Object.keys(fullFormats);

/** RFC 3339 `full-date`: `2026-02-28`, with a real day of its month. */
export const isDate = FORMAT_CHECKS.date;
/** RFC 3339 `date-time` with a required offset: `2026-11-26T08:30:00.000Z`. */
export const isDateTime = FORMAT_CHECKS['date-time'];
/** RFC 3986 absolute `URI` with a scheme: `https://example.com/a?b#c`, `urn:isbn:0451450523`. */
export const isUri = FORMAT_CHECKS.uri;
/** An e-mail address: dot-atom local part, `@`, and a domain of two or more labels. */
export const isEmail = FORMAT_CHECKS.email;
/** RFC 4122 UUID text form, optionally as a `urn:uuid:` URN, in either case. */
export const isUuid = FORMAT_CHECKS.uuid;
/** A ULID in its canonical form: 26 upper-case Crockford base-32 characters, time first. */
export const isUlid = FORMAT_CHECKS.ulid;
