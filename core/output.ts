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
  /** Flushes what was written to the disk (fsync); returns the bytes written so far. */
  sync?(): Promise<number>;
}

/** Where a run's files go. */
export interface OutputTarget {
  /** The final folder (absent for stdout). */
  readonly dir?: string;
  /**
   * Opens a file at a path relative to the output folder; with `at`, an
   * existing file of a resumed run, cut to its first `at` bytes.
   */
  open(path: string, at?: number): Promise<FileSink>;
  /** Makes the output visible at its final path. */
  commit(): Promise<void>;
  /** Removes everything written so far. */
  abort(): Promise<void>;
  /** The staging folder (folder targets). */
  readonly staging?: string;
  /** True when the staging folder is an interrupted run's, to be resumed. */
  readonly resumed?: boolean;
  /** Stops writing but keeps the staging folder for `--resume` (frees the lock). */
  suspend?(): Promise<void>;
}

/** The journal a resumable run keeps in its staging folder. */
export const JOURNAL = ".fabricate-journal.json";

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
  /** Continue the interrupted resumable run whose staging folder is beside `out`. */
  resume?: boolean;
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
  const parent = dir.slice(0, dir.lastIndexOf("/")) || "/";
  const cantWrite = (e: unknown) =>
    new FabricateError(
      `Cannot write to "${shown}": ${
        describeFsError(e, parent)
      }\n  hint: pick a folder you can write to with --out`,
      2,
      { cause: e },
    );
  try {
    await Deno.mkdir(parent, { recursive: true });
  } catch (e) {
    throw cantWrite(e);
  }
  // An OS lock per target: a second run into the same folder fails here.
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  const lock = await takeLock(parent, name, shown, cantWrite);
  const unlock = () => release(lock.path, lock.file);
  let staging: string | undefined;
  let replacing = false;
  try {
    if (options.resume) {
      staging = await findResumable(parent, name);
      if (!staging) {
        throw new FabricateError(
          `Cannot resume "${shown}": no interrupted resumable run of it was found\n` +
            `  hint: only runs started with --resumable keep their progress; run again without --resume`,
          2,
        );
      }
    }
    await removeStale(parent, name, staging);
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
      if (!empty && !(await holdsManifest(dir))) {
        throw new FabricateError(
          `Cannot replace "${shown}": it holds no fabricate manifest.json, so it is not ` +
            `fabricate output; --force only replaces earlier runs\n` +
            `  hint: pick another --out, or empty or remove the folder yourself`,
          2,
        );
      }
      replacing = true;
    }
    if (!staging) {
      staging = `${parent}/.fabricate-${crypto.randomUUID().slice(0, 8)}-${name}`;
      try {
        await Deno.mkdir(staging);
      } catch (e) {
        throw cantWrite(e);
      }
    }
  } catch (e) {
    await unlock();
    throw e;
  }
  const open = new Set<Deno.FsFile>();
  const closeAll = () => {
    for (const f of open) {
      try {
        f.close();
      } catch { /* already closed */ }
    }
    open.clear();
  };
  return {
    dir,
    staging,
    resumed: options.resume === true,
    async open(path, at) {
      const full = `${staging}/${path}`;
      const slash = full.lastIndexOf("/");
      if (slash > staging.length) await Deno.mkdir(full.slice(0, slash), { recursive: true });
      const file = at === undefined
        ? await Deno.open(full, { write: true, createNew: true })
        : await Deno.open(full, { read: true, write: true, create: true });
      open.add(file);
      const done = () => {
        file.close();
        open.delete(file);
      };
      if (at === undefined) return sink(file, path, done);
      // A resumed file: keep its checkpointed bytes (and hash them), drop the rest.
      await file.truncate(at);
      const hash = createHash("sha256");
      const buffer = new Uint8Array(1 << 20);
      for (let read = 0; read < at;) {
        const n = await file.read(buffer.subarray(0, Math.min(buffer.length, at - read)));
        if (n === null) break;
        hash.update(buffer.subarray(0, n));
        read += n;
      }
      await file.seek(at, Deno.SeekMode.Start);
      return sink(file, path, done, `"${path}"`, { hash, bytes: at });
    },
    async commit() {
      try {
        if (replacing) {
          const old = `${parent}/.fabricate-old-${crypto.randomUUID().slice(0, 8)}-${name}`;
          await Deno.rename(dir, old);
          try {
            await Deno.rename(staging, dir);
          } catch (e) {
            await Deno.rename(old, dir).catch(() => {});
            throw e;
          }
          await Deno.remove(old, { recursive: true });
        } else {
          await Deno.rename(staging, dir);
        }
      } catch (e) {
        throw new FabricateError(
          `Cannot move the output into place at "${shown}": ${describeFsError(e, dir)}\n` +
            `  hint: nothing was written there; check the folder and run again`,
          1,
          { cause: e },
        );
      } finally {
        await unlock();
      }
    },
    async abort() {
      closeAll();
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      await unlock();
    },
    async suspend() {
      closeAll();
      await unlock();
    },
  };
}

