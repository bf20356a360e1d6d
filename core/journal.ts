/**
 * The checkpoint journal of a resumable run (`--resumable`, `--resume`):
 * which entities are done, and for the one being written, the next row and
 * each open file's size at that row. Data files are fsynced before the
 * journal names their size, and the journal is replaced atomically (write,
 * fsync, rename), so after a crash — even kill -9 or a power cut — the
 * journal never promises bytes that are not on the disk.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { FabricateError } from "./errors.ts";
import { JOURNAL, type WrittenFile } from "./output.ts";
import type { RuleSummary } from "./validation.ts";

/** A finished entity, as the run result records it. */
export interface JournalEntity {
  name: string;
  rows: number;
  ms: number;
  files: (WrittenFile & { format: string })[];
  /** Its validators' outcome. */
  validation: RuleSummary[];
}

/** The journal's content. */
export interface Journal {
  /** Hash of everything that decides the output's bytes. */
  key: string;
  /** When the first attempt started (the manifest keeps it). */
  started_at: string;
  /** Entities already written, in order. */
  done: JournalEntity[];
  /** The entity being written, when one has begun. */
  current?: {
    name: string;
    /** The next row to write. */
    row: number;
    /** Bytes of each open file at that row (path → bytes). */
    files: Record<string, number>;
    /** Milliseconds spent on it so far. */
    ms: number;
  };
  /** Files shared by entities (layout single) at an entity boundary: path → bytes. */
  shared?: Record<string, number>;
}

/**
 * A short hash of the facts that decide a run's bytes.
 *
 * @param facts Plain data (scenario hash, seed, counts, formats, …).
 * @returns Hex SHA-256.
 * @example
 * ```ts
 * import { runKey } from "./journal.ts";
 * runKey({ seed: 1 }) === runKey({ seed: 1 }); // true
 * ```
 */
export function runKey(facts: unknown): string {
  return createHash("sha256").update(JSON.stringify(facts)).digest("hex");
}

/**
 * Reads a staging folder's journal.
 *
 * @param staging The staging folder.
 * @returns The journal.
 * @throws {FabricateError} Exit 2 when it is missing or unreadable.
 * @example
 * ```ts ignore
 * const journal = await readJournal(target.staging!);
 * ```
 */
export async function readJournal(staging: string): Promise<Journal> {
  try {
    return JSON.parse(await Deno.readTextFile(`${staging}/${JOURNAL}`)) as Journal;
  } catch (e) {
    throw new FabricateError(
      `Cannot resume: the journal of the interrupted run is unreadable (${
        (e as Error).message
      })\n` +
        `  hint: run again without --resume (it starts over)`,
      2,
      { cause: e },
    );
  }
}

/**
 * Replaces the journal atomically and durably.
 *
 * @param staging The staging folder.
 * @param journal The new content.
 * @example
 * ```ts ignore
 * await writeJournal(target.staging!, { key, started_at, done: [] });
 * ```
 */
export async function writeJournal(staging: string, journal: Journal): Promise<void> {
  const tmp = `${staging}/${JOURNAL}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    await file.write(new TextEncoder().encode(JSON.stringify(journal)));
    await file.syncData();
  } finally {
    file.close();
  }
  await Deno.rename(tmp, `${staging}/${JOURNAL}`);
}

/**
 * Removes the journal (before the output is moved into place).
 *
 * @param staging The staging folder.
 * @example
 * ```ts ignore
 * await removeJournal(target.staging!);
 * ```
 */
export async function removeJournal(staging: string): Promise<void> {
  await Deno.remove(`${staging}/${JOURNAL}`).catch(() => {});
  await Deno.remove(`${staging}/${JOURNAL}.tmp`).catch(() => {});
}
