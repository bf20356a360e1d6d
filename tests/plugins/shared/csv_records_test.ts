/**
 * fabricate's one CSV reader reads back what the csv formatter writes
 * (every delimiter, CRLF and LF, quoted cells, null vs ""), the same
 * whatever size the pieces arrive in, and refuses what RFC 4180 forbids.
 */
import assert from "node:assert/strict";
import { cellEncoder } from "../../../plugins/formatters/csv.ts";
import {
  CsvParser,
  CsvSyntaxError,
  parseCsvText,
  sniffDelimiter,
} from "../../../plugins/_shared/csv_records.ts";

const VALUES: (string | null)[] = [
  "plain",
  "",
  null,
  'say "hi"',
  "a,b;c\td|e",
  "two\nlines",
  "cr\r\nlf",
  "lone\rcr",
  " spaced ",
  "ünïcödé 🎉",
  '"',
];

Deno.test('parseCsvText() reads back what the csv formatter writes, null and "" apart', () => {
  for (const delimiter of [",", ";", "\t", "|"]) {
    for (const eol of ["\r\n", "\n"]) {
      const cell = cellEncoder(delimiter, "", false);
      const text = ["h1", "h2"].join(delimiter) + eol +
        VALUES.map((v) => [cell(v), cell(v)].join(delimiter)).join(eol) + eol;
      const records = parseCsvText(text);
      assert.deepEqual(records[0]!.cells, ["h1", "h2"]);
      assert.deepEqual(
        records.slice(1).map((r) => r.cells[1]),
        VALUES,
        `delimiter ${JSON.stringify(delimiter)}, ${JSON.stringify(eol)}`,
      );
    }
  }
});

Deno.test("CsvParser gives the same records whatever the size of the pieces", () => {
  const cell = cellEncoder(",", "", false);
  const text = "\uFEFFa,b\r\n" + VALUES.map((v) => `${cell(v)},x`).join("\r\n");
  const whole = parseCsvText(text);
  for (const size of [1, 2, 3, 7, 64]) {
    const parser = new CsvParser();
    const got = [];
    for (let i = 0; i < text.length; i += size) got.push(...parser.push(text.slice(i, i + size)));
    got.push(...parser.end());
    assert.deepEqual(got, whole, `pieces of ${size}`);
  }
  assert.deepEqual(whole[0]!.cells, ["a", "b"], "the BOM is skipped");
  assert.deepEqual(whole.map((r) => r.line), [1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14]);
});

Deno.test("parseCsvText() skips blank lines and sniffs the delimiter", () => {
  assert.deepEqual(parseCsvText("a;b\n\n1;2\n").map((r) => r.cells), [["a", "b"], ["1", "2"]]);
  assert.equal(sniffDelimiter("a\tb\tc"), "\t");
  assert.equal(sniffDelimiter("single"), ",");
});

Deno.test("parseCsvText() refuses stray quotes and unclosed cells with line and column", () => {
  const bad: [string, RegExp, number][] = [
    ['a,b\n1,x"y\n', /a quote inside an unquoted cell/, 2],
    ['a,b\n1,"x"y\n', /text after a closing quote/, 2],
    ['a,b\n1,"open\n2,3\n', /a quoted cell is never closed/, 2],
  ];
  for (const [text, message, line] of bad) {
    assert.throws(() => parseCsvText(text), (e) => {
      assert.ok(e instanceof CsvSyntaxError);
      assert.match(e.message, message);
      assert.equal(e.line, line);
      return true;
    });
  }
});
