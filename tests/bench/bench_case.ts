/**
 * One benchmark case, run in its own process so its peak memory (sampled RSS)
 * is its own. Prints one JSON line: { case, rows, ms, rowsPerSec, peakMb, bytes }.
 *
 * Usage: deno run -P=bench tests/bench/bench_case.ts <case> <rows> <dir>
 * (for the erp-* cases, <rows> is the number of years of data, from 2024)
 *
 * @module
 */
import { gen, prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches, entitySchemaOf } from "../../core/batches.ts";
import type { Batch, FormatterPlugin, MaybeChunk } from "../../core/types.ts";
import { base, en, Faker } from "@faker-js/faker";
import { sinkCase } from "./sink_cases.ts";
import process from "node:process";
import { FORMAT_CASES, formatCase } from "./format_cases.ts";
import { REPORT_CASES, reportCase } from "./report_cases.ts";
import { MASK_CASES, maskCase } from "./mask_cases.ts";
import { SERVE_CASES, serveCase } from "./serve_cases.ts";
import { MASK_DB_CASES, maskDbCase } from "./mask_db_cases.ts";
import { WORKER_CASES, workerCase } from "./worker_cases.ts";

const [name, rowsArg, dir] = Deno.args;
const rows = Number(rowsArg);
if (!name || !Number.isInteger(rows) || !dir) {
  console.error("usage: bench_case.ts <case> <rows> <dir>");
  Deno.exit(2);
}

/** Peak resident memory in MB, sampled every 20 ms while the case runs. */
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
}, 20);
function peakMb(): number {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  clearInterval(sampler);
  return Math.round(peakRss / 1048576);
}

async function fileSize(path: string): Promise<number> {
  let total = 0;
  const stat = await Deno.stat(path);
  if (stat.isFile) return stat.size;
  for await (const e of Deno.readDir(path)) total += await fileSize(`${path}/${e.name}`);
  return total;
}

async function viaGen(format: string): Promise<number> {
  const out = `${dir}/${name}`;
  // One worker: these cases measure the single-thread path (workers-* measure all cores).
  await gen("customers-10", { out, formats: [format], counts: { customers: rows }, workers: 1 });
  return await fileSize(out);
}

const USERNAME = new URL("../../examples/plugins/username.ts", import.meta.url).pathname;
const TSV = new URL("../../examples/plugins/tsv.ts", import.meta.url).pathname;

/**
 * customers-10 with a plugin: an eleventh field from the example username
 * generator (`field`), or written by the example TSV formatter (`format`),
 * run in-process (trusted) or sandboxed in its Worker.
 */
async function viaPlugin(what: "field" | "format", sandboxed: boolean): Promise<number> {
  const out = `${dir}/${name}`;
  const plugin = what === "field" ? USERNAME : TSV;
  const scenario = {
    extends: "customers-10",
    plugins: [plugin],
    ...(what === "field"
      ? {
        entities: {
          customers: { fields: { username: { username: { from: "first_name", digits: 3 } } } },
        },
      }
      : {}),
  };
  await gen(scenario, {
    out,
    formats: [what === "field" ? "csv" : "tsv"],
    counts: { customers: rows },
    // One thread either way: the pair measures the sandbox, not the Workers of --workers.
    workers: 1,
    ...(sandboxed ? {} : { policy: { trusted: [plugin] } }),
  });
  return await fileSize(out);
}

/** Rows of all entities, for the ERP cases (where the argument is years, not rows). */
let produced = rows;

/** The ERP period: `years` whole years from 2024-01-01. */
function erpPeriod(years: number): { from: string; to: string } {
  return { from: "2024-01-01", to: `${2023 + years}-12-31` };
}

/**
 * erp/normal-ops over `years` years as fabricate gen runs it: all 18
 * entities, every validator, CSV files. Children read their parents by
 * index (lookups), never from a stored copy.
 */
async function erpGen(years: number): Promise<number> {
  const out = `${dir}/${name}`;
  const result = await gen("erp/normal-ops", { out, formats: ["csv"], period: erpPeriod(years) });
  produced = result.entities.reduce((n, e) => n + e.rows, 0);
  return await fileSize(out);
}

/**
 * erp/normal-ops over `years` years streamed in memory, without validators
 * or files: what is left is generation and parent-row lookups, whose memory
 * must not grow with the row count.
 */
async function erpStream(years: number): Promise<number> {
  const plan = await prepare("erp/normal-ops", { period: erpPeriod(years) });
  const world = new World(plan);
  // With --v8-flags=--expose-gc, the live heap after each entity: RSS also
  // counts garbage not yet collected, which grows with the work done.
  const gc = (globalThis as { gc?: () => void }).gc;
  produced = 0;
  for (const entity of plan.entities) {
    for await (const { out } of entityBatches(world.engine(entity.name), plan.batchSize)) {
      produced += out.length;
    }
    if (gc) {
      gc();
      liveMb = Math.max(liveMb ?? 0, Math.round(Deno.memoryUsage().heapUsed / 1048576));
    }
  }
  return 0;
}

/** The largest live heap seen (erp-stream with --expose-gc). */
let liveMb: number | undefined;

