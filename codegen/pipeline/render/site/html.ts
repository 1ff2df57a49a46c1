/** HTML text and the site's page addresses, relative so the site works from file:// and any host. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Catalogue text as HTML text or an attribute value: nothing in it can become markup. */
export function escapeHtml(value: string): string {
  if (!/[&<>"']/.test(value)) return value;
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

/** Every page, by what it shows; each lives in a folder one level down but the home and the graph. */
export const pagePath = {
  home: 'index.html',
  graph: 'graph.html',
  event: (name: string): string => `events/${name}.html`,
  type: (name: string): string => `types/${name}.html`,
  service: (name: string): string => `services/${name}.html`,
  domain: (name: string): string => `domains/${name}.html`,
  asset: (name: string): string => `assets/${name}`,
};

/** The way from a page back to the site's root: `''` for the root's pages, `../` for the rest. */
export function rootOf(path: string): string {
  return path.includes('/') ? '../' : '';
}

export function link(root: string, path: string, text: string, className?: string): string {
  return `<a href="${escapeHtml(root + path)}"${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(text)}</a>`;
}

/** The anchor of a field: its path in the payload (`steps[].title`), after a prefix per version. */
export function fieldId(prefix: string, path: string): string {
  return `${prefix}field-${path}`;
}
