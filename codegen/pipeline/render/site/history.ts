/**
 * An event's history for its page: each kept version against the next, field by field (added,
 * removed, changed; breaking or not, by the rules `eventspec diff` applies), with what its
 * upcaster does, and the kept version's own fields.
 */
import type { Change } from '../../../diff/diff.ts';
import type { CatalogueModel, EventModel } from '../../model.ts';
import { versionSteps } from '../../versions.ts';
import { escapeHtml, fieldId } from './html.ts';
import { renderTree, treePaths } from './tree.ts';

export interface HistoryStepView {
  readonly from: number;
  readonly to: number;
  readonly breaking: boolean;
  /** How events of `from` become `to`: an upcaster's description, or read as they are. */
  readonly note: string;
  readonly changes: readonly { readonly kind: 'added' | 'removed' | 'changed'; readonly breaking: boolean; readonly message: string; readonly link: string }[];
  /** The fields of version `from`. */
  readonly tree: string;
}

/** `x` in a diff message is code. */
function messageHtml(message: string): string {
  return escapeHtml(message).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function kindOf(change: Change): 'added' | 'removed' | 'changed' {
  if (change.rule.endsWith('-added')) return 'added';
  if (change.rule.endsWith('-removed')) return 'removed';
  return 'changed';
}

/** Newest step first, as a changelog reads. */
export function historyOf(model: CatalogueModel, event: EventModel, root: string): HistoryStepView[] {
  const payloads = new Map([...event.previous.map((previous) => [previous.version, previous.payload] as const), [event.version, event.payload]]);
  const prefix = (version: number): string => (version === event.version ? '' : `v${version}-`);
  /** A link to the field in the version that has it: the older one for a removal, else the newer. */
  const paths = new Map<number, Set<string>>();
  const pathsOf = (version: number): Set<string> => {
    let known = paths.get(version);
    if (known === undefined) {
      const payload = payloads.get(version);
      known = payload === undefined ? new Set() : treePaths(payload);
      paths.set(version, known);
    }
    return known;
  };
  const fieldLink = (change: Change, from: number, to: number): string => {
    const version = kindOf(change) === 'removed' ? from : to;
    return change.field !== '' && pathsOf(version).has(change.field) ? `#${fieldId(prefix(version), change.field)}` : '';
  };
  return versionSteps(model, event).reverse().map((step) => {
    const breakingChanges = new Set(step.breaking);
    const payload = payloads.get(step.from);
    return {
      from: step.from,
      to: step.to,
      breaking: step.breaking.length > 0,
      note: step.upcast === undefined ? `Events of version ${step.from} are read as version ${step.to} as they are (compatible).` : `Upcast to version ${step.to}: ${messageHtml(step.upcast)}`,
      changes: step.changes.map((change) => ({
        kind: kindOf(change),
        breaking: breakingChanges.has(change),
        message: messageHtml(change.message),
        link: fieldLink(change, step.from, step.to),
      })),
      tree: payload === undefined ? '' : renderTree(payload, { root, idPrefix: `v${step.from}-` }),
    };
  });
}
