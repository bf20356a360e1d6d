/**
 * XML rows as the `xml` formatter writes them: a root element holding one
 * element per row and one child element per column (`--layout single`: a
 * root holding one element per entity; `--layout split`: the row element is
 * the root). Parsed as it streams with saxes (a conforming, non-validating
 * XML parser), so memory is one row; any well-formed document of that shape
 * is read, whatever the element names of the root and rows.
 *
 * A missing column element or `xsi:nil="true"` is null; an empty element is
 * an empty string; text is typed by the scenario's field types (numbers,
 * `NaN`/`INF`/`-INF`, booleans, JSON for `json` fields), else inferred.
 *
 * @module
 */
import { SaxesParser } from "saxes";
import { UsageError } from "../../core/errors.ts";
import { xmlName, xmlNames } from "../../plugins/formatters/xml.ts";
import { textPieces } from "./file_text.ts";
import { textConverter } from "./typed_text.ts";
import type { ReadContext } from "./read_context.ts";

/** The most characters a row element may span: a guard against a runaway document. */
export const XML_ROW_MAX_CHARS = 64 * 1024 * 1024;

/**
 * Streams the rows of an XML file.
 *
 * @param path The file (`.gz`/`.zst` decompressed).
 * @param context The entity, its field types and the layout.
 * @returns The rows.
 * @throws {UsageError} A document that is not well-formed or not shaped as
 *   rows of columns, with its line and column.
 * @example
 * ```ts ignore
 * for await (const row of xmlRows("out/orders.xml", context)) console.log(row.id);
 * ```
 */
export async function* xmlRows(
  path: string,
  context: ReadContext,
): AsyncGenerator<Record<string, unknown>> {
  const { types, layout } = context;
  const fields = [...types.keys()];
  const byElement = new Map(xmlNames(fields).map((n, i) => [n, fields[i]!]));
  const convert = new Map(fields.map((f) => [f, textConverter(types.get(f), true)]));
  const infer = textConverter(undefined, types.size > 0);
  const rowDepth = layout === "split" ? 1 : layout === "single" ? 3 : 2;
  const entityTag = xmlName(context.entity);
  const parser = new SaxesParser({ position: true, fileName: path });
  const fail = (message: string): UsageError =>
    new UsageError(`Cannot read ${path}:${parser.line}:${parser.column}: ${message}`);
  let depth = 0;
  let inEntity = layout !== "single";
  let row: Record<string, unknown> | undefined;
  let field: string | undefined;
  let text = "";
  let nil = false;
  let ready: Record<string, unknown>[] = [];
  let error: UsageError | undefined;
  let total = 0; // characters written to the parser
  let rowFrom = -1; // `total` when the open row began, -1 outside a row
  parser.on("error", (e) => {
    throw new UsageError(`Cannot read ${e.message.replace(/^([^:]+:\d+:\d+): /, "$1: ")}`);
  });
  parser.on("opentag", (tag) => {
    depth++;
    if (error) return;
    if (layout === "single" && depth === 2) inEntity = tag.name === entityTag;
    if (!inEntity) return;
    if (depth === rowDepth) {
      rowFrom = total;
      row = {};
      for (const f of fields) row[f] = null;
    } else if (depth === rowDepth + 1 && row) {
      field = byElement.get(tag.name) ?? tag.name;
      text = "";
      nil = tag.attributes["xsi:nil"] === "true" || tag.attributes["xsi:nil"] === "1";
    } else if (depth > rowDepth + 1) {
      error = fail(
        `unexpected element <${tag.name}> inside <${field}>: a column holds text (nested values are written as JSON text)`,
      );
    }
  });
  parser.on("text", (t) => {
    if (error || !inEntity) return;
    if (field !== undefined) {
      text += t;
    } else if (depth >= rowDepth - 1 && t.trim() !== "" && depth >= 1) {
      error = fail(`unexpected text "${t.trim().slice(0, 40)}" outside a column element`);
    }
  });
  parser.on("cdata", (t) => {
    if (field !== undefined) text += t;
  });
  parser.on("closetag", () => {
    if (!error && inEntity) {
      if (depth === rowDepth + 1 && field !== undefined && row) {
        row[field] = nil ? null : (convert.get(field) ?? infer)(text);
        field = undefined;
      } else if (depth === rowDepth && row) {
        rowFrom = -1;
        ready.push(row);
        row = undefined;
      }
    }
    depth--;
  });
  const take = () => {
    if (error) throw error;
    const out = ready;
    ready = [];
    return out;
  };
  for await (const piece of textPieces(path)) {
    // saxes holds a text until its tag ends: a row is refused once it is too long.
    if (rowFrom >= 0 && total - rowFrom > XML_ROW_MAX_CHARS) {
      throw fail(`a row element longer than ${XML_ROW_MAX_CHARS} characters`);
    }
    total += piece.length;
    parser.write(piece);
    yield* take();
  }
  parser.close();
  yield* take();
}
