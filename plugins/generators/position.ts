/**
 * `position`: the row's place among its parent's rows (line numbers of
 * order items), for entities counted per parent.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";

/**
 * Options of the `position` generator.
 *
 * @example
 * ```ts
 * import { positionOptions } from "./position.ts";
 * positionOptions.parse({}); // { start: 1 }
 * ```
 */
export const positionOptions = z.object({
  /** The number of each parent's first row. */
  start: z.number().int().default(1).describe(
    "The number of each parent's first row (default 1; 0 for 0-based positions)",
  ),
  /** What to give: the row's position, its parent's row count, or whether it is the last. */
  of: z.enum(["position", "siblings", "last"]).default("position").describe(
    "position (default), siblings (how many rows the parent has) or last (true for the parent's last row)",
  ),
}).strict().prefault({});

/**
 * The row's position among the rows of its parent: 1, 2, 3 for the items
 * of an order, starting again at 1 for the next order. It needs an entity
 * whose rows belong to parent rows, i.e. one counted with
 * `count: { per: <parent>, min, max }`.
 *
 * @example In a scenario
 * ```yaml
 * order_items:
 *   count: { per: orders, min: 1, max: 5 }
 *   fields:
 *     order_id: { ref: orders.id }         # the owning order
 *     line_no:  { position: {} }           # 1, 2, … within each order
 * ```
 */
export default definePlugin({
  name: "position",
  kind: "generator",
  version: "1.0.0",
  description: "The row's position (1, 2, …) among its parent's rows, for per-parent counts",
  options: positionOptions,
  create({ start, of }, setup) {
    const owner = setup.owner;
    if (!owner) {
      throw new PluginInputError(
        `Cannot number ${setup.entity}.${setup.field} within a parent: ${setup.entity} rows do not belong to parent rows`,
        {
          hint:
            `count ${setup.entity} per parent row: count: { per: <parent entity>, min: 1, max: 5 }; for a running number use { sequence: {} }`,
        },
      );
    }
    if (of === "siblings") return { type: "integer", value: (row) => owner.siblingsOf(row.index) };
    if (of === "last") {
      return {
        type: "boolean",
        cardinality: 2,
        value: (row) => owner.positionOf(row.index) === owner.siblingsOf(row.index) - 1,
      };
    }
    // Distinct among one parent's rows: with the owner ref it makes a composite key.
    return {
      type: "integer",
      perParent: "distinct",
      value: (row) => owner.positionOf(row.index) + start,
    };
  },
});
