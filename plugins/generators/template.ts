/**
 * `template`: text built from other fields of the same row and of parent
 * rows, e.g. `{{first_name}}.{{last_name}}@example.com`.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import { type Transform, TRANSFORMS } from "../../core/transforms.ts";
import type { RowContext } from "../../core/types.ts";

/**
 * Options of the `template` generator: the text, or `{ text }`.
 *
 * @example
 * ```ts
 * import { templateOptions } from "./template.ts";
 * templateOptions.parse("{{first_name}}@example.com").text; // "{{first_name}}@example.com"
 * ```
 */
export const templateOptions = z.union([
  z.string().describe(
    "Text with {{field}}, {{ref_field.parent_field}} and {{field | lower}} placeholders",
  ),
  z.object({
    /** The text with placeholders. */
    text: z.string().describe(
      "Text with {{field}}, {{ref_field.parent_field}} and {{field | lower}} placeholders",
    ),
  }).strict(),
]).transform((o) =>
  typeof o === "string" ? { text: o, at: [] as DocPath } : { text: o.text, at: ["text"] as DocPath }
);

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A placeholder, compiled. */
interface Placeholder {
  /** The field of this row (a ref field when `parent` is set). */
  readonly field: string;
  /** The parent's field, for `{{ref_field.parent_field}}`. */
  readonly parent: string | undefined;
  /** Transforms applied in order. */
  readonly transforms: readonly Transform[];
}

/** A template split into literal text and placeholders: `texts.length === holes.length + 1`. */
interface Compiled {
  readonly texts: readonly string[];
  readonly holes: readonly Placeholder[];
}

function compileTemplate(
  text: string,
  fields: readonly string[],
  self: string,
  at: DocPath,
): Compiled {
  const texts: string[] = [];
  const holes: Placeholder[] = [];
  let pos = 0;
  for (;;) {
    const open = text.indexOf("{{", pos);
    if (open < 0) break;
    const close = text.indexOf("}}", open + 2);
    if (close < 0) {
      throw new PluginInputError(
        `Cannot read template "${text}": "{{" at position ${open + 1} is never closed`,
        {
          hint: `close it with "}}", e.g. {{first_name}}`,
          path: at,
        },
      );
    }
    texts.push(text.slice(pos, open));
    holes.push(compileHole(text.slice(open + 2, close), text, fields, self, at));
    pos = close + 2;
  }
  texts.push(text.slice(pos));
  return { texts, holes };
}

function compileHole(
  inner: string,
  text: string,
  fields: readonly string[],
  self: string,
  at: DocPath,
): Placeholder {
  const [path = "", ...pipes] = inner.split("|").map((s) => s.trim());
  const [field = "", parent, ...extra] = path.split(".");
  if (!NAME.test(field) || (parent !== undefined && !NAME.test(parent)) || extra.length > 0) {
    throw new PluginInputError(
      `Cannot read template "${text}": "{{${inner}}}" is not a placeholder`,
      {
        expected: "{{field}}, {{ref_field.parent_field}} or {{field | transform}}",
        path: at,
      },
    );
  }
  if (field === self) {
    throw new PluginInputError(
      `Template placeholder "{{${inner}}}" reads the field the template is for`,
      {
        hint: "a field cannot be built from itself; read other fields of the row",
        path: at,
      },
    );
  }
  if (!fields.includes(field)) {
    throw new PluginInputError(`Unknown field "${field}" in template placeholder "{{${inner}}}"`, {
      hint: didYouMean(field, fields.filter((f) => f !== self), "fields"),
      path: at,
    });
  }
  const transforms = pipes.map((name) => {
    const fn = TRANSFORMS[name];
    if (!fn) {
      throw new PluginInputError(
        `Unknown transform "${name}" in template placeholder "{{${inner}}}"`,
        {
          hint: didYouMean(name, Object.keys(TRANSFORMS), "transforms"),
          path: at,
        },
      );
    }
    return fn;
  });
  return { field, parent, transforms };
}

function render(hole: Placeholder, row: RowContext): string {
  const v = hole.parent === undefined ? row.get(hole.field) : row.lookup(hole.field, hole.parent);
  let s = v === null || v === undefined
    ? ""
    : typeof v === "string"
    ? v
    : typeof v === "object"
    ? JSON.stringify(v)
    : String(v);
  for (const t of hole.transforms) s = t(s);
  return s;
}

