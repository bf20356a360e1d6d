/**
 * Shapes a foreign key can take beyond "pick a parent": sampling without
 * replacement within an owning parent (`distinct: per_parent`), forests
 * (`tree`) and parent filters (`where`). Each is a pure function of the row
 * index (and the row's random stream), so random access is kept.
 *
 * @module
 */
import { PluginInputError } from "../../core/errors.ts";
import type { OwnerInfo } from "../../core/types.ts";
import { Permutation } from "./permutation.ts";

/**
 * The most rows any parent owns, found by walking the owner's groups
 * (O(parents · log parents), no memory).
 *
 * @param owner How rows map onto parents.
 * @param rows The child entity's row count.
 * @returns The largest group size (0 without rows).
 * @example
 * ```ts ignore
 * maxSiblings(setup.owner!, setup.count(setup.entity)); // e.g. 5
 * ```
 */
export function maxSiblings(owner: OwnerInfo, rows: number): number {
  let max = 0;
  for (let i = 0; i < rows;) {
    const s = owner.siblingsOf(i);
    if (s > max) max = s;
    i += Math.max(1, s - owner.positionOf(i));
  }
  return max;
}

/**
 * Maps row `i` to a target index so that rows of the same owning parent get
 * distinct targets: position `p` of parent `q` → `perm_q(p)`, a seeded
 * permutation of `[0, m)` chosen by the parent.
 *
 * @param owner How rows map onto parents.
 * @param m The number of targets to choose from.
 * @param key The 32-bit key of the permutation family.
 * @returns The target index of a row index.
 * @example
 * ```ts ignore
 * const pick = perParentPicker(setup.owner!, 50, key);
 * pick(0) !== pick(1); // when rows 0 and 1 share a parent
 * ```
 */
export function perParentPicker(
  owner: OwnerInfo,
  m: number,
  key: number,
): (i: number) => number {
  const perm = new Permutation(m, key);
  return (i) => perm.at(owner.positionOf(i), owner.parentOf(i) + 1);
}

/** Options of a tree (a self-reference forming a forest). */
export interface TreeOptions {
  /** How many rows are roots (the first ones; default 1). */
  roots?: number | undefined;
  /** The longest root-to-leaf path, in edges. */
  depth?: number | undefined;
  /** At most this many children per row (a breadth-first, complete tree). */
  fanout?: number | undefined;
}

/** Where the tree's random draws come from. */
export interface Draw {
  /** A uniform integer in `[min, max]`. */
  int(min: number, max: number): number;
}

/**
 * Builds the parent function of a forest over `n` rows: roots are rows
 * `0 … roots-1` (parent NaN, written as null); every other row's parent has
 * a smaller index, so there are no self loops and no cycles.
 *
 * - only `roots`: a random recursive forest (parent uniform among earlier rows);
 * - `fanout: F`: breadth-first, complete: row `i`'s parent is `⌊(i − roots) / F⌋`;
 * - `depth: D`: rows are split into `D + 1` levels growing geometrically; a
 *   row's parent is drawn from the level above, so the deepest path has
 *   exactly `D` edges (memory: `D + 2` numbers).
 *
 * @param n The row count.
 * @param options The tree's shape.
 * @returns `parent(i, draw)`: the parent index of row `i`, or NaN for a root.
 * @throws PluginInputError when the shape is impossible for `n` rows.
 * @example
 * ```ts
 * import { treeParent } from "./ref_shapes.ts";
 * const parent = treeParent(7, { fanout: 2 });
 * parent(0, { int: (a) => a }); // NaN: a root
 * parent(6, { int: (a) => a }); // 2
 * ```
 */
export function treeParent(
  n: number,
  options: TreeOptions,
): (i: number, draw: Draw) => number {
  const roots = options.roots ?? 1;
  if (options.depth !== undefined && options.fanout !== undefined) {
    throw new PluginInputError("A tree takes depth or fanout, not both", {
      hint:
        "fanout: F builds a complete tree (its depth follows); depth: D spreads rows over D levels",
      path: ["tree"],
    });
  }
  if (roots > n) {
    throw new PluginInputError(
      `A tree with ${roots} roots needs at least ${roots} rows (got ${n})`,
      {
        hint: `lower roots to at most ${n}`,
        path: ["tree", "roots"],
      },
    );
  }
  if (options.fanout !== undefined) {
    const f = options.fanout;
    return (i) => (i < roots ? NaN : Math.floor((i - roots) / f));
  }
  if (options.depth !== undefined) {
    const d = options.depth;
    if (n < roots + d) {
      throw new PluginInputError(
        `A tree of depth ${d} with ${roots} root${roots === 1 ? "" : "s"} needs at least ${
          roots + d
        } rows (got ${n})`,
        { hint: `lower depth to at most ${n - roots} or raise the count`, path: ["tree", "depth"] },
      );
    }
    const bounds = levelBounds(n, roots, d);
    return (i, draw) => {
      if (i < roots) return NaN;
      // Level k holds rows [bounds[k], bounds[k + 1]); few levels, so scan.
      let k = 1;
      while (i >= bounds[k + 1]!) k++;
      return draw.int(bounds[k - 1]!, bounds[k]! - 1);
    };
  }
  return (i, draw) => (i < roots ? NaN : draw.int(0, i - 1));
}

/**
 * Level boundaries for a tree of `depth` levels below `roots` roots over
 * `n` rows: `b[0] = 0`, `b[1] = roots`, `b[depth + 1] = n`, sizes growing
 * geometrically and every level non-empty.
 */
function levelBounds(n: number, roots: number, depth: number): number[] {
  // Find g with roots · (1 + g + … + g^depth) = n (g ≥ 0) by bisection.
  const total = (g: number) => {
    let s = 0, t = 1;
    for (let k = 0; k <= depth; k++) s += t, t *= g;
    return roots * s;
  };
  let lo = 0, hi = 2;
  while (total(hi) < n) hi *= 2;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < n) lo = mid;
    else hi = mid;
  }
  const bounds = [0, roots];
  let size = roots, acc = roots;
  for (let k = 1; k <= depth; k++) {
    size *= hi;
    acc += size;
    const left = depth - k; // levels still to fill after this one
    const b = Math.min(n - left, Math.max(bounds[k]! + 1, Math.round(acc)));
    bounds.push(b);
  }
  bounds[depth + 1] = n;
  return bounds;
}

/**
 * The indexes of the parent rows whose field values are in the allowed
 * lists, found by scanning the parent once (held as a Float64Array: 8 bytes
 * per matching parent row).
 *
 * @param n The parent's row count.
 * @param where Field → allowed values (compared as text).
 * @param valueAt Reads a parent field by row index.
 * @returns The matching indexes, ascending.
 * @example
 * ```ts
 * import { matchingRows } from "./ref_shapes.ts";
 * const roles = ["admin", "user", "approver"];
 * matchingRows(3, { role: ["admin", "approver"] }, (_f, i) => roles[i]); // Float64Array [0, 2]
 * ```
 */
export function matchingRows(
  n: number,
  where: Readonly<Record<string, readonly unknown[]>>,
  valueAt: (field: string, index: number) => unknown,
): Float64Array {
  const tests = Object.entries(where).map(([field, values]) => ({
    field,
    allowed: new Set(values.map((v) => String(v))),
  }));
  let out = new Float64Array(Math.min(n, 1024));
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const t of tests) {
      const v = valueAt(t.field, i);
      if (v === null || v === undefined || !t.allowed.has(String(v))) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (m === out.length) {
      const bigger = new Float64Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[m++] = i;
  }
  return out.slice(0, m);
}
