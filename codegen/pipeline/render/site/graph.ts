/**
 * Who produces and consumes what, drawn as SVG when the site is generated (no script on the
 * reader's side). The overview is laid out by dagre: services and events while that stays
 * readable, services and domains beyond (a domain page then draws its own events). A page about
 * one event, service or domain draws three columns (in → it → out), which needs no layout search
 * and stays linear however large the catalogue is.
 */
import dagre from '@dagrejs/dagre';
import type { CatalogueModel } from '../../model.ts';
import { escapeHtml, pagePath } from './html.ts';

/** Above this many events in services, the overview shows domains instead of events. */
export const OVERVIEW_EVENT_LIMIT = 150;

/** Labels are drawn in a 12px monospace font, so their width is known without a browser. */
const CHARACTER_WIDTH = 7.3;
const NODE_HEIGHT = 26;
const PADDING = 18;

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'service' | 'event' | 'domain';
  /** The page it links to, from the site's root. */
  readonly href: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** How many events the edge stands for, when it stands for several. */
  readonly count?: number;
}

const widthOf = (label: string): number => Math.ceil(label.length * CHARACTER_WIDTH + PADDING);
const round = (value: number): string => String(Math.round(value * 10) / 10);

function nodeSvg(node: GraphNode, x: number, y: number, width: number, root: string, current: boolean): string {
  return `<a href="${escapeHtml(root + node.href)}" class="node ${node.kind}${current ? ' current' : ''}"><rect x="${round(x)}" y="${round(y)}" width="${width}" height="${NODE_HEIGHT}" rx="${node.kind === 'service' ? 4 : 13}"/><text x="${round(x + width / 2)}" y="${round(y + NODE_HEIGHT / 2 + 4)}">${escapeHtml(node.label)}</text></a>`;
}

function svg(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg class="graph" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" role="group" aria-label="${escapeHtml(title)}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs>',
    ...body,
    '</svg>',
  ].join('\n');
}

/**
 * The overview: producing services on the left, events (or domains) in the middle, consuming
 * services on the right. A service that does both is drawn on both sides, so every edge runs
 * left to right and dagre only has to order each column so that few edges cross.
 */
export function overviewGraph(model: CatalogueModel, root: string): { svg: string; byDomain: boolean } {
  const used = new Set(model.services.flatMap((service) => [...service.produces, ...service.consumes.map((each) => each.event)]));
  const byDomain = used.size > OVERVIEW_EVENT_LIMIT;
  const domainOf = new Map(model.events.map((event) => [event.name, event.domain]));
  const middle = (event: string): string => (byDomain ? `domain:${domainOf.get(event) ?? ''}` : `event:${event}`);
  const nodes: GraphNode[] = [];
  const edges = new Map<string, GraphEdge>();
  const add = (from: string, to: string): void => {
    const key = `${from}\u0000${to}`;
    edges.set(key, { from, to, ...(byDomain ? { count: (edges.get(key)?.count ?? 0) + 1 } : {}) });
  };
  for (const service of model.services) {
    if (service.produces.length > 0) nodes.push({ id: `producer:${service.name}`, label: service.name, kind: 'service', href: pagePath.service(service.name) });
  }
  if (byDomain) {
    for (const domain of model.domains) {
      if (domain.events.some((event) => used.has(event.name))) nodes.push({ id: `domain:${domain.name}`, label: `${domain.name} (${domain.events.length})`, kind: 'domain', href: pagePath.domain(domain.name) });
    }
  } else {
    for (const event of model.events) if (used.has(event.name)) nodes.push({ id: `event:${event.name}`, label: event.name, kind: 'event', href: pagePath.event(event.name) });
  }
  for (const service of model.services) {
    if (service.consumes.length > 0) nodes.push({ id: `consumer:${service.name}`, label: service.name, kind: 'service', href: pagePath.service(service.name) });
  }
  for (const service of model.services) for (const event of service.produces) add(`producer:${service.name}`, middle(event));
  for (const service of model.services) for (const each of service.consumes) add(middle(each.event), `consumer:${service.name}`);
  const title = byDomain ? 'Services and the domains whose events they produce and consume' : 'Services and the events they produce and consume';
  return { svg: layered(nodes, [...edges.values()], root, title), byDomain };
}

