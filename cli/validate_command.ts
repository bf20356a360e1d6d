/**
 * `fabricate validate <scenario>`: check a scenario (format, generators,
 * options, references, cycles, impossible uniqueness) without writing
 * anything; with `--sample N`, also generate N rows per entity in memory and
 * run the validator rules on them.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { prepare } from "../core/gen.ts";
import type { Plan } from "../core/compile.ts";
import { World } from "../core/engine.ts";
import { Validation } from "../core/validation.ts";
import { entityBatches } from "../core/batches.ts";
import { flagsHelp, type FlagSpec, type ParsedFlags, parseFlags } from "./parse_flags.ts";
import { PLUGIN_FLAGS, PLUGIN_HELP, policyFromFlags } from "./plugin_flags.ts";
import { printable, style } from "./style.ts";

const FLAGS: Record<string, FlagSpec> = {
  sample: {
    type: "string",
    value: "N",
    help: "Also generate N rows per entity and run the validator rules",
  },
  strict: { type: "boolean", help: "Exit 1 when a sampled rule fails" },
  ...PLUGIN_FLAGS,
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate validate <scenario> [options]

Check a scenario without writing anything. Every problem is reported with its
file, line and column. Exit code 0 when valid, 2 when not.

Options:
${flagsHelp(FLAGS)}

${PLUGIN_HELP}
`;

/**
 * Runs `validate`.
 *
 * @param args The arguments after `validate`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await validateCommand(["quickstart", "--sample", "100"]);
 * ```
 */
export default async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const input = positionals[0];
  if (!input) {
    throw new UsageError("Missing <scenario>", "fabricate validate <file or built-in name>");
  }
  const plan = await prepare(input, { policy: policyFromFlags(values) });
  try {
    return await check(plan, values);
  } finally {
    plan.registry.close();
  }
}

async function check(plan: Plan, values: ParsedFlags["values"]): Promise<number> {
  const s = style(Deno.stderr);
  const rows = plan.entities.reduce((n, e) => n + e.count, 0);
  console.error(
    `${s.green("✔")} ${plan.scenario.name}: valid (${plan.entities.length} entities, ${
      rows.toLocaleString("en-US")
    } rows, order ${plan.entities.map((e) => e.name).join(" → ")})`,
  );
  if (values.sample === undefined) return 0;
  const n = Number(values.sample);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`Expected a whole number ≥ 1 for --sample, got "${values.sample}"`);
  }
  const world = new World(plan);
  const validation = await Validation.create(plan, world);
  for (const entity of plan.entities) {
    const count = Math.min(n, entity.count);
    for await (const { full } of entityBatches(world.engine(entity.name), 10_000, 0, count)) {
      await validation.check(entity, full);
    }
  }
  const summary = validation.summary();
  for (const r of summary.results) {
    const mark = r.failures ? s.red("✘") : s.green("✔");
    const ex = r.examples[0];
    console.error(
      `  ${mark} ${r.entity}${
        r.field ? "." + r.field : ""
      } ${r.rule}: ${r.failures} of ${r.checked} failed` +
        (ex ? ` (e.g. row ${ex.row}: ${printable(ex.message, true)})` : ""),
    );
  }
  return summary.failures && values.strict ? 1 : 0;
}
