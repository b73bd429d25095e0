import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Scalar,
} from 'yaml';

/** A path as zod reports it: map keys and sequence indexes. */
export type NodePath = readonly PropertyKey[];

export interface ValueScalar {
  scalar: Scalar;
  path: NodePath;
}

/** Every scalar that is a value (never a key) with its path, in document order. */
export function valueScalars(doc: Document): ValueScalar[] {
  const found: ValueScalar[] = [];
  const walk = (node: unknown, path: NodePath): void => {
    if (isScalar(node)) found.push({ scalar: node, path });
    else if (isMap(node))
      node.items.forEach((pair) => walk(pair.value, [...path, keyText(pair.key)]));
    else if (isSeq(node)) node.items.forEach((item, index) => walk(item, [...path, index]));
    // Aliases are skipped: their anchor is visited where it is defined.
  };
  walk(doc.contents, []);
  return found;
}

/**
 * Source offset to report a problem at `path`: the key of a map entry (where an admin looks for
 * it, even when its value is a block on the next lines), a sequence item, or, when the path does
 * not exist (a missing key), its nearest existing parent; `undefined` means the document itself.
 * Walked by hand rather than with `doc.getIn`, which misses a key written as a number (`8469:`)
 * when zod reports it as the string "8469", and does not follow aliases.
 */
export function problemOffset(doc: Document, path: NodePath): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const offset = entryOffset(doc, path.slice(0, length));
    if (offset !== undefined) return offset;
  }
  return undefined;
}

function entryOffset(doc: Document, path: NodePath): number | undefined {
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => keyText(p.key) === String(last));
    return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    return isNode(item) ? item.range?.[0] : undefined;
  }
  return undefined;
}

function nodeAt(doc: Document, path: NodePath): Node | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) node = node.items.find((p) => keyText(p.key) === String(segment))?.value;
    else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else return undefined;
  }
  if (isAlias(node)) node = node.resolve(doc);
  return isNode(node) ? node : undefined;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}
