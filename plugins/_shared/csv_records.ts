/**
 * fabricate's one CSV reader: RFC 4180 records, fed text in pieces of any
 * size, so a caller can stream a file (report, check) or hand it all at
 * once (data files). The rules are those the `csv` formatter writes by:
 *
 * - A cell in double quotes may hold the delimiter, quotes (doubled) and
 *   line breaks; a quote anywhere else in a cell is an error, and so is
 *   text after a closing quote.
 * - An unquoted empty cell is null; a quoted empty cell (`""`) is an empty
 *   string (the formatter quotes empty strings so the two stay distinct).
 * - Records end with CRLF or LF; a byte-order mark at the start is skipped;
 *   blank lines are skipped.
 * - The delimiter is given (`,`; `\t` for TSV) or sniffed from the first
 *   line: the most frequent of `,` `;` tab and `|`.
 *
 * Memory is one record (and the piece being read).
 *
 * @module
 */

/** One CSV record: its cells (null for an unquoted empty cell) and where it starts. */
export interface CsvRecord {
  /** The cells. */
  readonly cells: (string | null)[];
  /** The line the record starts on (1-based). */
  readonly line: number;
}

/** A record that breaks the rules, with its line and column. */
export class CsvSyntaxError extends Error {
  /**
   * @param message What is wrong.
   * @param line The line (1-based).
   * @param column The column (1-based).
   */
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

/**
 * Sniffs the delimiter from a header line: the most frequent of `,` `;`
 * tab and `|` (`,` when none occurs).
 *
 * @param header The first line.
 * @returns The delimiter.
 * @example
 * ```ts
 * import { sniffDelimiter } from "./csv_records.ts";
 * sniffDelimiter("id;name;city"); // ";"
 * ```
 */
export function sniffDelimiter(header: string): string {
  let best = ",";
  let most = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const n = header.split(d).length - 1;
    if (n > most) (most = n, best = d);
  }
  return best;
}

/**
 * Splits CSV text into records as it arrives: `push()` pieces, then `end()`.
 *
 * @example
 * ```ts
 * import { CsvParser } from "./csv_records.ts";
 * const csv = new CsvParser({ delimiter: "," });
 * const records = [...csv.push('id,name\r\n1,"a ""b"""\r\n2,'), ...csv.end()];
 * records.map((r) => r.cells); // [["id", "name"], ["1", 'a "b"'], ["2", null]]
 * ```
 */
export class CsvParser {
  #delimiter: string | undefined;
  #record: (string | null)[] = [];
  #cell = "";
  /** 0 cell start, 1 unquoted, 2 in quotes, 3 quote seen in quotes (closing or doubled). */
  #state = 0;
  #quoted = false;
  #line = 1;
  #column = 0;
  #recordLine = 1;
  #started = false;
  #pendingCr = false;

  /** @param options The delimiter (sniffed from the first line when absent). */
  constructor(options: { delimiter?: string } = {}) {
    this.#delimiter = options.delimiter;
  }

