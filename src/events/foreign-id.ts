/**
 * Ids that came from elsewhere (a CloudEvents `id`, correlation and causation ids), and the rule
 * they are held to: Node-free, for the checks every door runs, browser bundles included.
 */

/** The most characters a foreign id (a CloudEvents `id`, a correlation or causation id) may have. */
export const MAX_FOREIGN_ID_LENGTH = 256;
// Control characters cannot travel in a header; NATS trims a header value's ends and turns line
// and paragraph separators into spaces, so an id holding them would arrive as another id.
const UNCARRIABLE = /[\p{Cc}\u2028\u2029]/u;

/** What `isForeignId` asks of an id, as error messages say it. */
export const FOREIGN_ID_RULE = `Expected a non-empty id of at most ${MAX_FOREIGN_ID_LENGTH} characters, without control characters, line separators or spaces at either end`;

/**
 * Whether a string can serve as an id that came from elsewhere: our own ids are ULIDs, but a
 * CloudEvents `id` may be any non-empty string, and correlation ids are often trace or request
 * ids. Non-empty, at most 256 characters, and only what a header carries exactly: no control
 * characters, no line or paragraph separators, no white space at either end.
 */
export function isForeignId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FOREIGN_ID_LENGTH && !UNCARRIABLE.test(value) && value.trim() === value;
}
