/**
 * Command-line flags through `node:util`'s parseArgs, with usage errors that
 * say what was wrong and suggest the flag that was meant.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.ts";
import { didYouMean } from "../core/did_you_mean.ts";

/** A flag definition: parseArgs' option plus a help line. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in --help: the value's name, e.g. `N`. */
  value?: string;
  /** Shown in --help. */
  help: string;
}

/** Parsed flags and positional arguments. */
export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * Parses flags strictly.
 *
 * @param args The arguments.
 * @param specs The accepted flags.
 * @returns Values and positionals.
 * @throws {UsageError} For an unknown flag or a missing value.
 * @example
 * ```ts
 * import { parseFlags } from "./parse_flags.ts";
 * const { values, positionals } = parseFlags(["s.yaml", "--seed", "7"], {
 *   seed: { type: "string", help: "Seed" },
 * });
 * // values.seed === "7", positionals[0] === "s.yaml"
 * ```
 */
export function parseFlags(args: string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, {
      type: s.type,
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    }]),
  );
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedFlags["values"], positionals };
  } catch (e) {
    const message = (e as Error).message;
    const unknown = message.match(/Unknown option '(-{1,2}[^']+)'/);
    if (unknown) {
      const flag = unknown[1]!;
      const name = flag.replace(/^-+/, "");
      throw new UsageError(
        `Unknown option "${flag}"`,
        didYouMean(name, Object.keys(specs), "options").replace(/"([^"]+)"\?$/, '"--$1"?'),
      );
    }
    const missing = message.match(/Option '(.+?)' argument missing/);
    if (missing) {
      throw new UsageError(
        `Option "${missing[1]!.split(",").pop()!.trim().split(" ")[0]}" needs a value`,
      );
    }
    throw new UsageError(message.split(".")[0] ?? message);
  }
}

/**
 * The options part of a command's help.
 *
 * @param specs The flags.
 * @returns Aligned lines.
 * @example
 * ```ts
 * import { flagsHelp } from "./parse_flags.ts";
 * flagsHelp({ seed: { type: "string", value: "N", help: "Seed" } }); // "  --seed N  Seed"
 * ```
 */
export function flagsHelp(specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([name, s]) => [
    `${s.short ? `-${s.short}, ` : "    "}--${name}${s.value ? ` ${s.value}` : ""}`,
    s.help + (s.multiple ? " (repeatable)" : ""),
  ]);
  const width = Math.max(...rows.map(([a]) => a!.length));
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`).join("\n");
}
