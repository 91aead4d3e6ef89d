/**
 * Where in the YAML file a problem is: zod reports paths (`fields.title.steps[2].lookup.table`), people read lines.
 * The path is followed through the parsed document's nodes (the yaml library keeps each node's source range) as far
 * as it exists; a misspelt key points at the key itself, a missing one at the map that lacks it.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export interface Location {
  line: number;
  column: number;
}

function childOf(
  document: Document,
  node: unknown,
  segment: string | number,
): { node: unknown; key?: unknown } | undefined {
  const target = isAlias(node) ? node.resolve(document) : node;
  if (isMap(target)) {
    const pair = target.items.find(
      (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
    );
    if (pair === undefined) return undefined;
    return { node: pair.value ?? pair.key, key: pair.key };
  }
  if (isSeq(target) && typeof segment === 'number') {
    const item = target.items[segment];
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}

function start(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range?.[0];
}

/** The line of the node at `path`, or of its key when `key` names a key of that node (unknown keys). */
export function locate(document: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): Location {
  let node: unknown = document.contents;
  let keyOfNode: unknown;
  for (const segment of path) {
    const child = childOf(document, node, segment as string | number);
    if (child === undefined) {
      // The map lacks the entry: its own key (`fields:`) is where a person adds it.
      if (keyOfNode !== undefined && key === undefined) node = keyOfNode;
      break;
    }
    node = child.node;
    keyOfNode = child.key;
  }
  if (key !== undefined) {
    const child = childOf(document, node, key);
    if (child?.key !== undefined) node = child.key;
  }
  const offset = start(node) ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number'
        ? `${text}[${segment}]`
        : text === ''
          ? String(segment)
          : `${text}.${String(segment)}`,
    '',
  );
}
