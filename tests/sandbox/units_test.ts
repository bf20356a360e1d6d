/**
 * The sandbox's pure parts: permission intersection, columnar packing,
 * policy resolution and the command-line grant flags.
 */
import assert from "node:assert/strict";
import { absolutePath, accessOf, isComplete, within } from "../../core/sandbox/permissions.ts";
import { packColumn, unpackColumn } from "../../core/sandbox/columns.ts";
import {
  grantsFor,
  resolvePolicy,
  scenarioPluginIssues,
  specifierOf,
} from "../../core/sandbox/policy.ts";
import { policyFromFlags } from "../../cli/plugin_flags.ts";
import { UsageError } from "../../core/errors.ts";

const none = { read: [], net: [], env: [] };

Deno.test("accessOf() gives a plugin the intersection of what it declares and what is granted", () => {
  const a = accessOf(
    { read: ["/data/in", "/etc"], net: ["api.example.com", "db.example.com:5432"], env: ["KEY"] },
    { read: ["/data"], net: ["api.example.com:443", "db.example.com"], env: ["KEY", "OTHER"] },
  );
  assert.deepEqual(a.effective, {
    read: ["/data/in"],
    net: ["api.example.com:443", "db.example.com:5432"],
    env: ["KEY"],
  });
  assert.deepEqual(a.missing, { read: ["/etc"], net: [], env: [] });
  assert.equal(isComplete(a), false);
});

Deno.test("accessOf() narrows a declared folder or * to what is granted", () => {
  const a = accessOf({ read: ["/"], net: ["*"], env: ["*"] }, {
    read: ["/tmp/x"],
    net: ["a.example.com"],
    env: ["A"],
  });
  assert.deepEqual(a.effective, { read: ["/tmp/x"], net: ["a.example.com"], env: ["A"] });
  assert.ok(isComplete(a));
  assert.deepEqual(accessOf({ read: ["*"], net: [], env: [] }, none).missing.read, ["*"]);
});

Deno.test("accessOf() never matches other ports, hosts or sibling folders", () => {
  const a = accessOf(
    { read: ["/data"], net: ["a.example.com:80"], env: ["KEY"] },
    { read: ["/data-2", "/dat"], net: ["a.example.com:443", "b.example.com"], env: ["key"] },
  );
  assert.deepEqual(a.effective, none);
  assert.deepEqual(a.missing, { read: ["/data"], net: ["a.example.com:80"], env: ["KEY"] });
});

Deno.test("within() and absolutePath() treat paths segment by segment", () => {
  assert.ok(within("/a/b", "/a"));
  assert.ok(within("/a", "/a/"));
  assert.ok(!within("/ab", "/a"));
  assert.ok(within("/x", "/"));
  assert.equal(absolutePath("./data/../in/", "/p"), "/p/in");
  assert.equal(absolutePath("/abs", "/p"), "/abs");
});

Deno.test("packColumn() moves number columns as Float64Array with a null mask", () => {
  const transfer: ArrayBuffer[] = [];
  const packed = packColumn([1.5, null, -0, 3], transfer);
  assert.equal(packed.t, "f64");
  assert.equal(transfer.length, 2);
  assert.deepEqual(unpackColumn(packed), [1.5, null, -0, 3]);
  for (const column of [["a", null], [1, "1"], [null, null], [{ a: 1 }], []]) {
    const p = packColumn(column, []);
    assert.deepEqual(unpackColumn(p), column);
  }
});

Deno.test("packColumn() sends string columns as one string with the lengths, exactly", () => {
  const hostile = [
    "",
    "a,b",
    '"q"',
    "\\",
    "\u0000\n\r\t",
    "\ud800",
    "x\udc00",
    "\ud83d\ude00",
    "é",
    "中文",
    "z".repeat(10_000),
    null,
    "",
  ];
  const random = Array.from(
    { length: 2000 },
    (_, k) =>
      k % 7 === 0 ? null : String.fromCharCode(
        ...Array.from({ length: k % 23 }, (_, j) => (k * 7919 + j * 104_729) % 0x10000),
      ),
  );
  for (const column of [hostile, random, ["only"], [null, "a"], ["", ""]]) {
    const transfer: ArrayBuffer[] = [];
    const packed = packColumn(column, transfer);
    assert.equal(packed.t, "str");
    assert.ok(transfer.length >= 1, "the lengths (and null mask) are moved");
    const back = unpackColumn(structuredClone(packed, { transfer }));
    assert.deepEqual(back, column);
    back.forEach((v, k) => assert.ok(Object.is(v, column[k])));
  }
});

