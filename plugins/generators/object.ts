/**
 * `object`: a nested JSON value assembled from fields of the same row, for
 * documents shaped like a template (`{ user_profile: { contact: { email } } }`)
 * rather than flat rows. The parts are ordinary fields, usually `hidden`.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { RowContext } from "../../core/types.ts";

/** A node of an object's shape: a field name, a nested object or a list of nodes. */
export type ObjectShape = string | ObjectShape[] | { [key: string]: ObjectShape };

const shape: z.ZodType<ObjectShape> = z.lazy(() =>
  z.union([
    z.string().min(1).describe(
      "A field of the same row (hidden ones included), or ref_field.parent_field",
    ),
    z.array(shape),
    z.record(z.string(), shape),
  ])
);

/**
 * Options of the `object` generator: the shape, a map whose leaves name
 * fields of the same row.
 *
 * @example
 * ```ts
 * import { objectOptions } from "./object.ts";
 * objectOptions.parse({ name: "first_name", contact: { email: "email" } });
 * // { name: "first_name", contact: { email: "email" } }
 * ```
 */
export const objectOptions: z.ZodType<Record<string, ObjectShape>> = z.record(
  z.string(),
  shape,
).describe(
  "Keys of the object; each value is a field name, a nested map or a list",
);

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A shape whose leaves are resolved to readers of the row. */
type Node =
  | { readonly kind: "field"; readonly read: (row: RowContext) => unknown }
  | { readonly kind: "list"; readonly items: readonly Node[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [string, Node])[] };

interface Reads {
  readonly uses: Set<string>;
  readonly lookups: [string, string][];
}

function compileShape(
  node: ObjectShape,
  path: DocPath,
  fields: readonly string[],
  self: string,
  reads: Reads,
): Node {
  if (typeof node === "string") return compileLeaf(node, path, fields, self, reads);
  if (Array.isArray(node)) {
    return {
      kind: "list",
      items: node.map((n, i) => compileShape(n, [...path, i], fields, self, reads)),
    };
  }
  return {
    kind: "map",
    entries: Object.entries(node).map(([k, n]) =>
      [k, compileShape(n, [...path, k], fields, self, reads)] as const
    ),
  };
}

function compileLeaf(
  leaf: string,
  path: DocPath,
  fields: readonly string[],
  self: string,
  reads: Reads,
): Node {
  const [field = "", parent, ...extra] = leaf.split(".");
  if (!NAME.test(field) || (parent !== undefined && !NAME.test(parent)) || extra.length) {
    throw new PluginInputError(`Cannot read "${leaf}" in object: it is not a field name`, {
      expected: "a field of the same row, or ref_field.parent_field",
      path,
    });
  }
  if (field === self) {
    throw new PluginInputError(`Object part "${leaf}" reads the field the object is for`, {
      hint: "an object is built from other fields of the row",
      path,
    });
  }
  if (!fields.includes(field)) {
    throw new PluginInputError(`Unknown field "${field}" in object`, {
      hint: didYouMean(field, fields.filter((f) => f !== self), "fields"),
      path,
    });
  }
  reads.uses.add(field);
  if (parent === undefined) return { kind: "field", read: (row) => row.get(field) };
  reads.lookups.push([field, parent]);
  return { kind: "field", read: (row) => row.lookup(field, parent) };
}

function build(node: Node, row: RowContext): unknown {
  switch (node.kind) {
    case "field": {
      const v = node.read(row);
      return v === undefined ? null : v;
    }
    case "list":
      return node.items.map((n) => build(n, row));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, n] of node.entries) out[k] = build(n, row);
      return out;
    }
  }
}

/**
 * Nested JSON built from fields of the same row. Each leaf names a field
 * (hidden fields included) or, through a ref field, a field of the parent
 * row (`customer_id.country`); nested maps become nested objects and lists
 * become arrays. Values keep their types; nulls stay as `null`. The column
 * has type `json`: JSON, JSONL and YAML write it nested, CSV and SQL as JSON
 * text.
 *
 * @example In a scenario
 * ```yaml
 * first_name: { faker: person.firstName, hidden: true }
 * email:      { faker: internet.email, hidden: true }
 * phone:      { faker: phone.number, hidden: true }
 * user_profile:
 *   object: { name: first_name, contact: { email: email, phones: [phone] } }
 * ```
 */
export default definePlugin({
  name: "object",
  kind: "generator",
  version: "1.0.0",
  description: "Nested JSON from fields of the same row: { name: first_name, contact: { … } }",
  options: objectOptions,
  create(options, setup) {
    const fields = setup.entities.get(setup.entity)?.fields ?? [];
    const reads: Reads = { uses: new Set(), lookups: [] };
    const root = compileShape(options, [], fields, setup.field, reads);
    return {
      type: "json",
      uses: [...reads.uses],
      ...(reads.lookups.length ? { lookups: reads.lookups } : {}),
      value: (row) => build(root, row),
    };
  },
});
