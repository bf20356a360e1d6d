/**
 * `ref`: foreign keys. A child row draws a parent row *index* and the
 * parent's key is regenerated from it, so parents are never held in memory
 * and every key exists among the parent's keys.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import { hashKey } from "../../core/random.ts";
import type { RowContext } from "../../core/types.ts";
import { zipfExponent, zipfOptions, ZipfSampler } from "../_shared/distributions.ts";
import { Permutation } from "../_shared/permutation.ts";
import { matchingRows, maxSiblings, perParentPicker, treeParent } from "../_shared/ref_shapes.ts";

/** How a ref picks parents, by name. */
export const REF_DISTRIBUTIONS = ["uniform", "sequential", "shuffle", "zipf", "owner"] as const;

const target = z.string().min(1).describe(
  "The parent key: entity.field, or entity alone for its id field (else its first field)",
);

/**
 * Options of the `ref` generator: the target, or `{ to, distribution }`.
 *
 * @example
 * ```ts
 * import { refOptions } from "./ref.ts";
 * refOptions.parse("customers.id").distribution; // undefined: owner or uniform, decided in create()
 * ```
 */
export const refOptions = z.union([
  target,
  z.object({
    /** The parent key. */
    to: target,
    /** How parents are picked (default: owner for the owning parent, else uniform). */
    distribution: z.union([
      // A string rather than an enum, so a typo gets a did-you-mean hint.
      z.string().meta({
        description: "uniform, sequential (row i → parent i mod n), " +
          "shuffle (each parent once per n rows, in a random order), zipf (s = 1) or " +
          "owner (the parent the row belongs to, with count: { per: … }; the default there, " +
          "uniform elsewhere)",
        examples: [...REF_DISTRIBUTIONS],
      }),
      z.object({
        zipf: zipfOptions.describe(
          "A few parents get most children: { zipf: 1.1 } or { zipf: { s: 1.1 } }",
        ),
      }).strict(),
    ]).optional().describe(
      "How parents are picked: uniform, sequential, shuffle, zipf, { zipf: s } or owner " +
        "(default: owner when the rows are counted per this parent, else uniform)",
    ),
    /** Sampling without replacement within the owning parent. */
    distinct: z.literal("per_parent").optional().describe(
      "per_parent: rows of the same owning parent (count: { per: … }) point to distinct targets " +
        "(a seeded permutation per parent), e.g. a join table with unique (post_id, tag_id)",
    ),
    /** A self-reference forming a forest. */
    tree: z.object({
      roots: z.number().int().min(1).optional().describe(
        "How many rows are roots, with a null parent: the first ones (default 1)",
      ),
      depth: z.number().int().min(1).optional().describe(
        "The longest root-to-leaf path in edges: rows spread over depth + 1 levels",
      ),
      fanout: z.number().int().min(1).optional().describe(
        "At most this many children per row: a complete, breadth-first tree",
      ),
    }).strict().optional().describe(
      "A self-reference forming a forest: parent index < own index, no cycles, roots null",
    ),
    /** Only parents whose fields hold one of the listed values. */
    where: z.record(
      z.string().min(1),
      z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    ).optional().describe(
      "Only parents whose field is one of the values: { role: [approver, admin] }",
    ),
  }).strict(),
]).transform((o) =>
  typeof o === "string"
    ? {
      to: o,
      distribution: undefined,
      distinct: undefined,
      tree: undefined,
      where: undefined,
      at: [] as DocPath,
      distAt: [] as DocPath,
    }
    : { ...o, at: ["to"] as DocPath, distAt: ["distribution"] as DocPath }
);

