/**
 * Colour for people, none for machines: on when the stream is a terminal, off with `NO_COLOR`
 * (any value) or when piped; `FORCE_COLOR` forces it on (`0` or `false` forces it off).
 */

export interface Paint {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

export function colorEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true;
}

const sgr = (open: number, close: number) => (text: string): string => `\u001b[${open}m${text}\u001b[${close}m`;
const same = (text: string): string => text;

export function paint(enabled: boolean): Paint {
  return enabled
    ? { red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
    : { red: same, yellow: same, green: same, dim: same, bold: same };
}
