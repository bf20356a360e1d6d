/**
 * Limits on scenario files, so hostile input ends in a clear exit 2 rather
 * than an out-of-memory kill or a stack overflow: regular files only, a size
 * ceiling, a YAML alias budget (billion laughs), a nesting depth, a key
 * count per map and a total node count.
 *
 * @module
 */
import { type DocPath, FabricateError, type ScenarioIssue } from "./errors.ts";

/** The ceilings a scenario file must stay under. */
export const INPUT_LIMITS = {
  /** Largest scenario file read, in bytes (16 MiB). */
  bytes: 16 * 1024 * 1024,
  /** Most YAML alias (`*name`) expansions in one file. */
  aliases: 1000,
  /** Deepest nesting of maps and lists. */
  depth: 64,
  /** Most keys in one map (entities, fields, options). */
  keys: 10_000,
  /** Most values in the whole document, after alias expansion. */
  nodes: 2_000_000,
} as const;

/**
 * Checks that a scenario path is a regular file of acceptable size before it
 * is read: FIFOs, devices (`/dev/zero`) and folders are refused.
 *
 * @param url The file.
 * @param shown Its name in messages.
 * @throws {FabricateError} Exit code 2.
 * @example
 * ```ts
 * import { checkScenarioFile } from "./input_limits.ts";
 * const file = await Deno.makeTempFile({ suffix: ".yaml" });
 * await checkScenarioFile(new URL(`file://${file}`), "s.yaml"); // fine: empty regular file
 * ```
 */
export async function checkScenarioFile(url: URL, shown: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(url);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FabricateError(`Cannot read scenario "${shown}": no such file`, 2, { cause: e });
    }
    throw readFailure(e, url, shown);
  }
  if (!info.isFile) {
    const what = info.isDirectory ? "a folder" : "not a regular file (a device, FIFO or socket)";
    throw new FabricateError(
      `Cannot read scenario "${shown}": it is ${what}\n  hint: give the path of a .yaml or .json file`,
      2,
    );
  }
  if (info.size > INPUT_LIMITS.bytes) {
    throw new FabricateError(
      `Cannot read scenario "${shown}": it is ${mib(info.size)}, more than the ${
        mib(INPUT_LIMITS.bytes)
      } a scenario may be\n  hint: scenarios describe data, they hold little of it; ` +
        `keep large value lists in a plugin's data file`,
      2,
    );
  }
}

/**
 * The error for a scenario that cannot be read, naming a missing Deno
 * permission as such.
 *
 * @param e What reading threw.
 * @param url The file.
 * @param shown Its name in messages.
 * @returns An exit-2 error.
 * @example
 * ```ts
 * import { readFailure } from "./input_limits.ts";
 * readFailure(new Deno.errors.NotCapable("x"), new URL("file:///s.yaml"), "s.yaml").message;
 * ```
 */
export function readFailure(e: unknown, url: URL, shown: string): FabricateError {
  if (e instanceof Deno.errors.NotCapable) return needsRead(url, e);
  if (e instanceof Deno.errors.PermissionDenied) {
    return new FabricateError(
      `Cannot read scenario "${shown}": the operating system denied access (permission denied)`,
      2,
      { cause: e },
    );
  }
  return new FabricateError(
    `Cannot read scenario "${shown}": ${(e as Error)?.message ?? e}`,
    2,
    { cause: e },
  );
}

/**
 * The error for a Deno read permission fabricate lacks.
 *
 * @param url What it tried to read.
 * @param cause The NotCapable error.
 * @returns An exit-2 error with the flag to add.
 * @example
 * ```ts
 * import { needsRead } from "./input_limits.ts";
 * needsRead(new URL("file:///work/s.yaml")).message;
 * ```
 */
export function needsRead(url: URL, cause?: unknown): FabricateError {
  const path = url.protocol === "file:" ? decodeURIComponent(url.pathname) : url.href;
  return new FabricateError(
    `fabricate needs read permission for ${path}\n` +
      `  hint: run with --allow-read=${path} (or a folder holding it), or -P=cli for the CLI`,
    2,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Checks a parsed document against the depth, key-count and node limits.
 *
 * @param value The parsed value.
 * @returns The first problem found, without file and position.
 * @example
 * ```ts
 * import { structureIssue } from "./input_limits.ts";
 * structureIssue({ a: [1, 2] }); // undefined
 * ```
 */
export function structureIssue(value: unknown): ScenarioIssue | undefined {
  let nodes = 0;
  // Iterative, so a deep document cannot overflow the stack here.
  const stack: { value: unknown; path: DocPath }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (++nodes > INPUT_LIMITS.nodes) {
      return {
        path: [],
        message: `The scenario holds more than ${INPUT_LIMITS.nodes} values`,
        hint: "check for runaway anchors/aliases or generated content",
      };
    }
    if (v === null || typeof v !== "object") continue;
    if (path.length >= INPUT_LIMITS.depth) {
      return {
        path: path.slice(0, 8),
        message: `The scenario is nested more than ${INPUT_LIMITS.depth} levels deep`,
        hint: "flatten it; real scenarios need a handful of levels",
      };
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    if (!Array.isArray(v) && entries.length > INPUT_LIMITS.keys) {
      return {
        path,
        message: `This map has ${entries.length} keys, more than the ${INPUT_LIMITS.keys} allowed`,
        hint: "split the entity, or move long value lists into a list or a plugin's data file",
      };
    }
    for (const [k, x] of entries) stack.push({ value: x, path: [...path, k] });
  }
  return undefined;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}
