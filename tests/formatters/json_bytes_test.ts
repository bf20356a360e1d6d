/**
 * The `json` and `jsonl` formatters write bytes straight into a ByteWriter.
 * These tests hold them to the text implementation they replaced (copied
 * below as the reference, then encoded with TextEncoder as the output layer
 * encoded it): byte-identical on hostile and random values, every option and
 * layout, many batch sizes, and in pieces joined with seek().
 */
import assert from "node:assert/strict";
import type { Batch, FormatterSetup, FormatterStream } from "../../core/types.ts";
import json from "../../plugins/formatters/json.ts";
import jsonl from "../../plugins/formatters/jsonl.ts";
import { ByteWriter } from "../../plugins/_shared/byte_writer.ts";
import { writeJsonValue } from "../../plugins/_shared/json_bytes.ts";
import {
  chunks,
  concat,
  firstDifference,
  hostileValues,
  type MakeStream,
  piecewise,
  random,
  randomValue,
  type Table,
  table,
} from "./_differential.ts";

// ---- The reference: the text implementation before bytes (json_text.ts, json.ts, jsonl.ts). ----

// deno-lint-ignore no-control-regex
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function oldJsonValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return PLAIN.test(v) ? '"' + v + '"' : JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return String(v);
    default:
      return v === null || v === undefined ? "null" : JSON.stringify(v);
  }
}

function oldJsonRow(keys: readonly string[], batch: Batch, k: number): string {
  const cols = batch.columns;
  let s = "{";
  for (let c = 0; c < cols.length; c++) {
    s += (c === 0 ? "" : ",") + keys[c] + oldJsonValue(cols[c]![k]);
  }
  return s + "}";
}

function oldJsonKeys(fields: readonly string[]): string[] {
  return fields.map((f) => JSON.stringify(f) + ":");
}

function oldJsonl(): FormatterStream {
  let keys: string[] = [];
  return {
    beginEntity(entity) {
      keys = oldJsonKeys(entity.columns.map((c) => c.name));
    },
    write(batch) {
      let s = "";
      for (let k = 0; k < batch.length; k++) s += oldJsonRow(keys, batch, k) + "\n";
      return s;
    },
    seek() {},
  };
}

function oldJson({ indent }: { indent: number }, setup: FormatterSetup): FormatterStream {
  const single = setup.layout === "single";
  const split = setup.layout === "split";
  let keys: string[] = [];
  let first = true;
  let firstEntity = true;
  const pad = " ".repeat(indent);
  const rowText = indent === 0
    ? (batch: Batch, k: number) => oldJsonRow(keys, batch, k)
    : (batch: Batch, k: number) =>
      JSON.stringify(JSON.parse(oldJsonRow(keys, batch, k)), null, indent)
        .replaceAll("\n", "\n" + (single ? pad + pad : split ? "" : pad));
  const rowPad = single ? (indent ? pad + pad : "  ") : (indent ? pad : "");
  return {
    start: () => (single ? "{" : undefined),
    beginEntity(entity) {
      keys = oldJsonKeys(entity.columns.map((c) => c.name));
      first = true;
      if (split) return;
      const open = single
        ? `${firstEntity ? "" : ","}\n${indent ? pad : " "}${JSON.stringify(entity.name)}: [`
        : "[";
      firstEntity = false;
      return open;
    },
    write(batch) {
      if (split) return batch.length ? rowText(batch, 0) + "\n" : "";
      let s = "";
      for (let k = 0; k < batch.length; k++) {
        s += (first ? "\n" : ",\n") + rowPad + rowText(batch, k);
        first = false;
      }
      return s;
    },
    seek(_entity, row) {
      first = row === 0;
    },
    endEntity() {
      if (split) return;
      const close = first ? "]" : `\n${single ? (indent ? pad : " ") : ""}]`;
      return single ? close : close + "\n";
    },
    finish: () => (single ? "\n}\n" : undefined),
  };
}

// ---- The tables: hostile names and values, then random ones. ----

const utf8 = new TextEncoder();

/** Values JSON.parse cannot read back from the one-line text (pretty-printing throws on them). */
const unparseable = (v: unknown) => {
  try {
    JSON.parse(oldJsonValue(v));
    return false;
  } catch {
    return true;
  }
};

/** The values a pretty-printed row writes without JSON.parse. */
const scalar = (v: unknown) =>
  v === null || ["string", "number", "boolean", "undefined"].includes(typeof v);

function tables(seed: number, keep?: (v: unknown) => boolean): Table[] {
  return [
    table(
      "customers",
      [["id", "integer"], ["name", "string"], ["balance", "number"]],
      400,
      seed,
      keep,
    ),
    table(
      'odd "names" 😀',
      [
        ["a.b", "string"],
        ['quo"te\\', "string"],
        ["émoji😀", "string"],
        ["lone\ud800", "string"],
        ["ctl\u0000\u001f", "string"],
        ["__proto__", "json"],
        ["", "boolean"],
      ],
      250,
      seed + 1,
      keep,
    ),
    // JSON.parse puts array-index names first and keeps one of a repeated name.
    table("index names", [["b", "string"], ["2", "integer"], ["0", "string"]], 120, seed + 3, keep),
    table(
      "repeated names",
      [["a", "string"], ["b", "number"], ["a", "string"]],
      120,
      seed + 4,
      keep,
    ),
    table(
      "scalars only",
      [["s", "string"], ["n", "number"], ["t", "boolean"]],
      300,
      seed + 5,
      scalar,
    ),
    table("no rows", [["x", "string"]], 0, seed + 2, keep),
    { schema: { name: "no columns", count: 3, columns: [] }, columns: [] },
  ];
}

