/**
 * `fabricate plugin new <name> --kind generator|validator|formatter`:
 * scaffold a plugin and its test in the current folder, ready to load with
 * `plugins: [./<name>.ts]`. See docs/plugins.md for the contract.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { didYouMean } from "../core/did_you_mean.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";

const FLAGS: Record<string, FlagSpec> = {
  kind: {
    type: "string",
    short: "k",
    value: "KIND",
    help: "generator (default), validator or formatter",
  },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate plugin new <name> [--kind generator|validator|formatter]

Write <name>.ts (a working plugin) and <name>_test.ts (its tests) into the
current folder. Existing files are never overwritten. Load the plugin with
"plugins: [./<name>.ts]" in a scenario, or in deno.json's fabricate.plugins;
run its tests with the command it prints (fabricate's config gives the
imports; the test needs read access and the two variables the YAML library reads).

Options:
${flagsHelp(FLAGS)}

Guide: docs/plugins.md
`;

const KINDS = ["generator", "validator", "formatter"] as const;
type Kind = typeof KINDS[number];

/**
 * Runs `plugin`.
 *
 * @param args The arguments after `plugin`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await pluginCommand(["new", "dice", "--kind", "generator"]);
 * ```
 */
export default async function pluginCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help || positionals.length === 0) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const [action, name, ...rest] = positionals;
  if (action !== "new") {
    throw new UsageError(
      `Unknown action "${action}" for fabricate plugin`,
      'the only action is "new": fabricate plugin new <name> --kind generator',
    );
  }
  if (!name) throw new UsageError("Missing <name>", "fabricate plugin new <name> --kind generator");
  if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}"`);
  if (!/^[a-z][a-z0-9_-]*$/i.test(name)) {
    throw new UsageError(
      `Cannot name a plugin "${name}"`,
      "use a word of letters, digits, - or _, starting with a letter (it is the key in scenario files)",
    );
  }
  const kind = (values.kind ?? "generator") as string;
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`Unknown plugin kind "${kind}"`, didYouMean(kind, [...KINDS], "kinds"));
  }
  const cwd = Deno.cwd();
  const files = [`${name}.ts`, `${name}_test.ts`];
  for (const file of files) {
    if (await exists(`${cwd}/${file}`)) {
      throw new UsageError(
        `Cannot write "${file}": it already exists`,
        "pick another name or move the file away; fabricate plugin new never overwrites",
      );
    }
  }
  const mod = modSpecifier(cwd);
  const [plugin, test] = TEMPLATES[kind as Kind](name, mod);
  await Deno.writeTextFile(`${cwd}/${files[0]}`, plugin, { createNew: true });
  await Deno.writeTextFile(`${cwd}/${files[1]}`, test, { createNew: true });
  console.error(`Wrote ${files[0]} and ${files[1]}

Next:
  ${testCommand(cwd, files[1]!)}
                                          # run its tests
  add "plugins: [./${files[0]}]" to a scenario     # and use it as ${
    kind === "generator"
      ? `field: { ${name}: {} }`
      : kind === "validator"
      ? `validate: ${name}`
      : `output: { format: ${name} }`
  }
  fabricate plugins --scenario <scenario>  # shows it runs sandboxed and what it may touch
Guide: docs/plugins.md`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The command that runs a scaffolded test as printed: from a local copy,
 * fabricate's deno.json supplies the import map (zod, yaml, faker).
 */
function testCommand(cwd: string, test: string): string {
  const perms = "--allow-read --allow-env=LOG_TOKENS,LOG_STREAM";
  const config = modSpecifier(cwd, "../deno.json");
  if (config.startsWith("jsr:")) return `deno test ${perms} ${test}`;
  return `deno test --config ${config} ${perms} ${test}`;
}

/** How the scaffold imports fabricate: a relative path to a local copy, else the JSR package. */
function modSpecifier(cwd: string, file = "../mod.ts"): string {
  const mod = new URL(file, import.meta.url);
  if (mod.protocol !== "file:") return "jsr:@fabricate/fabricate";
  const from = cwd.replace(/\/+$/, "").split("/").filter(Boolean);
  const to = decodeURIComponent(mod.pathname).split("/").filter(Boolean);
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rel = [...Array(up).fill(".."), ...to.slice(common)].join("/");
  return up === 0 ? `./${rel}` : rel;
}

const TEMPLATES: Record<Kind, (name: string, mod: string) => [string, string]> = {
  generator: (name, mod) => [
    `/**
 * ${name}: a fabricate generator plugin.
 *
 * In a scenario: \`plugins: [./${name}.ts]\`, then \`roll: { ${name}: { min: 1, max: 6 } }\`.
 * Guide: docs/plugins.md in fabricate.
 *
 * @module
 */
import { definePlugin, z } from "${mod}";

export default definePlugin({
  name: "${name}",
  kind: "generator",
  version: "0.1.0",
  description: "A whole number between min and max",
  options: z.object({
    min: z.number().int().default(1).describe("The smallest value"),
    max: z.number().int().default(6).describe("The largest value"),
  }).strict().refine((o) => o.min <= o.max, { message: "min cannot be above max", path: ["min"] }),
  // What the plugin may touch when sandboxed; nothing unless declared here and granted by the user:
  // permissions: { read: ["./data"], net: ["api.example.com"], env: ["API_KEY"] },
  create: ({ min, max }) => ({
    type: "integer",
    cardinality: max - min + 1,
    // row.random is seeded from (seed, entity, field, row): same seed, same values.
    value: (row) => row.random.int(min, max),
  }),
});
`,
    `import assert from "node:assert/strict";
import { builtinRegistry, generate } from "${mod}";
import plugin from "./${name}.ts";

/** The values of one field made by the plugin, generated in-process. */
async function values(options: unknown, count: number, seed = 1): Promise<unknown[]> {
  const registry = await builtinRegistry();
  registry.add(plugin, "./${name}.ts");
  const scenario = { name: "t", seed, entities: { e: { count, fields: { v: { ${
      JSON.stringify(name)
    }: options } } } } };
  const out: unknown[] = [];
  for await (const batch of generate(scenario, { registry })) out.push(...batch.columns[0]!);
  return out;
}

Deno.test("${name} stays between min and max", async () => {
  const rolls = await values({ min: 1, max: 6 }, 1000);
  assert.equal(rolls.length, 1000);
  assert.ok(rolls.every((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 6));
});

Deno.test("${name} gives the same values for the same seed", async () => {
  assert.deepEqual(await values({}, 100, 7), await values({}, 100, 7));
  assert.notDeepEqual(await values({}, 100, 7), await values({}, 100, 8));
});

Deno.test("${name} refuses min above max", () => {
  assert.equal(plugin.options.safeParse({ min: 5, max: 1 }).success, false);
});
`,
  ],
  validator: (name, mod) => [
    `/**
 * ${name}: a fabricate validator plugin.
 *
 * In a scenario: \`plugins: [./${name}.ts]\`, then on a field \`validate: ${name}\`
 * or \`validate: { ${name}: { trim: false } }\`. Guide: docs/plugins.md in fabricate.
 *
 * @module
 */
import { definePlugin, z } from "${mod}";

export default definePlugin({
  name: "${name}",
  kind: "validator",
  version: "0.1.0",
  description: "The value is not blank",
  scope: "field",
  options: z.object({
    trim: z.boolean().default(true).describe("Count a value of only spaces as blank"),
  }).strict().default({ trim: true }),
  create: ({ trim }, setup) => {
    const field = setup.field!;
    return {
      // One call per batch, columnar. Report problems; never throw on bad data.
      check: (batch) => {
        const column = batch.columns[batch.fields.indexOf(field)]!;
        const issues = [];
        for (let k = 0; k < batch.length; k++) {
          const value = column[k];
          if (value === null) continue;
          const text = trim ? String(value).trim() : String(value);
          if (text === "") {
            issues.push({ row: batch.start + k, field, message: "is blank", value });
          }
        }
        return issues;
      },
    };
  },
});
`,
    `import assert from "node:assert/strict";
import type { Batch } from "${mod}";
import plugin from "./${name}.ts";

async function check(values: unknown[], options: unknown = {}) {
  const validator = await plugin.create(plugin.options.parse(options), {
    entity: "e",
    field: "v",
    entities: new Map([["e", { name: "e", fields: ["v"] }]]),
    refOf: () => undefined,
    count: () => values.length,
    valueAt: () => {
      throw new Error("not needed");
    },
  });
  const batch: Batch = { entity: "e", start: 0, length: values.length, fields: ["v"], columns: [values] };
  return await validator.check(batch);
}

Deno.test("${name} reports blank values with their row", async () => {
  const issues = await check(["a", "", "  ", null]);
  assert.deepEqual(issues.map((i) => i.row), [1, 2]);
});

Deno.test("${name} keeps spaces when trim is off", async () => {
  const issues = await check(["a", "", "  "], { trim: false });
  assert.deepEqual(issues.map((i) => i.row), [1]);
});
`,
  ],
  formatter: (name, mod) => [
    `/**
 * ${name}: a fabricate formatter plugin (a Markdown table per entity).
 *
 * In a scenario: \`plugins: [./${name}.ts]\`, then \`output: { format: ${name} }\`.
 * Guide: docs/plugins.md in fabricate.
 *
 * @module
 */
import { definePlugin, z } from "${mod}";

function cell(value: unknown, empty: string): string {
  if (value === null || value === undefined) return empty;
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/\\|/g, "\\\\|").replace(/\\r?\\n/g, " ");
}

export default definePlugin({
  name: "${name}",
  kind: "formatter",
  version: "0.1.0",
  description: "A Markdown table per entity",
  extension: "md",
  options: z.object({
    null: z.string().default("").describe("How a null value is written"),
  }).strict().default({ null: "" }),
  // Each hook returns text (or bytes) to append, or nothing.
  create: (options) => ({
    beginEntity: (entity) => {
      const names = entity.columns.map((c) => c.name);
      return \`| \${names.join(" | ")} |\\n|\${names.map(() => " --- |").join("")}\\n\`;
    },
    write: (batch) => {
      let out = "";
      for (let k = 0; k < batch.length; k++) {
        out += "| " + batch.columns.map((c) => cell(c[k], options.null)).join(" | ") + " |\\n";
      }
      return out;
    },
  }),
});
`,
    `import assert from "node:assert/strict";
import type { EntitySchema } from "${mod}";
import plugin from "./${name}.ts";

Deno.test("${name} writes a header and one line per row", async () => {
  const entity: EntitySchema = {
    name: "e",
    count: 2,
    columns: ["id", "name"].map((name) => ({
      name,
      type: "string",
      nullable: true,
      referenced: false,
      unique: false,
      key: false,
    })),
  };
  const stream = await plugin.create(plugin.options.parse({ null: "-" }), {
    scenario: "t",
    layout: "per-entity",
    entities: [entity],
  });
  const text = [
    await stream.beginEntity?.(entity),
    await stream.write(
      { entity: "e", start: 0, length: 2, fields: ["id", "name"], columns: [[1, 2], ["a|b", null]] },
      entity,
    ),
  ].join("");
  assert.equal(text, "| id | name |\\n| --- | --- |\\n| 1 | a\\\\|b |\\n| 2 | - |\\n");
});
`,
  ],
};