function layered(nodes: readonly GraphNode[], edges: readonly GraphEdge[], root: string, title: string): string {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 8, ranksep: 160, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: widthOf(node.label), height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to, edge.count === undefined ? {} : { label: String(edge.count), width: 24, height: 14 });
  dagre.layout(graph);
  const body: string[] = [];
  for (const edge of edges) {
    const laid = graph.edge(edge.from, edge.to);
    const points = (laid.points ?? []).map((point: { x: number; y: number }) => `${round(point.x)} ${round(point.y)}`);
    body.push(`<path class="edge" d="M${points.join('L')}" marker-end="url(#arrow)"/>`);
    if (edge.count !== undefined && laid.x !== undefined && laid.y !== undefined) {
      body.push(`<text class="edge-label" x="${round(laid.x)}" y="${round(laid.y + 4)}">${edge.count}</text>`);
    }
  }
  for (const node of nodes) {
    const laid = graph.node(node.id);
    body.push(nodeSvg(node, laid.x - laid.width / 2, laid.y - laid.height / 2, laid.width, root, false));
  }
  const size = graph.graph();
  return svg(size.width ?? 0, size.height ?? 0, title, body);
}

/** Three columns: what flows in, the subject, what flows out. */
export interface Columns {
  readonly title: string;
  readonly left: readonly GraphNode[];
  readonly middle: readonly GraphNode[];
  readonly right: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** The node the page is about, drawn marked. */
  readonly current?: string;
}

const ROW = NODE_HEIGHT + 8;
const GAP = 90;

/** Nodes of a side column in the order of what they connect to in the middle, so few edges cross. */
function ordered(side: readonly GraphNode[], middle: readonly GraphNode[], edges: readonly GraphEdge[]): GraphNode[] {
  const position = new Map(middle.map((node, index) => [node.id, index]));
  const linked = new Map<string, number[]>();
  const link = (id: string, other: string): void => {
    const at = position.get(other);
    if (at === undefined) return;
    const known = linked.get(id);
    if (known === undefined) linked.set(id, [at]);
    else known.push(at);
  };
  for (const edge of edges) {
    link(edge.from, edge.to);
    link(edge.to, edge.from);
  }
  const centre = (node: GraphNode): number => {
    const positions = linked.get(node.id) ?? [];
    return positions.length === 0 ? 0 : positions.reduce((sum, each) => sum + each, 0) / positions.length;
  };
  const centres = new Map(side.map((node) => [node.id, centre(node)]));
  return [...side].sort((a, b) => (centres.get(a.id) ?? 0) - (centres.get(b.id) ?? 0) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export function columnsGraph(columns: Columns, root: string): string {
  const sides = [ordered(columns.left, columns.middle, columns.edges), [...columns.middle], ordered(columns.right, columns.middle, columns.edges)];
  const widths = sides.map((nodes) => Math.max(0, ...nodes.map((node) => widthOf(node.label))));
  const rows = Math.max(...sides.map((nodes) => nodes.length));
  const height = rows * ROW + 8;
  const xs: number[] = [];
  let x = 4;
  for (const [index, width] of widths.entries()) {
    xs.push(x);
    x += width + (width === 0 || index === widths.length - 1 ? 0 : GAP);
  }
  const placed = new Map<string, { x: number; y: number; width: number }>();
  const body: string[] = [];
  const nodes: string[] = [];
  for (const [column, list] of sides.entries()) {
    // Each column is centred on the tallest.
    const top = 4 + ((rows - list.length) * ROW) / 2;
    for (const [row, node] of list.entries()) {
      const width = widthOf(node.label);
      const left = (xs[column] ?? 0) + ((widths[column] ?? 0) - width) / 2;
      const y = top + row * ROW;
      placed.set(`${column}:${node.id}`, { x: left, y, width });
      nodes.push(nodeSvg(node, left, y, width, root, node.id === columns.current));
    }
  }
  for (const edge of columns.edges) {
    // An edge runs from the left column to the middle, or from the middle to the right.
    const inward = [placed.get(`0:${edge.from}`), placed.get(`1:${edge.to}`)] as const;
    const [from, to] = inward[0] !== undefined && inward[1] !== undefined ? inward : [placed.get(`1:${edge.from}`), placed.get(`2:${edge.to}`)];
    if (from === undefined || to === undefined) continue;
    const x1 = from.x + from.width;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x - 2;
    const y2 = to.y + NODE_HEIGHT / 2;
    const bend = (x2 - x1) / 2;
    body.push(`<path class="edge" d="M${round(x1)} ${round(y1)}C${round(x1 + bend)} ${round(y1)} ${round(x2 - bend)} ${round(y2)} ${round(x2)} ${round(y2)}" marker-end="url(#arrow)"/>`);
  }
  return svg(x + 4, height, columns.title, [...body, ...nodes]);
}