/**
 * Foreign keys to another entity (or the same one, for hierarchies).
 *
 * `to` names the parent key: `customers.id`, or `customers` for its `id`
 * field (else its first field). How parents are picked:
 *
 * - `uniform` (default): any parent, equally likely;
 * - `sequential`: child row *i* → parent *i mod n* (one child each, in order);
 * - `shuffle`: every parent once per *n* children, in a random order that
 *   changes each round (distinct while there are no more children than
 *   parents);
 * - `zipf` (`{ zipf: 1.1 }`, `{ zipf: { s: 1.1 } }`): a few parents get most
 *   children. Which parents are popular is a seeded shuffle of the parent
 *   rows (not ids 1, 2, 3…), and the same for every ref to that parent key,
 *   so a heavy buyer in orders is a heavy reviewer in reviews too.
 * - `owner`: the parent row the child belongs to, when the child entity is
 *   counted per parent (`count: { per: orders, min: 1, max: 5 }`). It is
 *   the default for a ref to that parent, so `order_id: { ref: orders.id }`
 *   links each item to the order it was counted for.
 *
 * Templates can read the parent row: `{{customer_id.country}}`.
 *
 * @example In a scenario
 * ```yaml
 * orders:
 *   count: 5000
 *   fields:
 *     id:          { sequence: {} }
 *     customer_id: { ref: { to: customers.id, distribution: { zipf: 1.1 } } }
 *     product_id:  { ref: products }
 *     invoice_id:  { ref: { to: invoices.id, distribution: shuffle }, unique: true }
 * order_items:
 *   count: { per: orders, min: 1, max: 5 }
 *   fields:
 *     order_id:    { ref: orders.id }      # distribution owner: the order the item belongs to
 * ```
 */
