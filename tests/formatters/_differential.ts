/**
 * Helpers for differential tests of formatters that write bytes: hostile
 * and seeded random values, and a driver that calls a formatter's hooks as
 * the kernel does and returns every chunk as bytes (text encoded with
 * `TextEncoder`, as the output layer does).
 *
 * @module
 */
import type {
  Batch,
  Chunk,
  ColumnInfo,
  EntitySchema,
  FieldType,
  FormatterSetup,
  FormatterStream,
} from "../../core/types.ts";

const utf8 = new TextEncoder();

/** A seeded xorshift32 in [0, 1): failures replay from the seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** A string built at run time (a cons string, as generators make them). */
const cons = (...parts: string[]) => parts.reduce((a, b) => a + b, "");

/** Values that have broken encoders: one of each awkward kind. */
export function hostileValues(): unknown[] {
  const long = "x".repeat(100_000);
  return [
    "",
    "plain",
    'say "hi"',
    "back\\slash",
    "C:\\temp\\new",
    "'",
    "''",
    "O'Brien",
    "\u0000",
    "a\u0000b",
    "\u0001\u0007\b\t\n\u000b\f\r\u000e\u001a\u001b\u001f",
    "\r\n",
    "line\rbreak",
    "\u007f\u0080\u0085\u00a0",
    "\u07ff\u0800\uffff\ufffd\ufeff\ufffe",
    "\u2028\u2029",
    "Grüße, Ærø, São Paulo",
    "東京都千代田区",
    "😀",
    "emoji 😀 and 👩‍👩‍👧 family",
    "\u{10ffff}\u{10000}",
    "\ud800",
    "\udc00",
    "lone \ud800 high",
    "lone \udc00 low",
    "end high \ud83d",
    "\ude00 start low",
    "\udc00\ud800",
    "\ud83d\u0000\ude00",
    "\ud83d\r\ude00",
    "\ud83d'\ude00",
    "\ud83d\\\ude00",
    "é\u0000😀'\r\\\u001a\"",
    "2024-05-01T12:30:00.250Z",
    "2024-05-01T14:30:00+02:00",
    "2024-05-01",
    "1999-12-31T23:59:59Z",
    "</script>",
    "__proto__",
    "null",
    long,
    long + '"',
    "é".repeat(50_000),
    "😀".repeat(30_000),
    long + "\ud800",
    cons("built ", "at ", "run ", "time"),
    cons("cons ", 'with "quote"'),
    cons("cons ", "ü", "😀"),
    "sliced out of a longer string".slice(3, 20),
    0,
    -0,
    1,
    -1,
    42,
    2 ** 31,
    2 ** 32,
    -(2 ** 31) - 1,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    2 ** 53,
    -(2 ** 53),
    2 ** 53 + 2,
    1e21,
    -1e21,
    1e300,
    0.1 + 0.2,
    123.456,
    -1.5,
    1e-7,
    5e-324,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    NaN,
    Infinity,
    -Infinity,
    0n,
    -1n,
    2n ** 70n,
    -(2n ** 64n),
    true,
    false,
    null,
    undefined,
    {},
    [],
    { a: 1, b: 'x"y', c: [1, null, "\ud800", NaN], d: { e: "😀\u0000" } },
    [1, [2, [3, "'"]], { 'k"ey': "\\" }],
    new Date(0),
    new Date("2024-05-01T12:30:00.250Z"),
    new Date(NaN),
    { toJSON: () => "from toJSON" },
    { toJSON: () => undefined },
    () => 1,
    Symbol("s"),
  ];
}

/**
 * A seeded random value: mostly strings of awkward code units, some
 * numbers of any magnitude, the odd hostile value.
 */
export function randomValue(next: () => number, hostile = hostileValues()): unknown {
  const r = next();
  if (r < 0.55) {
    const units = [
      0x61,
      0x7a,
      0x20,
      0x22,
      0x27,
      0x5c,
      0x00,
      0x0d,
      0x0a,
      0x1a,
      0x1f,
      0x7f,
      0x80,
      0xe9,
      0x7ff,
      0x800,
      0x4e2d,
      0xfffd,
      0xffff,
      0xd800,
      0xdbff,
      0xdc00,
      0xdfff,
      0xd83d,
      0xde00,
    ];
    const n = Math.floor(next() * 12);
    let s = "";
    for (let i = 0; i < n; i++) {
      s += next() < 0.6
        ? String.fromCharCode(0x61 + Math.floor(next() * 26))
        : String.fromCharCode(units[Math.floor(next() * units.length)]!);
    }
    return s;
  }
  if (r < 0.7) return Math.floor((next() - 0.5) * 2 ** Math.floor(next() * 60));
  if (r < 0.85) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
  return hostile[Math.floor(next() * hostile.length)];
}

/** An entity's schema and its rows, one array per column. */
export interface Table {
  /** The schema. */
  schema: EntitySchema;
  /** The values, one array per column. */
  columns: unknown[][];
}

