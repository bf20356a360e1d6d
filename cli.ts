#!/usr/bin/env -S deno run -q -P=cli --no-prompt
/**
 * The `fabricate` command line. Thin: it picks the subcommand and imports it
 * lazily, so `--help` and `--version` answer at once.
 *
 * @example
 * ```sh
 * deno run -q -P=cli --no-prompt cli.ts gen quickstart --format csv
 * ```
 *
 * @module
 */
import { runCli } from "./cli/run_cli.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
