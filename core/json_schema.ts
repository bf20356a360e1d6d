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

function toJson(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  delete json.$schema;
  return json;
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

  const modifiers = (toJson(modifiersSchema).properties ?? {}) as Json;
  const generators = registry.names("generator").map((name) => {
    const plugin = registry.generator(name)!.plugin;
    return {
      type: "object",
      title: name,
      ...(plugin.description ? { description: plugin.description } : {}),
      properties: { [name]: toJson(plugin.options), ...modifiers },
      required: [name],
      additionalProperties: false,
    };
  });
  defs.field = {
    description: "A field: one generator key with its options, plus modifiers; or a constant value",
    anyOf: [...generators, {
      type: ["string", "number", "boolean", "null"],
      description: "A constant",
    }],
  };

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
          properties: { [name]: toJson(plugin.options) },
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
  for (const g of generators) {
    (g.properties as Json).validate = { anyOf: [fieldRule, { type: "array", items: fieldRule }] };
  }

  const output = defs.output as Json;
  const props = (output.properties ?? {}) as Json;
  for (const name of registry.names("formatter")) {
    const plugin = registry.formatter(name)!.plugin;
    props[name] = {
      ...toJson(plugin.options),
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
  // A profile that extends a base may leave entities to the base.
  root.required = ((root.required ?? []) as string[]).filter((k) => k !== "entities");
  return root;
}
