/**
 * The JSON Schema of scenario files, generated from the zod schemas: the
 * document's own shape plus, for every registered plugin, its options, so
 * editors can autocomplete generators, validators and format options.
 *
 * @module
 */
import { z } from "zod";
import { scenarioSchema } from "./scenario_schema.ts";
import { modifiersSchema } from "./compile.ts";
import type { Registry } from "./registry.ts";

type Json = Record<string, unknown>;

/**
 * A plugin's options as JSON Schema, with any `$defs` it needs (recursive
 * options) moved into the root's `$defs` under a prefix, so `$ref`s resolve
 * from the root of the scenario schema.
 */
function toJson(schema: z.ZodType, prefix?: string, rootDefs?: Record<string, Json>): Json {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  delete json.$schema;
  const defs = json.$defs as Record<string, Json> | undefined;
  if (!defs || prefix === undefined || rootDefs === undefined) return json;
  delete json.$defs;
  const rename = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          k === "$ref" && typeof x === "string" && x.startsWith("#/$defs/")
            ? `#/$defs/${prefix}${x.slice(8)}`
            : rename(x),
        ]),
      );
    }
    return v;
  };
  for (const [name, def] of Object.entries(defs)) {
    rootDefs[`${prefix}${name}`] = rename(def) as Json;
  }
  return rename(json) as Json;
}

/** Drops `required` everywhere in a schema (for files that override parts of a base). */
function withoutRequired(v: Json): Json {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === "object") {
      return Object.fromEntries(
        Object.entries(x).filter(([k]) => k !== "required").map(([k, y]) => [k, walk(y)]),
      );
    }
    return x;
  };
  return walk(v) as Json;
}

/**
 * Builds the JSON Schema for scenarios with the plugins of a registry.
 *
 * @param registry The plugins to describe.
 * @returns A JSON Schema (draft 2020-12) object.
 * @example
 * ```ts
 * import { builtinRegistry } from "./registry.ts";
 * import { scenarioJsonSchema } from "./json_schema.ts";
 * const schema = scenarioJsonSchema(await builtinRegistry());
 * console.log(JSON.stringify(schema).length > 0);
 * ```
 */
export function scenarioJsonSchema(registry: Registry): Json {
  const root = z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any" }) as Json;
  const defs = (root.$defs ?? {}) as Record<string, Json>;
  root.$id = "https://fabricate.dev/scenario.schema.json";
  root.title = "fabricate scenario";

  // Every modifier may be null: that removes one inherited through extends.
  // Each is defined once in $defs and referenced from every generator.
  const modifiers = Object.fromEntries(
    Object.entries((toJson(modifiersSchema).properties ?? {}) as Json).map(([k, v]) => {
      defs[`modifier_${k}`] = { anyOf: [v, { type: "null" }] };
      return [k, { $ref: `#/$defs/modifier_${k}` }];
    }),
  ) as Json;
  const generators = registry.names("generator").map((name) => {
    const plugin = registry.generator(name)!.plugin;
    return {
      type: "object",
      title: name,
      ...(plugin.description ? { description: plugin.description } : {}),
      // Options may be partial: a file extending another may set only some.
      properties: {
        [name]: withoutRequired(toJson(plugin.options, `generator_${name}_`, defs)),
        ...modifiers,
      },
      required: [name],
      // null removes a key inherited through extends (another generator's, say).
      additionalProperties: { type: "null" },
    };
  });
  defs.field = {
    description: "A field: one generator key with its options, plus modifiers; or a constant value",
    anyOf: [...generators, {
      type: "object",
      title: "modifiers",
      description: "Modifiers only: changes a field inherited through extends",
      properties: { ...modifiers },
      additionalProperties: false,
    }, {
      type: ["string", "number", "boolean", "null"],
      description: "A constant",
    }],
  };
  const onlyModifiers = (defs.field as { anyOf: Json[] }).anyOf[generators.length]!;

  const rule = (scope: "field" | "entity") =>
    registry.names("validator")
      .filter((n) => {
        const s = registry.validator(n)!.plugin.scope;
        return s === "both" || s === scope;
      })
      .map((name) => {
        const plugin = registry.validator(name)!.plugin;
        return {
          type: "object",
          title: name,
          ...(plugin.description ? { description: plugin.description } : {}),
          properties: { [name]: toJson(plugin.options, `validator_${name}_`, defs) },
          required: [name],
          additionalProperties: false,
        };
      });
  defs.entityRule = { anyOf: rule("entity") };
  const fieldRules = rule("field");
  const fieldRuleNames = registry.names("validator").filter((n) =>
    registry.validator(n)!.plugin.scope !== "entity"
  );
  const fieldRule = { anyOf: [...fieldRules, { type: "string", enum: fieldRuleNames }] };
  defs.fieldRules = {
    description: "Validator rules of a field: { format: email }, a list of them, or a bare name",
    anyOf: [fieldRule, { type: "array", items: fieldRule }, { type: "null" }],
  };
  for (const g of [...generators, onlyModifiers]) {
    (g.properties as Json).validate = { $ref: "#/$defs/fieldRules" };
  }

  const output = defs.output as Json;
  const props = (output.properties ?? {}) as Json;
  for (const name of registry.names("formatter")) {
    const plugin = registry.formatter(name)!.plugin;
    props[name] = {
      ...toJson(plugin.options, `formatter_${name}_`, defs),
      ...(plugin.description
        ? { description: `Options of the ${name} format: ${plugin.description}` }
        : {}),
    };
  }
  props.format = {
    anyOf: [
      { type: "string", enum: registry.names("formatter") },
      { type: "array", items: { type: "string", enum: registry.names("formatter") } },
    ],
  };
  output.properties = props;
  output.additionalProperties = false;
  root.$defs = defs;
  // A profile that extends a base may leave entities, counts and fields to
  // the base; the loader checks the merged result.
  root.required = ((root.required ?? []) as string[]).filter((k) => k !== "entities");
  const entity = ((root.properties as Json).entities as Json).additionalProperties as Json;
  delete entity.required;
  return root;
}
