/**
 * Output management: where files go and how they get there atomically. A
 * run writes into a hidden staging folder beside the target and renames it
 * into place only when everything succeeded, so a failed or interrupted run
 * leaves nothing at the final path. Existing output is never overwritten
 * unless asked (`--force`).
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { FabricateError } from "./errors.ts";
import type { Chunk } from "./types.ts";

/** What was written to one file. */
export interface WrittenFile {
  /** Path relative to the output folder (or `-` for stdout). */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
}

/** A file being written. */
export interface FileSink {
  /** Appends a chunk. */
  write(chunk: Chunk): Promise<void>;
  /** Finishes the file and returns its size and checksum. */
  close(): Promise<WrittenFile>;
}

/** Where a run's files go. */
export interface OutputTarget {
  /** The final folder (absent for stdout). */
  readonly dir?: string;
  /** Opens a file at a path relative to the output folder. */
  open(path: string): Promise<FileSink>;
  /** Makes the output visible at its final path. */
  commit(): Promise<void>;
  /** Removes everything written so far. */
  abort(): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * A UTC timestamp for folder names: `20240131T235959Z`.
 *
 * @param date The time (default now).
 * @returns The stamp.
 * @example
 * ```ts
 * import { timestamp } from "./output.ts";
 * timestamp(new Date("2024-01-31T23:59:59Z")); // "20240131T235959Z"
 * ```
 */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/**
 * Prepares a folder target. Checks before anything is generated that the
 * folder can be used: it must not exist (or be empty) unless `force`, and
 * its parent must be writable.
 *
 * @param options `out`: the folder (default `./out/<scenario>-<timestamp>`);
 *   `force`: replace an existing folder; `scenario`: the name for the default.
 * @returns The target.
 * @throws {FabricateError} Exit code 2 when the folder is used or unwritable.
 * @example
 * ```ts
 * import { folderTarget } from "./output.ts";
 * const dir = await Deno.makeTempDir();
 * const target = await folderTarget({ out: `${dir}/run`, scenario: "shop" });
 * const file = await target.open("a.txt");
 * await file.write("hello\n");
 * await file.close();
 * await target.commit(); // now dir/run/a.txt exists
 * ```
 */
export async function folderTarget(options: {
  out?: string;
  force?: boolean;
  scenario: string;
  cwd?: string;
}): Promise<OutputTarget> {
  const cwd = options.cwd ?? Deno.cwd();
  let dir: string;
  if (options.out === undefined) {
    const base = `${cwd}/out/${options.scenario.replaceAll("/", "-")}-${timestamp()}`;
    dir = base;
    for (let n = 2; await exists(dir); n++) dir = `${base}-${n}`;
  } else {
    dir = options.out.startsWith("/") ? options.out : `${cwd}/${options.out}`;
  }
  dir = dir.replace(/\/+$/, "");
  const shown = options.out ?? dir.slice(cwd.length + 1);
  let replacing = false;
  const stat = await statOrUndefined(dir);
  if (stat) {
    if (!stat.isDirectory) {
      throw new FabricateError(
        `Cannot write to "${shown}": it is a file, not a folder\n  hint: pick another --out`,
        2,
      );
    }
    const empty = await isEmptyDir(dir);
    if (!empty && !options.force) {
      throw new FabricateError(
        `Cannot write to "${shown}": the folder already exists and is not empty\n` +
          `  hint: pass --force to replace it, or pick another --out`,
        2,
      );
    }
    replacing = true;
  }
  const parent = dir.slice(0, dir.lastIndexOf("/")) || "/";
  let staging: string;
  try {
    await Deno.mkdir(parent, { recursive: true });
    staging = `${parent}/.fabricate-${crypto.randomUUID().slice(0, 12)}`;
    await Deno.mkdir(staging);
  } catch (e) {
    throw new FabricateError(
      `Cannot write to "${shown}": ${
        describeFsError(e)
      }\n  hint: pick a folder you can write to with --out`,
      2,
      { cause: e },
    );
  }
  const open = new Set<Deno.FsFile>();
  return {
    dir,
    async open(path) {
      const full = `${staging}/${path}`;
      const slash = full.lastIndexOf("/");
      if (slash > staging.length) await Deno.mkdir(full.slice(0, slash), { recursive: true });
      const file = await Deno.open(full, { write: true, createNew: true });
      open.add(file);
      return sink(file, path, () => {
        file.close();
        open.delete(file);
      });
    },
    async commit() {
      if (replacing) {
        const old = `${parent}/.fabricate-old-${crypto.randomUUID().slice(0, 8)}`;
        await Deno.rename(dir, old);
        await Deno.rename(staging, dir);
        await Deno.remove(old, { recursive: true });
      } else {
        await Deno.rename(staging, dir);
      }
    },
    async abort() {
      for (const f of open) {
        try {
          f.close();
        } catch { /* already closed */ }
      }
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * A target that streams everything to standard output.
 *
 * @returns The target.
 * @example
 * ```ts
 * import { stdoutTarget } from "./output.ts";
 * const target = stdoutTarget();
 * const out = await target.open("-");
 * await out.write("id\n1\n");
 * await out.close();
 * ```
 */
export function stdoutTarget(): OutputTarget {
  return {
    open: () => Promise.resolve(sink(Deno.stdout, "-", () => {})),
    commit: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
}

function sink(
  writer: { write(p: Uint8Array): Promise<number> },
  path: string,
  done: () => void,
): FileSink {
  const hash: Hash = createHash("sha256");
  let bytes = 0;
  return {
    async write(chunk) {
      const data = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      if (data.length === 0) return;
      hash.update(data);
      bytes += data.length;
      let off = 0;
      while (off < data.length) off += await writer.write(data.subarray(off));
    },
    close() {
      done();
      return Promise.resolve({ path, bytes, sha256: hash.digest("hex") });
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return (await statOrUndefined(path)) !== undefined;
}

async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    if (e instanceof Deno.errors.NotADirectory) return undefined;
    throw new FabricateError(`Cannot use "${path}": ${describeFsError(e)}`, 2, { cause: e });
  }
}

async function isEmptyDir(path: string): Promise<boolean> {
  for await (const _ of Deno.readDir(path)) return false;
  return true;
}

function describeFsError(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotCapable) return "fabricate was not granted write access there";
  if (e instanceof Deno.errors.NotADirectory) return "a part of the path is a file, not a folder";
  if (e instanceof Deno.errors.AlreadyExists) return "it already exists";
  return (e as Error).message;
}
