/**
 * `fabricate schema`: print the JSON Schema of scenario files, with every
 * registered plugin's options, for editor autocompletion.
 *
 * @module
 */
import { builtinRegistry, registryFor } from "../core/registry.ts";
import { scenarioJsonSchema } from "../core/json_schema.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";

const FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate schema

Print the JSON Schema of scenario files (built-in plugins plus those listed in
./deno.json) to stdout. Point your editor at it, e.g. with a first line
  # yaml-language-server: $schema=./scenario.schema.json

Options:
${flagsHelp(FLAGS)}
`;

/**
 * Runs `schema`.
 *
 * @param args The arguments after `schema`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await schemaCommand([]);
 * ```
 */
export default async function schemaCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const registry = await registryFor([], new URL(`file://${Deno.cwd()}/`), Deno.cwd()).catch(() =>
    builtinRegistry()
  );
  registry.close();
  console.log(JSON.stringify(scenarioJsonSchema(registry), null, 2));
  return 0;
}
