/**
 * Hostile and broken files for `report` and `check`: truncated or
 * mis-tagged XML, SQL statements fabricate does not write, cut-short or
 * damaged xlsx workbooks and a sheet that inflates to a huge row. Each
 * exits 2 naming the file and the line (or the cell), and writes nothing.
 */
import assert from "node:assert/strict";
import { strToU8, zipSync } from "fflate";
import { runCli } from "../_helpers/rows.ts";

const SMALL = [
  "--seed",
  "2",
  "--count",
  "customers=20",
  "--count",
  "products=5",
  "--count",
  "orders=30",
];

async function folder(format: string, extra: string[] = []): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: `fabricate-hostile-${format}-` });
  const gen = await runCli([
    "gen",
    "quickstart",
    ...SMALL,
    "--format",
    format,
    "--out",
    `${dir}/out`,
    "-q",
    ...extra,
  ]);
  assert.equal(gen.code, 0, gen.stderr);
  return `${dir}/out`;
}

async function refused(out: string, message: RegExp): Promise<void> {
  for (
    const args of [["report", out], [
      "check",
      out,
      "--scenario",
      "quickstart",
      "--report",
      `${out}/r.html`,
    ]]
  ) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, message, args[0]);
    for (const f of ["report.json", "report.html", "r.json", "r.html"]) {
      await assert.rejects(Deno.lstat(`${out}/${f}`), Deno.errors.NotFound, `${f} not written`);
    }
  }
}

Deno.test("hostile: truncated XML exits 2 with the file, line and column", async () => {
  const out = await folder("xml");
  const text = await Deno.readTextFile(`${out}/orders.xml`);
  await Deno.writeTextFile(`${out}/orders.xml`, text.slice(0, Math.floor(text.length / 2)));
  await refused(out, /orders\.xml:\d+:\d+: .*/);
  await Deno.remove(out.replace(/\/out$/, ""), { recursive: true });
});

Deno.test("hostile: XML with wrong tags exits 2 naming the line", async () => {
  const out = await folder("xml");
  const text = await Deno.readTextFile(`${out}/orders.xml`);
  // A closing tag that does not match, then an element nested in a column.
  await Deno.writeTextFile(`${out}/orders.xml`, text.replace("</status>", "</state>"));
  await refused(out, /orders\.xml:\d+:\d+: (unexpected close tag|unclosed tag)/);
  await Deno.writeTextFile(
    `${out}/orders.xml`,
    text.replace(/<status>([^<]*)<\/status>/, "<status><b>$1</b></status>"),
  );
  await refused(out, /orders\.xml:\d+:\d+: unexpected element <b> inside <status>/);
  await Deno.remove(out.replace(/\/out$/, ""), { recursive: true });
});

Deno.test("hostile: SQL a reader does not understand exits 2 with its line", async () => {
  const out = await folder("sql");
  const text = await Deno.readTextFile(`${out}/orders.sql`);
  await Deno.writeTextFile(`${out}/orders.sql`, text + '\nDELETE FROM "orders";\n');
  await refused(out, /orders\.sql:\d+:1: a statement fabricate does not write \("DELETE"\)/);
  await Deno.writeTextFile(`${out}/orders.sql`, text.replace("VALUES", "VALUES (1, 2),"));
  await refused(out, /orders\.sql:\d+:1: a row of 2 values for 6 columns/);
  await Deno.writeTextFile(`${out}/orders.sql`, text.slice(0, text.lastIndexOf("'") - 3));
  await refused(out, /orders\.sql:\d+:1: a string literal is never closed/);
  await Deno.remove(out.replace(/\/out$/, ""), { recursive: true });
});

Deno.test("hostile: YAML not shaped as a sequence of mappings exits 2 with its line", async () => {
  const out = await folder("yaml");
  const text = await Deno.readTextFile(`${out}/orders.yaml`);
  await Deno.writeTextFile(`${out}/orders.yaml`, text.replace(/\n {2}status:/, "\nstatus:"));
  await refused(out, /orders\.yaml:\d+:1: expected a sequence item/);
  await Deno.writeTextFile(`${out}/orders.yaml`, text.replace(/status: \w+/, 'status: "open'));
  await refused(out, /orders\.yaml:\d+:\d+: /);
  await Deno.remove(out.replace(/\/out$/, ""), { recursive: true });
});

Deno.test("hostile: a cut-short or damaged xlsx exits 2 naming the file and the cell", async () => {
  const out = await folder("xlsx");
  const bytes = await Deno.readFile(`${out}/orders.xlsx`);
  await Deno.writeFile(`${out}/orders.xlsx`, bytes.slice(0, Math.floor(bytes.length / 2)));
  await refused(out, /orders\.xlsx: not a ZIP file/);
  await Deno.writeFile(
    `${out}/orders.xlsx`,
    workbook(
      `<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"><v>abc</v></c></row>`,
    ),
  );
  await refused(out, /orders\.xlsx \(sheet "orders", cell A2, line \d+\): "abc" is not a number/);
  await Deno.writeFile(`${out}/orders.xlsx`, workbook(`<row r="1"><c r="A1"><v>1</v></c><row>`));
  await refused(out, /orders\.xlsx \(sheet "orders".*line \d+\)/);
  await Deno.remove(out.replace(/\/out$/, ""), { recursive: true });
});

Deno.test("hostile: a sheet inflating to a huge row is refused with memory capped", async () => {
  const out = await folder("xlsx");
  // 80 MB of one cell's text deflates to ~80 KB; the ZIP also declares a huge size.
  const huge = "a".repeat(80 * 1024 * 1024);
  const zip = workbook(`<row r="1"><c r="A1" t="inlineStr"><is><t>${huge}</t></is></c></row>`);
  declareSize(zip, "xl/worksheets/sheet1.xml", 0xfffffff0);
  await Deno.writeFile(`${out}/orders.xlsx`, zip);
  await refused(
    out,
    /orders\.xlsx \(sheet "orders", cell A1, line 1\): a row of more than \d+ characters/,
  );
  await Deno.remove(out.replace(/\/out$/, ""), { recursive: true });
});

/** A minimal workbook with one sheet named "orders". */
function workbook(sheetData: string): Uint8Array {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>';
  const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  return zipSync({
    "xl/worksheets/sheet1.xml": strToU8(
      `${xml}<worksheet xmlns="${main}"><sheetData>${sheetData}</sheetData></worksheet>`,
    ),
    "xl/workbook.xml": strToU8(
      `${xml}<workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="orders" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
  });
}

/** Sets the uncompressed size a ZIP's central directory declares for an entry. */
function declareSize(zip: Uint8Array, name: string, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const want = new TextEncoder().encode(name);
  for (let i = 0; i < zip.length - 46; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const n = view.getUint16(i + 28, true);
    if (n === want.length && want.every((b, k) => zip[i + 46 + k] === b)) {
      view.setUint32(i + 24, size, true);
      return;
    }
  }
  throw new Error(`no entry ${name}`);
}
