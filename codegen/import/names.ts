/** Names in the catalogue's rules, made from whatever other formats call things. */

/** `UserSignedUp`, `user-signed_up`, `HTTPServer2` → lower-case words. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

function segment(text: string): string | undefined {
  const joined = words(text).join('_');
  if (joined === '') return undefined;
  return /^[a-z]/.test(joined) ? joined : `n${joined}`;
}

/**
 * An event name (`domain.action` or `domain.entity.action`, lower snake case) for an identifier:
 * `issues$opened` → `issues.opened`, `user/signedup` → `user.signedup`, `UserSignedUp` →
 * `user.signed_up`, `ping` → `ping.event`.
 */
export function eventNameOf(identifier: string): string {
  const parts = identifier.split(/[.$/:]+/).map(segment).filter((part): part is string => part !== undefined);
  if (parts.length >= 2) return (parts.length > 3 ? [parts[0], parts[1], parts.slice(2).join('_')] : parts).join('.');
  const only = words(parts[0] ?? identifier);
  if (only.length === 0) return 'imported.event';
  const [first = 'imported', ...rest] = only;
  const domain = /^[a-z]/.test(first) ? first : `n${first}`;
  return `${domain}.${rest.length === 0 ? 'event' : rest.join('_')}`;
}

/** A shared type name (PascalCase) for an identifier: `check_run-deployment` → `CheckRunDeployment`. */
export function typeNameOf(identifier: string): string {
  const name = words(identifier).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return name === '' ? 'Imported' : /^[A-Z]/.test(name) ? name : `T${name}`;
}

/** `name`, or `name2`, `name3`… the first one `taken` does not have; it is then taken. */
export function unique(name: string, taken: Set<string>, join = ''): string {
  let candidate = name;
  for (let index = 2; taken.has(candidate); index++) candidate = `${name}${join}${index}`;
  taken.add(candidate);
  return candidate;
}
