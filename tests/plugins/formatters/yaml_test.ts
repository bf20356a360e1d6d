/**
 * Unit tests of the `yaml` formatter: scalars, layouts, streaming, options.
 * Every output is read back by npm:yaml, a real parser.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import yaml, {
  yamlNumber,
  yamlQuoted,
  yamlString,
  yamlValue,
} from "../../../plugins/formatters/yaml.ts";
import { awkwardStrings, column, entity, render } from "./_setup.ts";

const people = entity("people", [
  column("id", "integer", { key: true, nullable: false }),
  column("name"),
  column("score", "number"),
  column("active", "boolean"),
  column("meta", "json"),
], [
  [1, "Alice", 1.5, true, { tags: ["a", "b"] }],
  [2, "yes", -0.25, false, null],
  [3, "", 1e21, null, []],
  [4, null, 5e-7, true, { "a key": { nested: "x: y" } }],
  [5, "multi\nline\r\n  text  ", NaN, false, "just text"],
]);

const asObjects = (e: typeof people) =>
  e.rows.map((r) => Object.fromEntries(e.schema.columns.map((c, i) => [c.name, r[i] ?? null])));

Deno.test("yamlString() leaves plain only what no YAML parser can misread", () => {
  for (const s of ["Alice", "Alice Smith", "a.b@example.com", "Zoë", "中文", "x-y_z/w+v"]) {
    assert.equal(yamlString(s), s, s);
  }
  for (
    const s of [
      "",
      " lead",
      "trail ",
      "yes",
      "No",
      "ON",
      "off",
      "y",
      "n",
      "null",
      "NULL",
      "True",
      "~",
      "007",
      "1e3",
      "0x1F",
      ".inf",
      "-.nan",
      "2024-01-01",
      "12:30",
      "a: b",
      "a #b",
      "- x",
      "[x]",
      "{x}",
      "&a",
      "*a",
      "!t",
      "%p",
      "@x",
      "`x",
      "|x",
      ">x",
      "?x",
      "'x'",
      '"x"',
      "a,b",
      "é\u0301",
    ]
  ) {
    assert.equal(yamlString(s)[0], '"', JSON.stringify(s));
    assert.equal(parse(`v: ${yamlString(s)}`).v, s, JSON.stringify(s));
  }
});

Deno.test("yamlQuoted() escapes control characters, line breaks and lone surrogates", () => {
  assert.equal(yamlQuoted("a\tb\nc\rd"), '"a\\tb\\nc\\rd"');
  assert.equal(yamlQuoted('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
  assert.equal(yamlQuoted("\u0000\u0007\u001b\u007f\u0085"), '"\\0\\a\\e\\u007f\\u0085"');
  assert.equal(yamlQuoted("\u2028\u2029\ufeff"), '"\\u2028\\u2029\\ufeff"');
  assert.equal(yamlQuoted("\ud800x"), '"\\ud800x"');
  assert.equal(yamlQuoted("😀"), '"😀"', "a surrogate pair stays as it is");
});

Deno.test("yamlString() output reads back as the same string for 2,000 awkward strings (seed 1)", () => {
  for (const s of awkwardStrings(1, 2000)) {
    const text = `v: ${yamlString(s)}\n`;
    assert.equal(parse(text).v, s, `${JSON.stringify(s)} written as ${text}`);
    assert.equal(text.split("\n").length, 2, "always one line");
  }
});

Deno.test("yamlValue() writes numbers, non-finite numbers and nested values", () => {
  assert.equal(yamlValue(42), "42");
  assert.equal(yamlValue(-0.5), "-0.5");
  assert.equal(yamlValue(1e21), "1.0e+21");
  assert.equal(yamlValue(5e-7), "5.0e-7");
  assert.equal(yamlNumber(1.5e-7), "1.5e-7");
  assert.equal(yamlValue(NaN), ".nan");
  assert.equal(yamlValue(Infinity), ".inf");
  assert.equal(yamlValue(-Infinity), "-.inf");
  assert.equal(yamlValue(null), "null");
  assert.equal(yamlValue(undefined), "null");
  assert.equal(yamlValue(true), "true");
  assert.equal(yamlValue([]), "[]");
  assert.equal(yamlValue({}), "{}");
  const nested = { "a key": [1, "two", null, { yes: "no" }], "": "empty key", s: "x, y" };
  assert.deepEqual(parse(yamlValue(nested)), nested);
  for (const n of [0, 1, -1, 0.1, 1 / 3, 1e21, 1e-7, -2.5e-300, Number.MAX_SAFE_INTEGER]) {
    assert.equal(parse(yamlValue(n)), n);
    assert.equal(
      parse(yamlValue(n), { version: "1.1" }),
      n,
      `YAML 1.1 reads ${yamlValue(n)} as a number`,
    );
  }
});

Deno.test("yaml writes an entity as a sequence of mappings that reads back", () => {
  const text = render(yaml, {}, [people]);
  assert.match(
    text,
    /^- id: 1\n {2}name: Alice\n {2}score: 1.5\n {2}active: true\n {2}meta: \{tags: \[a, b\]\}\n- id: 2\n {2}name: "yes"\n/,
  );
  assert.match(text, /score: \.nan\n/);
  assert.deepEqual(parse(text), asObjects(people), "NaN reads back as NaN");
});

Deno.test("yaml output does not depend on how rows are split into batches", () => {
  const whole = render(yaml, {}, [people]);
  for (const batchSize of [1, 2, 3]) assert.equal(render(yaml, {}, [people], { batchSize }), whole);
  assert.equal(
    render(yaml, {}, [people], { layout: "single", batchSize: 2 }),
    render(yaml, {}, [people], { layout: "single" }),
  );
});

Deno.test("yaml writes an empty entity as [] and a row without columns as {}", () => {
  assert.equal(render(yaml, {}, [entity("e", [column("a")], [])]), "[]\n");
  assert.equal(render(yaml, {}, [entity("e", [], [[], []])]), "- {}\n- {}\n");
  assert.deepEqual(parse(render(yaml, {}, [entity("e", [], [[], []])])), [{}, {}]);
});

Deno.test("yaml layout single writes a mapping of entities, empty ones as []", () => {
  const tags = entity("tags", [column("label")], [["x"], ["null"]]);
  const none = entity("none", [column("a")], []);
  const text = render(yaml, {}, [people, none, tags], { layout: "single" });
  assert.match(text, /^people:\n {2}- id: 1\n {4}name: Alice\n/);
  assert.match(text, /\nnone: \[\]\ntags:\n {2}- label: x\n {2}- label: "null"\n$/);
  assert.deepEqual(parse(text), {
    people: asObjects(people),
    none: [],
    tags: [{ label: "x" }, { label: "null" }],
  });
  assert.equal(render(yaml, {}, [], { layout: "single" }), "{}\n");
});

Deno.test("yaml layout split writes one mapping", () => {
  const text = render(yaml, {}, [people], { layout: "split" });
  assert.equal(text, "id: 1\nname: Alice\nscore: 1.5\nactive: true\nmeta: {tags: [a, b]}\n");
  assert.deepEqual(parse(text), asObjects(people)[0]);
});

Deno.test("yaml quotes column names that YAML would misread", () => {
  const odd = entity("odd", [column("yes"), column("a: b"), column("1"), column("")], [[
    "v",
    "w",
    "x",
    "y",
  ]]);
  const text = render(yaml, {}, [odd]);
  assert.equal(text, '- "yes": v\n  "a: b": w\n  "1": x\n  "": "y"\n');
  assert.deepEqual(parse(text), [{ yes: "v", "a: b": "w", "1": "x", "": "y" }]);
});

Deno.test("yaml option indent sets the nesting width and quote_all quotes every string value", () => {
  const text = render(yaml, { indent: 4, quote_all: true }, [people]);
  assert.match(text, /^- {3}id: 1\n {4}name: "Alice"\n/);
  assert.match(text, /meta: \{tags: \["a", "b"\]\}/);
  assert.deepEqual(parse(text), asObjects(people));
  const single = render(yaml, { indent: 4 }, [people], { layout: "single" });
  assert.match(single, /^people:\n {4}- {3}id: 1\n {8}name: Alice\n/);
  assert.deepEqual(parse(single), { people: asObjects(people) });
});

Deno.test("yaml options reject an indent below 2 and unknown keys", () => {
  assert.throws(() => yaml.options.parse({ indent: 1 }));
  assert.throws(() => yaml.options.parse({ colour: true }));
  assert.deepEqual(yaml.options.parse(undefined), { indent: 2, quote_all: false });
});
