/**
 * CSV rows for `report` and `check`, streamed through fabricate's one CSV
 * reader (plugins/_shared/csv_records.ts): the header names the columns,
 * cells are typed by the scenario's field types (else inferred).
 *
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import { csvRecords, CsvSyntaxError } from "../../plugins/_shared/csv_records.ts";
import { textPieces } from "./file_text.ts";
import { textConverter } from "./typed_text.ts";
import type { ReadContext } from "./read_context.ts";

/**
 * Streams the rows of a CSV (or TSV, `;`- or `|`-separated) file.
 *
 * @param path The file (`.gz`/`.zst` decompressed).
 * @param context Field types for the cells.
 * @returns The rows.
 * @throws {UsageError} A record that breaks the rules, with its line.
 * @example
 * ```ts ignore
 * for await (const row of csvRows("out/orders.csv", context)) console.log(row.id);
 * ```
 */
export async function* csvRows(
  path: string,
  context: ReadContext,
): AsyncGenerator<Record<string, unknown>> {
  let header: string[] | undefined;
  let convert: ((cell: string | null) => unknown)[] = [];
  const { types } = context;
  try {
    for await (const { cells, line } of csvRecords(textPieces(path))) {
      if (!header) {
        header = cells.map((c) => (c ?? "").trim());
        convert = header.map((name) => textConverter(types.get(name), types.size > 0));
        continue;
      }
      if (cells.length !== header.length) {
        throw new UsageError(
          `Cannot read ${path}:${line}:1: ${cells.length} cells, the header has ${header.length}`,
        );
      }
      const row: Record<string, unknown> = {};
      for (let c = 0; c < header.length; c++) row[header[c]!] = convert[c]!(cells[c]!);
      yield row;
    }
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      throw new UsageError(`Cannot read ${path}:${e.line}:${e.column}: ${e.message}`);
    }
    throw e;
  }
}
