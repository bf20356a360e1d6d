/**
 * Unit tests of the `xml` formatter: escaping, names, nulls, layouts and
 * options. Outputs are read back by saxes, a strict XML parser.
 */
import assert from "node:assert/strict";
import xml, {
  isXmlName,
  xmlName,
  xmlNames,
  xmlText,
  xmlValue,
} from "../../../plugins/formatters/xml.ts";
import { parseXml, type XmlElement } from "../../formatters/_roundtrip.ts";
import { awkwardStrings, column, entity, render } from "./_setup.ts";

const people = entity("people", [
  column("id", "integer", { key: true, nullable: false }),
  column("name"),
  column("score", "number"),
  column("active", "boolean"),
  column("meta", "json"),
], [
  [1, "Ann & <Bob>", 1.5, true, { tags: ["a", "b"] }],
  [2, "", NaN, false, null],
  [3, null, -Infinity, null, "x"],
]);

/** The rows under an element, as name → text (absent elements left out). */
function rows(el: XmlElement): Record<string, string>[] {
  return el.children.map((r) => Object.fromEntries(r.children.map((c) => [c.name, c.text])));
}

/** What XML 1.0 can hold of a string: no control characters but tab and line breaks, no U+FFFE/U+FFFF, no lone surrogates. */
function xmlSafe(s: string): string {
  return s.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
}

Deno.test("isXmlName() accepts XML names without colons and rejects the rest", () => {
  for (const s of ["a", "_a", "row", "first_name", "a-b.c", "é", "名前", "xmlish", "😀"]) {
    assert.ok(isXmlName(s), s);
  }
  for (const s of ["", "1a", "-a", ".a", "a b", "a:b", "a/b", "a&b", "a×b", "\u00b7a", "a\u2028"]) {
    assert.ok(!isXmlName(s), s);
  }
});

Deno.test("xmlName() makes any string a valid element name", () => {
  assert.equal(xmlName("ok_name"), "ok_name");
  assert.equal(xmlName("unit price"), "unit_price");
  assert.equal(xmlName("2fa"), "_2fa");
  assert.equal(xmlName("-x"), "_-x");
  assert.equal(xmlName("ns:tag"), "ns_tag");
  assert.equal(xmlName(""), "_");
  assert.equal(xmlName("a×b·c"), "a_b·c", "· may follow, × may not");
  assert.equal(xmlName("a\ud800b"), "a_b", "a lone surrogate is replaced");
  for (const s of awkwardStrings(3, 300)) assert.ok(isXmlName(xmlName(s)), JSON.stringify(s));
});

Deno.test("xmlNames() numbers names that collide once made valid", () => {
  assert.deepEqual(xmlNames(["a b", "a_b", "a b", "id"]), ["a_b", "a_b_2", "a_b_3", "id"]);
});

