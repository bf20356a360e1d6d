/**
 * Dispatches `fabricate <command>` and maps errors to exit codes: 0 ok,
 * 1 the run failed, 2 bad input or usage.
 *
 * @module
 */
import { FabricateError, formatIssue, ScenarioError, UsageError } from "../core/errors.ts";
import { didYouMean } from "../core/did_you_mean.ts";
import { printable, style } from "./style.ts";

/** A subcommand: its one-line summary and a lazy loader. */
interface Command {
  summary: string;
  load: () => Promise<{ default: (args: string[]) => Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  gen: { summary: "Generate data from a scenario", load: () => import("./gen_command.ts") },
  validate: {
    summary: "Check a scenario without writing anything",
    load: () => import("./validate_command.ts"),
  },
  report: {
    summary: "Write the quality report (HTML + JSON) of an output folder",
    load: () => import("./report_command.ts"),
  },
  check: {
    summary: "Run a scenario's validators and the report's checks over files",
    load: () => import("./check_command.ts"),
  },
  scenarios: {
    summary: "List the built-in scenarios",
    load: () => import("./scenarios_command.ts"),
  },
  plugins: {
    summary: "List the plugins a run would use and what each may touch",
    load: () => import("./plugins_command.ts"),
  },
  plugin: {
    summary: "Scaffold a plugin and its test: plugin new <name> --kind generator",
    load: () => import("./plugin_command.ts"),
  },
  db: {
    summary: "What gen --to loaded into a database: db status | db cleanup",
    load: () => import("./db_command.ts"),
  },
  init: {
    summary: "Write a scenario from a schema: init --from-ddl schema.sql",
    load: () => import("./init_command.ts"),
  },
  mask: {
    summary: "Mask CSV/JSONL files by column rules, deterministically: mask rules.yaml --out dir",
    load: () => import("./mask_command.ts"),
  },
  serve: {
    summary: "Serve the HTTP API and web UI on 127.0.0.1 (see docs/serve.md)",
    load: () => import("./serve_command.ts"),
  },
  schema: {
    summary: "Print the JSON Schema of scenario files",
    load: () => import("./schema_command.ts"),
  },
};

/** The top-level help text. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `fabricate — realistic, reproducible, relational mock data

Usage: fabricate <command> [options]

Commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`).join("\n")}

Options:
  -h, --help     Show help (also: fabricate <command> --help)
  -V, --version  Show the version

Examples:
  fabricate gen quickstart                 # writes ./out/quickstart-<timestamp>/
  fabricate gen shop.yaml --format csv --count orders=100000
  fabricate gen quickstart --preview 5     # print 5 rows per entity, write nothing
  fabricate validate shop.yaml

Exit codes: 0 ok, 1 the run failed, 2 bad input or usage.
`;
}

/**
 * Runs the CLI.
 *
 * @param args The arguments after the program name.
 * @returns The exit code.
 * @example
 * ```ts
 * import { runCli } from "./run_cli.ts";
 * const code = await runCli(["--version"]); // prints the version, returns 0
 * ```
 */
export async function runCli(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === "-h" || name === "--help" || name === "help") {
      if (name === "help" && rest[0] && COMMANDS[rest[0]]) {
        return await (await COMMANDS[rest[0]]!.load()).default(["--help"]);
      }
      console.log(mainHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === "-V" || name === "--version") {
      const { VERSION } = await import("../core/gen.ts");
      console.log(`fabricate ${VERSION}`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      throw new UsageError(
        `Unknown command "${name}"`,
        didYouMean(name, Object.keys(COMMANDS), "commands") + " (see fabricate --help)",
      );
    }
    return await (await command.load()).default(rest);
  } catch (e) {
    return reportError(e);
  }
}

/**
 * Prints an error to stderr the way users should see it and returns its
 * exit code.
 *
 * @param e The error.
 * @returns The exit code.
 * @example
 * ```ts
 * import { reportError } from "./run_cli.ts";
 * import { UsageError } from "../core/errors.ts";
 * reportError(new UsageError("Missing <scenario>")); // 2
 * ```
 */
export function reportError(e: unknown): number {
  const s = style(Deno.stderr);
  if (e instanceof ScenarioError) {
    const n = e.issues.length;
    console.error(s.red(s.bold(`error: invalid scenario (${n} problem${n === 1 ? "" : "s"})`)));
    for (const issue of e.issues) console.error(printable(formatIssue(issue)));
    return e.exitCode;
  }
  if (e instanceof UsageError) {
    console.error(s.red(s.bold("error: ")) + printable(e.message));
    if (e.hint) console.error(`  hint: ${printable(e.hint)}`);
    return e.exitCode;
  }
  if (e instanceof FabricateError && e.exitCode === 0) return 0; // stdout closed by `| head`
  if (e instanceof FabricateError) {
    console.error(s.red(s.bold("error: ")) + printable(e.message));
    return e.exitCode;
  }
  if (e instanceof Deno.errors.NotCapable) {
    console.error(
      s.red(s.bold("error: ")) +
        `fabricate lacks a Deno permission: ${printable((e as Error).message)}\n` +
        "  hint: run it with -P=cli (deno.json) or grant the permission named above",
    );
    return 2;
  }
  console.error(
    s.red(s.bold("error: unexpected failure: ")) + printable(String((e as Error)?.stack ?? e)),
  );
  return 1;
}