/** The staging folder of an interrupted resumable run into `name`, if any. */
async function findResumable(parent: string, name: string): Promise<string | undefined> {
  for await (const entry of Deno.readDir(parent)) {
    if (!entry.isDirectory || !/^\.fabricate-[0-9a-f]{8}-/.test(entry.name)) continue;
    if (entry.name.slice(".fabricate-".length + 9) !== name) continue;
    if (await exists(`${parent}/${entry.name}/${JOURNAL}`)) return `${parent}/${entry.name}`;
  }
  return undefined;
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
    open: () => Promise.resolve(sink(Deno.stdout, "-", () => {}, "standard output")),
    commit: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
}

function sink(
  writer: { write(p: Uint8Array): Promise<number>; syncData?(): Promise<void> },
  path: string,
  done: () => void,
  shown = `"${path}"`,
  from?: { hash: Hash; bytes: number },
): FileSink {
  const hash: Hash = from?.hash ?? createHash("sha256");
  let bytes = from?.bytes ?? 0;
  return {
    async sync() {
      await writer.syncData?.();
      return bytes;
    },
    async write(chunk) {
      const data = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      if (data.length === 0) return;
      hash.update(data);
      bytes += data.length;
      let off = 0;
      try {
        while (off < data.length) off += await writer.write(data.subarray(off));
      } catch (e) {
        if (e instanceof Deno.errors.BrokenPipe) throw new OutputClosed();
        throw new FabricateError(
          `Cannot write ${shown}: ${describeFsError(e, path)}\n` +
            `  hint: free some space or pick another --out; nothing was left at the output path`,
          1,
          { cause: e },
        );
      }
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

function describeFsError(e: unknown, path?: string): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotCapable) {
    return `fabricate needs write permission there (run it with -P=cli, or add --allow-write=${
      path ?? "<folder>"
    })`;
  }
  if (e instanceof Deno.errors.NotADirectory) return "a part of the path is a file, not a folder";
  if (e instanceof Deno.errors.AlreadyExists) return "it already exists";
  const message = (e as Error)?.message ?? String(e);
  if (/os error 28\b|no space left/i.test(message)) return "no space left on the device";
  if (/os error 39\b|not empty/i.test(message)) return "a non-empty folder appeared there";
  return message.replace(/\s*\(os error \d+\)$/, "").replace(/: '[^']*'.*$/, "");
}

/**
 * Thrown when standard output is closed by the reader (`| head`). The CLI
 * ends quietly with exit code 0, as `rg` and `fd` do: the reader asked for
 * no more.
 */
export class OutputClosed extends FabricateError {
  /** Creates the error. */
  constructor() {
    super("standard output was closed by the reader", 0);
    this.name = "OutputClosed";
  }
}

/** The lock file that keeps a second run out of the folder `name` in `parent`. */
function lockPath(parent: string, name: string): string {
  return `${parent}/.fabricate-lock-${name}`;
}

/**
 * Takes an exclusive OS lock (flock) on `path`, creating it. The kernel
 * releases it when the process dies, even by SIGKILL, so a lock whose
 * owner is gone is free again. `undefined` when another process holds it.
 */
async function acquire(path: string): Promise<Deno.FsFile | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const file = await Deno.open(path, { read: true, write: true, create: true });
    if (!(await file.tryLock(true))) {
      file.close();
      return undefined;
    }
    // The holder before us may have removed the file meanwhile: lock what is there now.
    const [held, there] = [await file.stat(), await Deno.stat(path).catch(() => undefined)];
    if (there && held.ino === there.ino && held.dev === there.dev) return file;
    file.close();
  }
  return undefined;
}