/**
 * A table of `rows` rows over the given columns: hostile values first (each
 * in every column, shifted per column), then seeded random ones. `keep`
 * leaves out hostile values a formatter rejects.
 */
export function table(
  name: string,
  columns: [string, FieldType][],
  rows: number,
  seed: number,
  keep: (v: unknown) => boolean = () => true,
): Table {
  const next = random(seed);
  const hostile = hostileValues().filter(keep);
  // Random rows draw the short hostile values: the long ones are in the first rows already.
  const short = hostile.filter((v) => typeof v !== "string" || v.length < 1000);
  const info: ColumnInfo[] = columns.map(([n, type]) => ({
    name: n,
    type,
    nullable: true,
    unique: false,
    key: false,
    referenced: false,
  }));
  return {
    schema: { name, count: rows, columns: info },
    columns: info.map((_, c) =>
      Array.from(
        { length: rows },
        (_, k) =>
          k < hostile.length ? hostile[(k + c * 7) % hostile.length] : randomValue(next, short),
      )
    ),
  };
}

/** Rows `[from, to)` of a table as a batch. */
export function slice(t: Table, from: number, to: number): Batch {
  return {
    entity: t.schema.name,
    start: from,
    length: to - from,
    fields: t.schema.columns.map((c) => c.name),
    columns: t.columns.map((c) => c.slice(from, to)),
  };
}

const bytesOf = (c: Chunk | void): Uint8Array =>
  c === undefined ? new Uint8Array(0) : typeof c === "string" ? utf8.encode(c) : c;

/** Makes a formatter stream: a formatter's `create`, options bound. */
export type MakeStream = (setup: FormatterSetup) => FormatterStream;

/**
 * Every chunk a stream writes for the tables, as the kernel drives it: one
 * stream per file (all tables in one for `single`, one per row for `split`),
 * rows in batches of `batchSize`.
 */
export function chunks(
  make: MakeStream,
  tables: Table[],
  layout: FormatterSetup["layout"],
  batchSize: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const file = (group: Table[], rows?: [number, number]) => {
    const s = make({ scenario: "differential", layout, entities: group.map((t) => t.schema) });
    out.push(bytesOf(s.start?.() as Chunk | void));
    for (const t of group) {
      out.push(bytesOf(s.beginEntity?.(t.schema) as Chunk | void));
      const [from, to] = rows ?? [0, t.schema.count];
      for (let k = from; k < to; k += batchSize) {
        out.push(bytesOf(s.write(slice(t, k, Math.min(to, k + batchSize)), t.schema) as Chunk));
      }
      out.push(bytesOf(s.endEntity?.(t.schema) as Chunk | void));
    }
    out.push(bytesOf(s.finish?.() as Chunk | void));
  };
  if (layout === "single") file(tables);
  else if (layout === "per-entity") { for (const t of tables) file([t]); }
  else {
    for (const t of tables) for (let k = 0; k < t.schema.count; k++) file([t], [k, k + 1]);
  }
  return out;
}

/**
 * The bytes of one file of the tables written in pieces: each piece on its
 * own stream, which seeks to the piece's first row (as workers do).
 */
export function piecewise(
  make: MakeStream,
  tables: Table[],
  layout: "per-entity" | "single",
  cuts: (count: number) => number[],
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const groups = layout === "single" ? [tables] : tables.map((t) => [t]);
  for (const group of groups) {
    const setup: FormatterSetup = {
      scenario: "differential",
      layout,
      entities: group.map((t) => t.schema),
    };
    const main = make(setup);
    out.push(bytesOf(main.start?.() as Chunk | void));
    for (const t of group) {
      out.push(bytesOf(main.beginEntity?.(t.schema) as Chunk | void));
      const at = cuts(t.schema.count);
      for (let i = 0; i + 1 < at.length; i++) {
        const piece = make(setup);
        piece.start?.();
        piece.beginEntity?.(t.schema);
        piece.seek!(t.schema, at[i]!);
        out.push(bytesOf(piece.write(slice(t, at[i]!, at[i + 1]!), t.schema) as Chunk));
      }
      main.seek!(t.schema, t.schema.count);
      out.push(bytesOf(main.endEntity?.(t.schema) as Chunk | void));
    }
    out.push(bytesOf(main.finish?.() as Chunk | void));
  }
  return out;
}

/** Joins chunks into one array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * Where two byte arrays first differ, with some text around it, or
 * undefined when they are equal (a readable failure for long outputs).
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n && a.length === b.length) return undefined;
  const around = (x: Uint8Array) =>
    JSON.stringify(new TextDecoder().decode(x.subarray(Math.max(0, i - 60), i + 60)));
  return `byte ${i} (lengths ${a.length} and ${b.length}):\n  ${around(a)}\n  ${around(b)}`;
}