/**
 * Where a unique retry's number goes: right before the first `@` of the
 * literal text (the end of an email's local part, so the domain stays
 * intact), else right after the last placeholder.
 *
 * @param texts The literal pieces around the placeholders.
 * @returns The literal piece and the offset in it.
 * @example
 * ```ts
 * import { suffixSpot } from "./template.ts";
 * suffixSpot(["", ".", "@", ""]); // { segment: 2, offset: 0 }
 * suffixSpot(["user-", ""]); // { segment: 1, offset: 0 }
 * ```
 */
export function suffixSpot(texts: readonly string[]): { segment: number; offset: number } {
  // Only pieces after a placeholder: an @ before any placeholder is not a local part's end.
  for (let k = 1; k < texts.length; k++) {
    const at = texts[k]!.indexOf("@");
    if (at >= 0) return { segment: k, offset: at };
  }
  return { segment: texts.length - 1, offset: 0 };
}

/**
 * Text made of other fields: emails, usernames, display names, addresses.
 *
 * - `{{field}}` is a field of the same row (hidden fields included);
 * - `{{ref_field.parent_field}}` is a field of the parent row that the ref
 *   field `ref_field` points to;
 * - `{{field | lower | ascii}}` applies transforms (the same ones as the
 *   `transform` modifier) in order;
 * - null renders as nothing.
 *
 * **Uniqueness**: a template has no randomness of its own, so when a
 * `unique: true` template collides, the kernel retries with `attempt` 1, 2…
 * and the template puts the number `attempt + 1` at the end of an email's
 * local part (right before the first `@` that follows a placeholder, or the
 * last `@` a placeholder rendered), else right after the text of its last
 * placeholder: `anna.smith@example.com`,
 * then `anna.smith2@example.com`, `anna.smith3@example.com`… even when the
 * domain is itself a placeholder (`{{user}}@{{domain}}` → `anna2@yopmail.com`).
 *
 * @example In a scenario
 * ```yaml
 * first_name: { faker: person.firstName, hidden: true }
 * last_name:  { faker: person.lastName }
 * email:      { template: "{{first_name | lower | ascii}}.{{last_name | lower | ascii}}@example.com", unique: true }
 * ship_to:    { template: "{{customer_id.first_name}} {{customer_id.last_name}}" }   # customer_id is a ref
 * ```
 */
export default definePlugin({
  name: "template",
  kind: "generator",
  version: "1.0.0",
  description:
    "Text with {{field}}, {{ref_field.parent_field}} and {{field | transform}} placeholders",
  options: templateOptions,
  create({ text, at }, setup) {
    const fields = setup.entities.get(setup.entity)?.fields ?? [];
    const { texts, holes } = compileTemplate(
      text,
      fields,
      setup.anomaly === undefined ? setup.field : "",
      at,
    );
    const uses = [...new Set(holes.map((h) => h.field))];
    const lookups = holes.flatMap((
      h,
    ): [string, string][] => (h.parent === undefined ? [] : [[h.field, h.parent]]));
    const n = holes.length;
    if (n === 0) {
      const constant = texts[0]!;
      return { type: "string", cardinality: 1, value: () => constant };
    }
    const { segment, offset } = suffixSpot(texts);
    const literalAt = texts.slice(1).some((t) => t.includes("@"));
    return {
      type: "string",
      uses,
      ...(lookups.length ? { lookups } : {}),
      value: (row) => {
        const put = (k: number) => {
          const t = texts[k]!;
          return row.attempt > 0 && k === segment
            ? t.slice(0, offset) + (row.attempt + 1) + t.slice(offset)
            : t;
        };
        let out = put(0);
        for (let i = 0; i < n; i++) out += render(holes[i]!, row) + put(i + 1);
        if (row.attempt > 0 && !literalAt) {
          // No literal @: keep a rendered email's domain intact (`{{email}}`).
          const tail = texts[n]!.length;
          const cut = out.lastIndexOf("@", out.length - tail - 1);
          const end = out.length - tail;
          const digits = String(row.attempt + 1);
          if (cut >= 0) {
            out = out.slice(0, end - digits.length) + out.slice(end);
            out = out.slice(0, cut) + digits + out.slice(cut);
          }
        }
        return out;
      },
    };
  },
});
