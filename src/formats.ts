/**
 * String formats of the catalogue's payload language, as plain predicates.
 *
 * Each follows its RFC with the same leniencies as ajv-formats' "full" mode, so the
 * generated validators and a reference JSON Schema validator agree on every string
 * (the differential test in test/ proves it).
 */

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FULL_TIME = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(z|([+-])(\d{2})(?::?(\d{2}))?)?$/i;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** RFC 3339 `full-date`: `2026-02-28`, with a real day of its month. */
export function isDate(value: string): boolean {
  const match = FULL_DATE.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const lastDay = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  return day <= lastDay;
}

/** RFC 3339 `full-time` with a required offset; a leap second only where it is 23:59 UTC. */
function isTimeWithOffset(value: string): boolean {
  const match = FULL_TIME.exec(value);
  if (match === null || match[4] === undefined) return false;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = Number(match[3]);
  const sign = match[5] === '-' ? -1 : 1;
  const offsetHour = Number(match[6] ?? 0);
  const offsetMinute = Number(match[7] ?? 0);
  if (offsetHour > 23 || offsetMinute > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  const utcMinute = minute - offsetMinute * sign;
  const utcHour = hour - offsetHour * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}

/** RFC 3339 `date-time`: `2026-11-26T08:30:00.000Z` (the separator may be `t` or a space too). */
export function isDateTime(value: string): boolean {
  const parts = value.split(/t|\s/i);
  return parts.length === 2 && isDate(parts[0] ?? '') && isTimeWithOffset(parts[1] ?? '');
}

// RFC 3986 `URI`, assembled from the grammar's named parts so each piece can be read.
const HEX = '[0-9a-f]';
const PCT = `%${HEX}{2}`;
const UNRESERVED_SUB = "a-z0-9\\-._~!$&'()*+,;=";
const PCHAR = `(?:[${UNRESERVED_SUB}:@]|${PCT})`;
const DEC_OCTET = '(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)';
const IPV4 = `(?:${DEC_OCTET}\\.){3}${DEC_OCTET}`;
const H16 = `${HEX}{1,4}`;
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|');
const IP_FUTURE = `v${HEX}+\\.[${UNRESERVED_SUB}:]+`;
const HOST = `(?:\\[(?:${IPV6}|${IP_FUTURE})\\]|${IPV4}|(?:[${UNRESERVED_SUB}]|${PCT})*)`;
const USERINFO = `(?:(?:[${UNRESERVED_SUB}:]|${PCT})*@)?`;
const AUTHORITY = `${USERINFO}${HOST}(?::\\d*)?`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
const HIER_PART = [
  `\\/?\\/${AUTHORITY}(?:\\/${SEGMENT})*`,
  `\\/(?:${SEGMENT_NZ}(?:\\/${SEGMENT})*)?`,
  `${SEGMENT_NZ}(?:\\/${SEGMENT})*`,
].join('|');
const QUERY_OR_FRAGMENT = `(?:[${UNRESERVED_SUB}:@/?]|${PCT})*`;
const URI = new RegExp(
  `^[a-z][a-z0-9+\\-.]*:(?:${HIER_PART})(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?$`,
  'i',
);

/** RFC 3986 absolute `URI` with a scheme: `https://example.com/a?b#c`, `urn:isbn:0451450523`. */
export function isUri(value: string): boolean {
  return URI.test(value);
}

const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** An e-mail address: dot-atom local part, `@`, and a domain of two or more labels. */
export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/** RFC 4122 UUID text form, optionally as a `urn:uuid:` URN, in either case. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The ULID text form as a JSON Schema `pattern`, which exported schemas carry beside `format: ulid`. */
export const ULID_PATTERN = '^[0-7][0-9A-HJKMNP-TV-Z]{25}$';
const ULID = new RegExp(ULID_PATTERN);

/** A ULID in its canonical form: 26 upper-case Crockford base-32 characters, time first. */
export function isUlid(value: string): boolean {
  return ULID.test(value);
}

/** The predicate behind each supported `format` value. */
export const FORMAT_CHECKS = {
  'date-time': isDateTime,
  date: isDate,
  uri: isUri,
  email: isEmail,
  uuid: isUuid,
  ulid: isUlid,
} as const satisfies Record<string, (value: string) => boolean>;

/** A `format` value the catalogue's payload language supports. */
export type FormatName = keyof typeof FORMAT_CHECKS;