Deno.test("xmlText() escapes the five special characters and CR, and drops what XML 1.0 cannot hold", () => {
  assert.equal(
    xmlText(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;",
  );
  assert.equal(xmlText("a\r\nb"), "a&#13;\nb");
  assert.equal(xmlText("tab\there\nnext"), "tab\there\nnext");
  assert.equal(xmlText("x\u0000\u0001\u0008\u000b\u000c\u001f\ufffe\uffffy"), "xy");
  assert.equal(xmlText("lone \ud800 \udc00 pair 😀"), "lone   pair 😀");
  assert.equal(xmlText("plain text"), "plain text");
});

Deno.test("xmlText() output reads back through saxes as the XML-safe part of 2,000 awkward strings (seed 2)", () => {
  for (const s of awkwardStrings(2, 2000)) {
    const doc = parseXml(`<v>${xmlText(s)}</v>`);
    assert.equal(doc.text, xmlSafe(s), JSON.stringify(s));
  }
});

Deno.test("xmlValue() writes numbers and booleans as JSON does, non-finite numbers as xsd:double, nested values as JSON", () => {
  assert.equal(xmlValue(42), "42");
  assert.equal(xmlValue(1e21), "1e+21");
  assert.equal(xmlValue(NaN), "NaN");
  assert.equal(xmlValue(Infinity), "INF");
  assert.equal(xmlValue(-Infinity), "-INF");
  assert.equal(xmlValue(false), "false");
  assert.equal(xmlValue(["<", 1]), "[&quot;&lt;&quot;,1]");
});

Deno.test("xml writes a root per entity, a row element per row and a child per non-null column", () => {
  const text = render(xml, {}, [people]);
  assert.equal(
    text,
    `<?xml version="1.0" encoding="UTF-8"?>
<people>
  <row>
    <id>1</id>
    <name>Ann &amp; &lt;Bob&gt;</name>
    <score>1.5</score>
    <active>true</active>
    <meta>{&quot;tags&quot;:[&quot;a&quot;,&quot;b&quot;]}</meta>
  </row>
  <row>
    <id>2</id>
    <name></name>
    <score>NaN</score>
    <active>false</active>
  </row>
  <row>
    <id>3</id>
    <score>-INF</score>
    <meta>x</meta>
  </row>
</people>
`,
  );
  assert.deepEqual(rows(parseXml(text)), [
    { id: "1", name: "Ann & <Bob>", score: "1.5", active: "true", meta: '{"tags":["a","b"]}' },
    { id: "2", name: "", score: "NaN", active: "false" },
    { id: "3", score: "-INF", meta: "x" },
  ]);
});

Deno.test("xml option nulls nil writes xsi:nil elements and declares the namespace on the root", () => {
  const text = render(xml, { nulls: "nil" }, [people]);
  assert.match(text, /^<people xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance">$/m);
  assert.match(text, /<name xsi:nil="true"\/>/);
  const third = parseXml(text).children[2]!;
  assert.deepEqual(third.children.map((c) => [c.name, c.attributes["xsi:nil"] ?? c.text]), [
    ["id", "3"],
    ["name", "true"],
    ["score", "-INF"],
    ["active", "true"],
    ["meta", "x"],
  ]);
});

Deno.test("xml options root, row and indent 0 shape the document", () => {
  const text = render(xml, { root: "folks", row: "person", indent: 0 }, [people]);
  const lines = text.split("\n");
  assert.equal(lines[1], "<folks>");
  assert.equal(
    lines[2],
    "<person><id>1</id><name>Ann &amp; &lt;Bob&gt;</name><score>1.5</score><active>true</active><meta>{&quot;tags&quot;:[&quot;a&quot;,&quot;b&quot;]}</meta></person>",
  );
  assert.equal(lines.length, 7);
  const root = parseXml(text);
  assert.equal(root.name, "folks");
  assert.deepEqual(root.children.map((c) => c.name), ["person", "person", "person"]);
});

Deno.test("xml output does not depend on how rows are split into batches", () => {
  const whole = render(xml, {}, [people]);
  for (const batchSize of [1, 2]) assert.equal(render(xml, {}, [people], { batchSize }), whole);
});

Deno.test("xml makes column names that are not XML names valid, numbering collisions", () => {
  const odd = entity("odd table", [
    column("unit price"),
    column("unit_price"),
    column("2fa"),
    column("a:b"),
  ], [
    ["1", "2", "3", "4"],
  ]);
  const text = render(xml, {}, [odd]);
  const root = parseXml(text);
  assert.equal(root.name, "odd_table");
  assert.deepEqual(rows(root), [{ unit_price: "1", unit_price_2: "2", _2fa: "3", a_b: "4" }]);
});

Deno.test("xml layout single wraps one element per entity in a root named after the scenario", () => {
  const tags = entity("tags", [column("label")], [["x"]]);
  const empty = entity("empty", [column("a")], []);
  const text = render(xml, {}, [people, empty, tags], { layout: "single", scenario: "2024-shop" });
  assert.match(
    text,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<_2024-shop>\n {2}<people>\n {4}<row>\n {6}<id>1<\/id>/,
  );
  const root = parseXml(text);
  assert.equal(root.name, "_2024-shop");
  assert.deepEqual(root.children.map((c) => [c.name, c.children.length]), [["people", 3], [
    "empty",
    0,
  ], ["tags", 1]]);
  assert.deepEqual(rows(root.children[2]!), [{ label: "x" }]);
  const named = parseXml(
    render(xml, { root: "data", nulls: "nil" }, [people], { layout: "single" }),
  );
  assert.equal(named.name, "data");
  assert.equal(named.attributes["xmlns:xsi"], "http://www.w3.org/2001/XMLSchema-instance");
});

Deno.test("xml layout split makes the row element the document's root", () => {
  const text = render(xml, {}, [people], { layout: "split" });
  assert.equal(text.split("\n")[1], "<row>");
  const root = parseXml(text);
  assert.equal(root.name, "row");
  assert.deepEqual(
    Object.fromEntries(root.children.map((c) => [c.name, c.text])).name,
    "Ann & <Bob>",
  );
  const nil = parseXml(render(xml, { nulls: "nil" }, [people], { layout: "split" }));
  assert.equal(nil.attributes["xmlns:xsi"], "http://www.w3.org/2001/XMLSchema-instance");
});

Deno.test("xml options reject root and row names that are not XML names", () => {
  assert.throws(() => xml.options.parse({ root: "1data" }));
  assert.throws(() => xml.options.parse({ row: "a:b" }));
  assert.throws(() => xml.options.parse({ row: "" }));
  assert.throws(() => xml.options.parse({ nulls: "empty" }));
  assert.deepEqual(xml.options.parse(undefined), { row: "row", indent: 2, nulls: "omit" });
});