/** The formatter alone: one pre-built 10,000-row batch written again and again. */
async function formatterOnly(format: string): Promise<number> {
  const plan = await prepare("customers-10", { counts: { customers: rows }, formats: [format] });
  const world = new World(plan);
  const entity = plan.entities[0]!;
  const first = await entityBatches(world.engine(entity.name), 10_000).next();
  if (first.done) throw new Error("no rows");
  const out = first.value.out;
  const schema = entitySchemaOf(plan, entity);
  const plugin = plan.formats[0]!.plugin as FormatterPlugin;
  const stream = await plugin.create(plan.formats[0]!.options, {
    scenario: plan.scenario.name,
    layout: "per-entity",
    entities: [schema],
  });
  const file = await Deno.open(`${dir}/${name}.${plugin.extension}`, {
    write: true,
    create: true,
    truncate: true,
  });
  const enc = new TextEncoder();
  const write = async (chunk: MaybeChunk | undefined) => {
    const c = await chunk;
    if (c === undefined) return;
    const bytes = typeof c === "string" ? enc.encode(c) : c;
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
  };
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  await write(stream.start?.());
  await write(stream.beginEntity?.(schema));
  for (let start = 0; start < rows; start += out.length) {
    const length = Math.min(out.length, rows - start);
    const batch: Batch = length === out.length ? { ...out, start } : {
      ...out,
      start,
      length,
      columns: out.columns.map((c: readonly unknown[]) => c.slice(0, length)),
    };
    await write(stream.write(batch, schema));
  }
  await write(stream.endEntity?.(schema));
  await write(stream.finish?.());
  file.close();
  return (await Deno.stat(`${dir}/${name}.${plugin.extension}`)).size;
}

/** What a user would write by hand: a seeded faker and a loop building CSV lines. */
async function handWrittenLoop(): Promise<number> {
  const faker = new Faker({ locale: [en, base], seed: 1 });
  faker.setDefaultRefDate(new Date("2025-01-01T00:00:00Z"));
  const path = `${dir}/${name}.csv`;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const esc = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  let chunk = "id,first_name,last_name,email,phone,city,country,birthdate,signed_up_at,balance\r\n";
  for (let i = 1; i <= rows; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const email = `${first}.${last}@example.com`.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    const phone = faker.phone.number({ style: "international" });
    const city = faker.location.city();
    const country = faker.location.countryCode();
    const birthdate = faker.date.between({ from: "1935-01-01", to: "2007-01-01" }).toISOString()
      .slice(0, 10);
    const signup =
      faker.date.between({ from: "2020-01-01", to: "2024-12-31T23:59:59Z" }).toISOString().slice(
        0,
        19,
      ) + "Z";
    const balance = faker.number.float({ min: 0, max: 10000, fractionDigits: 2 });
    chunk += `${i},${esc(first)},${esc(last)},${esc(email)},${esc(phone)},${
      esc(city)
    },${country},${birthdate},${signup},${balance}\r\n`;
    if (i % 10_000 === 0) {
      await file.write(enc.encode(chunk));
      chunk = "";
    }
  }
  await file.write(enc.encode(chunk));
  file.close();
  return (await Deno.stat(path)).size;
}

let t0 = performance.now();
/** CPU time, which a busy shared machine distorts less than wall time. */
let cpu0 = process.cpuUsage();
let bytes: number;
/** Bytes before compression (the compressed format cases). */
let rawBytes: number | undefined;
switch (name) {
  case "gen-csv":
    bytes = await viaGen("csv");
    break;
  case "gen-jsonl":
    bytes = await viaGen("jsonl");
    break;
  case "formatter-csv":
    bytes = await formatterOnly("csv");
    break;
  case "formatter-jsonl":
    bytes = await formatterOnly("jsonl");
    break;
  case "hand-written-faker-loop":
    bytes = await handWrittenLoop();
    break;
  case "plugin-field-in-process":
    bytes = await viaPlugin("field", false);
    break;
  case "plugin-field-sandboxed":
    bytes = await viaPlugin("field", true);
    break;
  case "plugin-format-in-process":
    bytes = await viaPlugin("format", false);
    break;
  case "plugin-format-sandboxed":
    bytes = await viaPlugin("format", true);
    break;
  case "sink-sqlite":
  case "sink-postgres":
  case "sink-mariadb":
  case "sink-sqlite-writes":
  case "sink-postgres-writes":
  case "sink-mariadb-writes":
    bytes = await sinkCase(name, rows, dir, () => (t0 = performance.now()));
    break;
  case "erp-normal-ops":
    bytes = await erpGen(rows);
    break;
  case "erp-stream":
    bytes = await erpStream(rows);
    break;
  default: {
    if (name in WORKER_CASES) {
      bytes = await workerCase(name, rows, dir);
      break;
    }
    if (REPORT_CASES.includes(name)) {
      bytes = await reportCase(name, rows, dir);
      break;
    }
    if (SERVE_CASES.includes(name)) {
      const r = await serveCase(name, rows, dir);
      bytes = r.bytes;
      t0 = performance.now() - r.ms;
      break;
    }
    if (MASK_CASES.includes(name) || MASK_DB_CASES.includes(name)) {
      // Only the generating (choice-file) or the masking (mask-csv, mask-db) is timed.
      const r = await (MASK_DB_CASES.includes(name) ? maskDbCase : maskCase)(name, rows, dir);
      bytes = r.bytes;
      t0 = performance.now() - r.ms;
      break;
    }
    if (!(name in FORMAT_CASES)) {
      console.error(`unknown case ${name}`);
      Deno.exit(2);
    }
    // Only the writing is timed (tests/bench/format_cases.ts).
    const r = await formatCase(name, rows, dir);
    bytes = r.bytes;
    rawBytes = r.rawBytes;
    t0 = performance.now() - r.ms;
  }
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    case: name,
    rows: produced,
    ms: Math.round(ms),
    rowsPerSec: Math.round(produced / (ms / 1000)),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakMb: peakMb(),
    ...(liveMb === undefined ? {} : { liveMb }),
    bytes,
    ...(rawBytes === undefined ? {} : { rawBytes }),
  }),
);