/** Removes a lock file, then lets go of it. */
async function release(path: string, file: Deno.FsFile): Promise<void> {
  await Deno.remove(path).catch(() => {});
  try {
    file.close();
  } catch { /* already closed */ }
}

async function takeLock(
  parent: string,
  name: string,
  shown: string,
  cantWrite: (e: unknown) => FabricateError,
): Promise<{ path: string; file: Deno.FsFile }> {
  const path = lockPath(parent, name);
  let file: Deno.FsFile | undefined;
  try {
    file = await acquire(path);
  } catch (e) {
    throw cantWrite(e);
  }
  if (!file) {
    const pid = Number((await Deno.readTextFile(path).catch(() => "")).trim());
    throw new FabricateError(
      `Cannot write to "${shown}": another fabricate run${
        Number.isSafeInteger(pid) && pid > 0 ? ` (pid ${pid})` : ""
      } is writing there\n  hint: wait for it to finish, or pick another --out`,
      2,
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  return { path, file };
}

/**
 * Cleans up after runs that were killed (SIGKILL, out of memory, power
 * loss) in `parent`: their staging folders and locks. A run holds an OS
 * lock on `.fabricate-lock-<folder>` while it writes, so leftovers are
 * exactly those whose lock nobody holds; folders of live runs stay. When a
 * killed run had already moved the previous output aside, that output is
 * put back.
 *
 * @param parent The folder output goes into.
 * @param own The folder whose lock the caller holds already (its leftovers go too).
 * @returns The names removed or restored.
 * @example
 * ```ts
 * import { removeStale } from "./output.ts";
 * await removeStale(await Deno.makeTempDir()); // []
 * ```
 */
export async function removeStale(
  parent: string,
  own?: string,
  keep?: string,
): Promise<string[]> {
  const byTarget = new Map<string, string[]>();
  try {
    for await (const entry of Deno.readDir(parent)) {
      const m = entry.name.match(/^\.fabricate-(?:(?:old-)?[0-9a-f]{8}|lock)-(.+)$/);
      if (!m) continue;
      byTarget.set(m[1]!, [...(byTarget.get(m[1]!) ?? []), entry.name]);
    }
  } catch {
    return []; // an unreadable parent fails later with a clear message
  }
  const done: string[] = [];
  for (const [name, entries] of byTarget) {
    const lock = lockPath(parent, name);
    const held = name === own ? undefined : await acquire(lock).catch(() => undefined);
    if (name !== own && !held) continue; // a live run
    try {
      for (const entry of entries) {
        const full = `${parent}/${entry}`;
        if (full === lock || full === keep) continue;
        // An interrupted resumable run waits for --resume; a new run into its folder starts over.
        if (name !== own && await exists(`${full}/${JOURNAL}`)) continue;
        if (entry.startsWith(".fabricate-old-") && !(await exists(`${parent}/${name}`))) {
          await Deno.rename(full, `${parent}/${name}`).then(() => done.push(entry), () => {});
          continue;
        }
        await Deno.remove(full, { recursive: true }).then(() => done.push(entry), () => {});
      }
    } finally {
      if (held) await release(lock, held);
    }
  }
  return done;
}

async function holdsManifest(dir: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
    return typeof manifest?.fabricate === "string" && typeof manifest?.scenario === "object";
  } catch {
    return false;
  }
}
