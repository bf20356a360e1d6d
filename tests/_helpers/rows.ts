/**
 * Test helpers: generate rows of an inline scenario in memory, and run the
 * real CLI.
 *
 * @module
 */
import { prepare, type PrepareOptions } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches } from "../../core/batches.ts";

/**
 * Generates all rows of one entity of a scenario (object, path or built-in
 * name) as objects.
 *
 * @example
 * ```ts ignore
 * const rows = await rowsOf({ name: "t", entities: { e: { count: 3, fields: { id: { sequence: {} } } } } }, "e");
 * ```
 */
export async function rowsOf(
  scenario: string | Record<string, unknown>,
  entity: string,
  options: PrepareOptions & { batchSize?: number } = {},
): Promise<Record<string, unknown>[]> {
  const plan = await prepare(scenario, options);
  try {
    const world = new World(plan);
    const rows: Record<string, unknown>[] = [];
    for await (
      const { out } of entityBatches(world.engine(entity), options.batchSize ?? plan.batchSize)
    ) {
      for (let k = 0; k < out.length; k++) {
        const row: Record<string, unknown> = {};
        out.fields.forEach((f, c) => (row[f] = out.columns[c]![k]));
        rows.push(row);
      }
    }
    return rows;
  } finally {
    // Sandboxed plugins' Workers would keep the test alive.
    if (!options.registry) plan.registry.close();
  }
}

/**
 * The values of one field of a one-entity inline scenario.
 *
 * @example
 * ```ts ignore
 * const values = await columnOf({ integer: { min: 1, max: 6 } }, 1000);
 * ```
 */
export async function columnOf(
  field: unknown,
  count: number,
  options: { seed?: number; locale?: string; extraFields?: Record<string, unknown> } = {},
): Promise<unknown[]> {
  const rows = await rowsOf({
    name: "t",
    seed: options.seed ?? 1,
    ...(options.locale ? { locale: options.locale } : {}),
    entities: { e: { count, fields: { ...(options.extraFields ?? {}), v: field } } },
  }, "e");
  return rows.map((r) => r.v);
}

/** The result of running the CLI. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** How {@linkcode spawnCli} and {@linkcode runCli} start the CLI. */
export interface CliOptions {
  /** Working folder (default: this process's). */
  cwd?: string;
  /** Environment variables added to `NO_COLOR=1`. */
  env?: Record<string, string>;
  /** Deno flags added to the `cli` permission set (e.g. `--allow-net=127.0.0.1`). */
  denoFlags?: string[];
  /** Kills the process when aborted (e.g. `AbortSignal.timeout(…)`, so a hang fails a test). */
  signal?: AbortSignal;
  /** `"null"` drops stdout (a child that is never read to its end); default piped. */
  stdout?: "piped" | "null";
  /** `"null"` drops stderr; default piped. */
  stderr?: "piped" | "null";
}

/**
 * Starts `deno run -P=cli --no-prompt cli.ts <args>` as a real process, with
 * NO_COLOR and (unless told otherwise) stdout and stderr piped, for tests
 * that signal it or watch it run.
 *
 * @example
 * ```ts ignore
 * const child = spawnCli(["gen", "big.yaml", "--out", "out"], { cwd: dir });
 * child.kill("SIGINT");
 * const { code } = await child.output();
 * ```
 */
export function spawnCli(args: string[], options: CliOptions = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P=cli",
      "--no-prompt",
      ...(options.denoFlags ?? []),
      "--quiet",
      "--config",
      CONFIG,
      CLI,
      ...args,
    ],
    cwd: options.cwd ?? Deno.cwd(),
    env: { NO_COLOR: "1", ...(options.env ?? {}) },
    stdin: "null",
    stdout: options.stdout ?? "piped",
    stderr: options.stderr ?? "piped",
    ...(options.signal ? { signal: options.signal } : {}),
  }).spawn();
}

/**
 * Runs the CLI as {@linkcode spawnCli} starts it and waits for it; stderr
 * without Deno's config-permissions warning.
 *
 * @example
 * ```ts ignore
 * const { code, stderr } = await runCli(["gen", "quickstart", "--dry-run"], { cwd: dir });
 * ```
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const out = await spawnCli(args, options).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr).replace(
      /^.*Permissions in the config file is an experimental feature.*\n/gm,
      "",
    ),
  };
}
