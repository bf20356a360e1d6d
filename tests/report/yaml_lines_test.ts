/**
 * The YAML fast path of `report`/`check` reads every value the yaml
 * formatter writes exactly as the `yaml` package does.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { yamlString, yamlValue } from "../../plugins/formatters/yaml.ts";
import { yamlLine } from "../../cli/readers/yaml_lines.ts";

const VALUES: unknown[] = [
  "Alice Smith",
  "yes",
  "null",
  "2024-01-01",
  "007",
  "a: b",
  "x #y",
  " lead",
  "trail ",
  'quo"te',
  "back\\slash",
  "tab\tnew\nline\rcr",
  "\u0000\u0007\u001b\u0085\u2028\ufeff",
  "😀 ünï",
  "\ud800 lone",
  "-dash",
  "",
  0,
  -5,
  1.5,
  1e21,
  1e-7,
  NaN,
  Infinity,
  -Infinity,
  true,
  false,
  null,
];

Deno.test("yamlLine() reads each value the yaml formatter writes as the yaml package does", () => {
  for (const key of ["id", "first name", "2fa", "yes", "a:b"]) {
    for (const v of VALUES) {
      for (const quoteAll of [false, true]) {
        const line = `${yamlString(key)}: ${yamlValue(v, quoteAll)}`;
        const expected = Object.entries(parse(line) as Record<string, unknown>)[0];
        const got = yamlLine(line);
        // Either read the same, or left to the package (undefined).
        if (got !== undefined) assert.deepEqual(got, expected, line);
      }
    }
  }
});

Deno.test("yamlLine() reads plain and quoted scalars itself and leaves flow collections", () => {
  assert.deepEqual(yamlLine('name: "Ann \\"A\\""'), ["name", 'Ann "A"']);
  assert.deepEqual(yamlLine("price: 1.5"), ["price", 1.5]);
  assert.deepEqual(yamlLine("gone: null"), ["gone", null]);
  assert.deepEqual(yamlLine('"odd key": x'), ["odd key", "x"]);
  assert.equal(yamlLine("tags: [a, b]"), undefined);
  assert.equal(yamlLine("obj: {a: 1}"), undefined);
  assert.equal(yamlLine("s: 'single'"), undefined);
});