const assertSame = (actual: Uint8Array[], expected: Uint8Array[], what: string) => {
  assert.equal(actual.length, expected.length, `${what}: chunk count`);
  for (let i = 0; i < actual.length; i++) {
    const diff = firstDifference(actual[i]!, expected[i]!);
    if (diff) assert.fail(`${what}, chunk ${i}: ${diff}`);
  }
};

const newJson = (indent: number): MakeStream => (setup) =>
  json.create(json.options.parse({ indent }), setup) as FormatterStream;
const newJsonl: MakeStream = (setup) =>
  jsonl.create(jsonl.options.parse({}), setup) as FormatterStream;

const BATCH_SIZES = [1, 2, 7, 64, 1000];

Deno.test("writeJsonValue writes the bytes of the text encoder for every hostile value", () => {
  for (const v of hostileValues()) {
    const w = new ByteWriter(8);
    writeJsonValue(w, v);
    const diff = firstDifference(w.take(), utf8.encode(String(oldJsonValue(v))));
    if (diff) assert.fail(`${String(v).slice(0, 40)}: ${diff}`);
  }
});

Deno.test("writeJsonValue matches the text encoder on 200,000 random values", () => {
  const next = random(7);
  const short = hostileValues().filter((v) => typeof v !== "string" || v.length < 1000);
  const w = new ByteWriter(8);
  for (let i = 0; i < 200_000; i++) {
    const v = randomValue(next, short);
    const start = w.pos;
    writeJsonValue(w, v);
    const diff = firstDifference(w.buf.slice(start, w.pos), utf8.encode(String(oldJsonValue(v))));
    if (diff) assert.fail(`value ${i} ${JSON.stringify(String(v))}: ${diff}`);
  }
});

Deno.test("jsonl writes the bytes of the text implementation, any batch size and layout", () => {
  for (const seed of [1, 2, 3]) {
    const ts = tables(seed);
    for (const layout of ["per-entity", "split"] as const) {
      for (const size of layout === "split" ? [1] : BATCH_SIZES) {
        assertSame(
          chunks(newJsonl, ts, layout, size),
          chunks(() => oldJsonl(), ts, layout, size),
          `jsonl seed ${seed} ${layout} batch ${size}`,
        );
      }
    }
  }
});

for (const indent of [0, 2, 4]) {
  Deno.test(`json indent ${indent} writes the bytes of the text implementation, any batch size and layout`, () => {
    for (const seed of [1, 2]) {
      const ts = tables(seed, indent ? (v) => !unparseable(v) : undefined);
      for (const layout of ["per-entity", "single", "split"] as const) {
        for (const size of layout === "split" ? [1] : BATCH_SIZES) {
          assertSame(
            chunks(newJson(indent), ts, layout, size),
            chunks((setup) => oldJson({ indent }, setup), ts, layout, size),
            `json indent ${indent} seed ${seed} ${layout} batch ${size}`,
          );
        }
      }
    }
  });
}

Deno.test("json and jsonl in pieces joined with seek() are the text implementation's bytes", () => {
  const next = random(11);
  const cuts = (count: number) => {
    const at = new Set([0, count]);
    for (let i = 0; i < 6; i++) at.add(Math.floor(next() * count));
    return [...at].sort((a, b) => a - b);
  };
  for (const indent of [0, 2]) {
    const ts = tables(5, indent ? (v) => !unparseable(v) : undefined);
    for (const layout of ["per-entity", "single"] as const) {
      const diff = firstDifference(
        concat(piecewise(newJson(indent), ts, layout, cuts)),
        concat(chunks((setup) => oldJson({ indent }, setup), ts, layout, 1000)),
      );
      if (diff) assert.fail(`json indent ${indent} ${layout}: ${diff}`);
    }
  }
  const ts = tables(6);
  const diff = firstDifference(
    concat(piecewise(newJsonl, ts, "per-entity", cuts)),
    concat(chunks(() => oldJsonl(), ts, "per-entity", 1000)),
  );
  if (diff) assert.fail(`jsonl: ${diff}`);
});

Deno.test("json with indent throws where the text implementation threw (a value JSON cannot read back)", () => {
  const t = table("t", [["f", "string"]], 1, 1);
  t.columns[0]![0] = () => 1;
  assert.throws(() => chunks(newJson(2), [t], "per-entity", 1), SyntaxError);
  assert.throws(() => chunks((s) => oldJson({ indent: 2 }, s), [t], "per-entity", 1), SyntaxError);
});