  /**
   * Reads a piece of text.
   *
   * @param text The next piece (any size; a record may span pieces).
   * @returns The records completed by this piece.
   * @throws {CsvSyntaxError} A stray quote, text after a closing quote.
   */
  push(text: string): CsvRecord[] {
    if (!this.#started) {
      if (text === "") return [];
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (this.#delimiter === undefined) {
        const nl = text.search(/\r?\n/);
        this.#delimiter = sniffDelimiter(nl < 0 ? text : text.slice(0, nl));
      }
    }
    const out: CsvRecord[] = [];
    const d = this.#delimiter!;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      this.#column++;
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (ch === "\n") {
          this.#endRecord(out);
          continue;
        }
        // A CR alone is text of an unquoted cell.
        this.#cell += "\r";
        this.#state = 1;
      }
      switch (this.#state) {
        case 2: {
          if (ch === '"') {
            this.#state = 3;
            continue;
          }
          // Quoted text up to the next quote or line end, in one slice.
          let j = i + 1;
          while (j < text.length && text[j] !== '"' && text[j] !== "\n") j++;
          if (ch === "\n") {
            this.#cell += ch;
            this.#newLine();
            continue;
          }
          this.#cell += text.slice(i, j);
          this.#column += j - i - 1;
          i = j - 1;
          continue;
        }
        case 3:
          if (ch === '"') {
            this.#cell += '"';
            this.#state = 2;
            continue;
          }
          if (ch !== d && ch !== "\n" && ch !== "\r") {
            throw this.#error(`text after a closing quote (quote it whole: "…""…")`);
          }
          break; // the quoted cell ends here; handle the delimiter or line end below
        case 0:
          if (ch === '"') {
            this.#state = 2;
            this.#quoted = true;
            continue;
          }
      }
      if (ch === d) this.#endCell();
      else if (ch === "\n") this.#endRecord(out);
      else if (ch === "\r") this.#pendingCr = true;
      else if (ch === '"') {
        throw this.#error("a quote inside an unquoted cell (quote the cell and double the quote)");
      } else {
        // Plain text up to the next delimiter, quote or line end, in one slice.
        let j = i + 1;
        while (j < text.length) {
          const c = text[j];
          if (c === d || c === '"' || c === "\n" || c === "\r") break;
          j++;
        }
        this.#cell += text.slice(i, j);
        this.#column += j - i - 1;
        i = j - 1;
        this.#state = 1;
      }
    }
    return out;
  }

  /**
   * Ends the text: the last record (without a line end) is returned.
   *
   * @returns The last record, if any.
   * @throws {CsvSyntaxError} A quoted cell never closed.
   */
  end(): CsvRecord[] {
    if (this.#state === 2) {
      throw new CsvSyntaxError("a quoted cell is never closed", this.#recordLine, 1);
    }
    if (this.#pendingCr) {
      this.#pendingCr = false;
      const out: CsvRecord[] = [];
      this.#endRecord(out);
      return out;
    }
    if (this.#cell === "" && !this.#quoted && this.#record.length === 0) return [];
    const out: CsvRecord[] = [];
    this.#endRecord(out);
    return out;
  }

  #error(message: string): CsvSyntaxError {
    return new CsvSyntaxError(message, this.#line, this.#column);
  }

  #newLine(): void {
    this.#line++;
    this.#column = 0;
  }

  #endCell(): void {
    this.#record.push(!this.#quoted && this.#cell === "" ? null : this.#cell);
    this.#cell = "";
    this.#quoted = false;
    this.#state = 0;
  }

  #endRecord(out: CsvRecord[]): void {
    this.#endCell();
    const cells = this.#record;
    this.#record = [];
    // A blank line is no record.
    if (!(cells.length === 1 && cells[0] === null)) out.push({ cells, line: this.#recordLine });
    this.#newLine();
    this.#recordLine = this.#line;
  }
}

/**
 * Reads CSV records from text pieces as they come (a file's decoded stream).
 *
 * @param pieces The text, in pieces.
 * @param options The delimiter (sniffed when absent).
 * @returns The records, one at a time.
 * @throws {CsvSyntaxError} Text that breaks the rules.
 * @example
 * ```ts
 * import { csvRecords } from "./csv_records.ts";
 * async function* pieces() { yield "a,b\n1,"; yield '""\n'; }
 * for await (const r of csvRecords(pieces())) console.log(r.cells); // ["a","b"] then ["1",""]
 * ```
 */
export async function* csvRecords(
  pieces: AsyncIterable<string> | Iterable<string>,
  options: { delimiter?: string } = {},
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options);
  for await (const piece of pieces) yield* parser.push(piece);
  yield* parser.end();
}

/**
 * Reads every CSV record of a text held in memory.
 *
 * @param text The text.
 * @param options The delimiter (sniffed when absent).
 * @returns The records.
 * @throws {CsvSyntaxError} Text that breaks the rules.
 * @example
 * ```ts
 * import { parseCsvText } from "./csv_records.ts";
 * parseCsvText("name\tweight\nParis\t2\n", { delimiter: "\t" }).length; // 2
 * ```
 */
export function parseCsvText(text: string, options: { delimiter?: string } = {}): CsvRecord[] {
  const parser = new CsvParser(options);
  return [...parser.push(text), ...parser.end()];
}