export default definePlugin({
  name: "ref",
  kind: "generator",
  version: "1.0.0",
  description:
    "Foreign keys to another entity's field: uniform, sequential, shuffle, zipf or the owning parent",
  options: refOptions,
  create({ to, distribution, distinct: distinctness, tree, where, at, distAt }, setup) {
    const dot = to.indexOf(".");
    const entity = dot < 0 ? to : to.slice(0, dot);
    const info = setup.entities.get(entity);
    if (!info) {
      throw new PluginInputError(
        `Cannot reference "${to}": the scenario has no entity "${entity}"`,
        {
          hint: didYouMean(entity, [...setup.entities.keys()], "entities"),
          path: at,
        },
      );
    }
    const field = dot < 0
      ? (info.fields.includes("id") ? "id" : info.fields[0]!)
      : to.slice(dot + 1);
    if (!info.fields.includes(field)) {
      throw new PluginInputError(`Cannot reference "${to}": ${entity} has no field "${field}"`, {
        hint: didYouMean(field, info.fields, "fields"),
        path: at,
      });
    }
    if (entity === setup.entity && field === setup.field) {
      throw new PluginInputError(`Cannot reference "${to}": a field cannot point to itself`, {
        hint: `point to the entity's key, e.g. ${entity}.id`,
        path: at,
      });
    }
    const n = setup.count(entity);
    if (n === 0) {
      throw new PluginInputError(`Cannot reference ${entity}: it has 0 rows`, {
        hint: `give ${entity} a count of at least 1`,
        path: at,
      });
    }

    const owner = setup.owner;
    const name = distribution === undefined
      ? (owner?.entity === entity && !distinctness ? "owner" : "uniform")
      : typeof distribution === "string"
      ? distribution
      : "zipf";
    if (!(REF_DISTRIBUTIONS as readonly string[]).includes(name)) {
      throw new PluginInputError(`Unknown ref distribution "${name}"`, {
        expected: `one of ${REF_DISTRIBUTIONS.join(", ")}, or { zipf: 1.1 }`,
        hint: didYouMean(name, REF_DISTRIBUTIONS, "distributions"),
        path: distAt,
      });
    }
    if (name === "owner" && owner?.entity !== entity) {
      throw new PluginInputError(
        `Cannot use distribution "owner" for a ref to ${entity}: ${
          owner
            ? `${setup.entity} rows belong to ${owner.entity}, not ${entity}`
            : `${setup.entity} rows do not belong to parent rows`
        }`,
        {
          hint: owner
            ? `point the ref to ${owner.entity}, or pick another distribution`
            : `count ${setup.entity} per parent: count: { per: ${entity}, min: 1, max: 5 }`,
          path: distAt,
        },
      );
    }
    const rows = setup.count(setup.entity);

    if (tree) {
      if (entity !== setup.entity) {
        throw new PluginInputError(
          `A tree is a self-reference: ${setup.entity}.${setup.field} must point to ${setup.entity}, not ${entity}`,
          { hint: `to: ${setup.entity}.${field}`, path: at },
        );
      }
      if (distribution !== undefined || distinctness || where) {
        throw new PluginInputError(
          "A tree ref takes no distribution, distinct or where: its shape decides the parents",
          { hint: "remove distribution/distinct/where, or drop tree", path: ["tree"] },
        );
      }
      const parent = treeParent(rows, tree);
      const index = (row: RowContext) => parent(row.index, row.random);
      return {
        ref: { entity, field, index },
        cardinality: n,
        nullable: true,
        value: (row) => {
          const j = index(row);
          return Number.isNaN(j) ? null : setup.valueAt(entity, field, j);
        },
      };
    }

    // The distribution over m candidates; candidate k is parent row pick(k).
    const build = (m: number, pick: (k: number) => number): (row: RowContext) => number => {
      if (distinctness) {
        if (!owner) {
          throw new PluginInputError(
            `distinct: per_parent needs ${setup.entity} counted per parent rows`,
            {
              hint: `count ${setup.entity} per parent: count: { per: posts, min: 1, max: 5 }`,
              path: ["distinct"],
            },
          );
        }
        if (owner.entity === entity) {
          throw new PluginInputError(
            `distinct: per_parent on a ref to the owning parent ${entity} cannot differ within a parent`,
            { hint: "put distinct: per_parent on the other ref (e.g. tag_id)", path: ["distinct"] },
          );
        }
        if (distribution !== undefined) {
          throw new PluginInputError(
            "distinct: per_parent picks targets by a permutation; it takes no distribution",
            { hint: "remove distribution", path: distAt },
          );
        }
        const most = maxSiblings(owner, rows);
        if (most > m) {
          throw new PluginInputError(
            `Cannot give each ${owner.entity} row distinct ${entity}: a ${owner.entity} row has up to ${most} ${setup.entity} rows but only ${m} ${entity} row${
              m === 1 ? "" : "s"
            }${where ? " match where" : ""} can be picked`,
            {
              hint: `lower the per-parent max to ${m}, or raise the count of ${entity}`,
              path: ["distinct"],
            },
          );
        }
        const perParent = perParentPicker(
          owner,
          m,
          hashKey(setup.seed, "ref:per_parent", setup.entity, setup.field, entity, field),
        );
        return (row) => pick(perParent(row.index));
      }
      switch (name) {
        case "sequential":
          return (row) => pick(row.index % m);
        case "shuffle": {
          // Keyed by the child field too: two refs to customers shuffle differently.
          const perm = new Permutation(
            m,
            hashKey(setup.seed, "ref:shuffle", setup.entity, setup.field, entity, field),
          );
          return (row) => pick(perm.at(row.index % m, Math.floor(row.index / m)));
        }
        case "zipf": {
          const s = zipfExponent(typeof distribution === "object" ? distribution.zipf : undefined);
          const zipf = new ZipfSampler(m, s);
          // Keyed by the parent only: every ref to this key agrees on who is popular.
          const perm = new Permutation(m, hashKey(setup.seed, "ref:zipf", entity, field));
          return (row) => pick(perm.at(zipf.sample(row.random) - 1));
        }
        case "owner":
          return (row) => owner!.parentOf(row.index);
        default:
          return (row) => pick(row.random.int(0, m - 1));
      }
    };

    let index: (row: RowContext) => number;
    if (where) {
      if (name === "owner") {
        throw new PluginInputError("where cannot filter the owning parent", {
          hint: "pick another distribution, or drop where",
          path: ["where"],
        });
      }
      for (const f of Object.keys(where)) {
        if (!info.fields.includes(f)) {
          throw new PluginInputError(`Cannot filter ${entity} by "${f}": it has no such field`, {
            hint: didYouMean(f, info.fields, "fields"),
            path: ["where", f],
          });
        }
      }
      // Parent values are only readable once the run starts: find matches on first use.
      let lazy: ((row: RowContext) => number) | undefined;
      index = (row) => {
        if (!lazy) {
          const matches = matchingRows(n, where, (f, i) => setup.valueAt(entity, f, i));
          if (matches.length === 0) {
            throw new Error(
              `No ${entity} row matches where ${
                JSON.stringify(where)
              } for ${setup.entity}.${setup.field}`,
            );
          }
          lazy = build(matches.length, (k) => matches[k]!);
        }
        return lazy(row);
      };
    } else {
      index = build(n, (k) => k);
    }
    const distinct = !where && !distinctness &&
      (name === "sequential" || name === "shuffle") && rows <= n;
    return {
      ref: { entity, field, index },
      cardinality: n,
      ...(distinct ? { distinct: true } : {}),
      ...(distinctness
        ? { perParent: "distinct" as const }
        : name === "owner"
        ? { perParent: "owner" as const }
        : {}),
      value: (row) => setup.valueAt(entity, field, index(row)),
    };
  },
});
