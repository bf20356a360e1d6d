/**
 * Real XML parsers read back what the `xml` formatter writes: saxes (a
 * strict, conformant parser) for the values, and libxml2's xmllint for
 * well-formedness. Every row and value must equal what the library
 * generates in memory, as text.
 */
import assert from "node:assert/strict";
import {
  assertRows,
  csvText,
  expected,
  fixture,
  generate,
  mapRows,
  needsProgram,
  parseXml,
  type Row,
  run,
  scenarioWith,
  type XmlElement,
} from "./_roundtrip.ts";

const TRICKY = fixture("tricky_values.yaml");
const COUNT = 150;
const ARGS = ["--count", `people=${COUNT}`, "--batch-size", "40"];
const want = await expected(TRICKY, "people", { people: COUNT });
const xmllint = await needsProgram("xmllint", "Debian package libxml2-utils");
const XSI_NIL = "xsi:nil";

/** The rows under a root, as column → text (an absent or nil element is null). */
function rowsOf(root: XmlElement, rowName: string): Row[] {
  return root.children.map((row) => {
    assert.equal(row.name, rowName);
    assert.equal(row.text.trim(), "", "a row holds elements only");
    const out: Row = {};
    for (const c of want.schema.columns) {
      const el = row.children.find((e) => e.name === c.name);
      out[c.name] = el === undefined || el.attributes[XSI_NIL] === "true" ? null : el.text;
    }
    assert.equal(
      row.children.length,
      Object.values(out).filter((v) => v !== null).length +
        row.children.filter((e) => e.attributes[XSI_NIL] === "true").length,
    );
    return out;
  });
}

const asText = mapRows(want.rows, want.schema, csvText);

Deno.test("XML read back by saxes holds every generated row and value as text", async () => {
  const dir = await generate(TRICKY, ["--format", "xml", ...ARGS]);
  const text = await Deno.readTextFile(`${dir}/people.xml`);
  assert.match(
    text,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<people>\n {2}<row>\n {4}<id>1<\/id>\n/,
  );
  const root = parseXml(text);
  assert.equal(root.name, "people");
  assertRows(rowsOf(root, "row"), asText, "xml");
  assert.ok(
    root.children.every((r) => !r.children.some((e) => e.name === "nothing")),
    "null values leave their element out",
  );
});

Deno.test("XML with a custom root and row, no indent and xsi:nil nulls reads back the same", async () => {
  const scenario = await scenarioWith(TRICKY, {
    xml: { root: "people_list", row: "person", indent: 0, nulls: "nil" },
  });
  const dir = await generate(scenario, ["--format", "xml", ...ARGS]);
  const text = await Deno.readTextFile(`${dir}/people.xml`);
  assert.equal(text.match(/^<person>/gm)?.length, COUNT, "each row starts a line");
  assert.doesNotMatch(text, /^ +</m, "nothing is indented");
  const root = parseXml(text);
  assert.equal(root.name, "people_list");
  assert.equal(root.attributes["xmlns:xsi"], "http://www.w3.org/2001/XMLSchema-instance");
  assertRows(rowsOf(root, "person"), asText, "xml (nil)");
  assert.ok(
    root.children.every((r) =>
      r.children.some((e) => e.name === "nothing" && e.attributes[XSI_NIL] === "true")
    ),
  );
});

Deno.test({
  name: "XML output is well-formed for libxml2 (xmllint), in every option combination",
  ignore: xmllint.ignore,
  fn: async () => {
    xmllint.value();
    for (const options of [{}, { indent: 0, nulls: "nil" }, { row: "r", indent: 8 }]) {
      const scenario = await scenarioWith(TRICKY, { xml: options });
      const dir = await generate(scenario, ["--format", "xml", ...ARGS]);
      await run("xmllint", ["--noout", "--nonet", `${dir}/people.xml`]);
    }
  },
});