Deno.test("unpackColumn() refuses a string column whose parts do not fit together", () => {
  const bad = [
    { t: "str", s: "abc", lengths: new Uint32Array([1, 1]) },
    { t: "str", s: "abc", lengths: new Uint32Array([2, 2]) },
    { t: "str", s: "abc", lengths: new Uint32Array([4_294_967_295, 3]) },
    { t: "str", s: 42, lengths: new Uint32Array([2]) },
    { t: "str", s: "ab", lengths: [1, 1] },
    { t: "str", s: "ab", lengths: new Uint32Array([1, 1]), nulls: new Uint8Array(1) },
    { t: "str", s: "ab", lengths: new Uint32Array([1, 1]), nulls: [0, 0] },
  ];
  for (const packed of bad) {
    assert.throws(
      () => unpackColumn(packed as unknown as Parameters<typeof unpackColumn>[0]),
      TypeError,
      JSON.stringify(packed),
    );
  }
});

Deno.test("resolvePolicy() resolves trust and grants against the project folder", () => {
  const project = {
    entries: [
      { source: "./plugins/mine.ts", trusted: true },
      { source: "./plugins/w.ts", grants: { net: ["w.example.com"] } },
      "./plugins/plain.ts",
    ],
    base: new URL("file:///p/deno.json"),
    grants: { lines: { read: ["./data"] }, "./s/x.ts": { env: ["X"] } },
  };
  const p = resolvePolicy("/p", project, {
    trusted: ["npm:fab-dice"],
    grants: { lines: { read: ["/abs"] } },
    timeoutSeconds: 2,
  });
  assert.deepEqual([...p.trusted], ["file:///p/plugins/mine.ts", "npm:fab-dice"]);
  assert.equal(p.timeoutMs, 2000);
  assert.deepEqual(grantsFor(p, "lines", "file:///p/l.ts").read, ["/p/data", "/abs"]);
  assert.deepEqual(grantsFor(p, "anything", "file:///p/s/x.ts").env, ["X"]);
  assert.deepEqual(grantsFor(p, "w", "file:///p/plugins/w.ts").net, ["w.example.com"]);
  assert.deepEqual(grantsFor(p, "w", "file:///elsewhere/w.ts").net, []);
  assert.equal(specifierOf("jsr:@x/y", new URL("file:///p/")), "jsr:@x/y");
});

Deno.test("scenarioPluginIssues() refuses trusted and grants in a scenario", () => {
  const issues = scenarioPluginIssues(
    ["./ok.ts", { source: "./plugins/x.ts", trusted: true, grants: { env: ["A"] } }],
    new URL("file:///p/scenarios/"),
    "/p",
  );
  assert.deepEqual(issues.map((i) => i.path), [["plugins", 1, "trusted"], [
    "plugins",
    1,
    "grants",
  ]]);
  assert.match(issues[0]!.hint!, /--trust-plugin \.\/scenarios\/plugins\/x\.ts/);
});

Deno.test("policyFromFlags() reads grants as plugin:value and checks the time limit", () => {
  const p = policyFromFlags({
    "allow-plugin-read": ["lines:./data", "lines:/tmp/x"],
    "allow-plugin-net": ["weather:api.example.com:443"],
    "trust-plugin": ["./mine.ts"],
    "plugin-timeout": "2.5",
  });
  assert.deepEqual(p, {
    trusted: ["./mine.ts"],
    grants: { lines: { read: ["./data", "/tmp/x"] }, weather: { net: ["api.example.com:443"] } },
    timeoutSeconds: 2.5,
  });
  assert.throws(() => policyFromFlags({ "allow-plugin-env": ["API_KEY"] }), UsageError);
  assert.throws(() => policyFromFlags({ "plugin-timeout": "0" }), UsageError);
});

Deno.test("docs/plugins.md shows the example plugins exactly as they are in examples/plugins/", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/plugins.md", import.meta.url));
  for (const name of ["username", "luhn", "tsv"]) {
    const code = await Deno.readTextFile(
      new URL(`../../examples/plugins/${name}.ts`, import.meta.url),
    );
    // The doc sits one folder up from examples/plugins/, hence its shorter import.
    const shown = code.replace('"../../mod.ts"', '"../mod.ts"');
    assert.ok(
      doc.includes("```ts\n" + shown + "```"),
      `docs/plugins.md: update the ${name} example`,
    );
  }
});
