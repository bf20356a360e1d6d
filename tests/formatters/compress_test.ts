/**
 * `--compress gzip|zstd`: compressed files are named `.gz`/`.zst`, decompress
 * with the real `gzip` and `zstd` tools to exactly what an uncompressed run
 * writes, read back in DuckDB (read_csv, read_json) with every value, and the
 * manifest records the compression with the size and SHA-256 of what is on
 * disk. Binary formats and unknown compressions are refused with exit 2.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  assertRows,
  csvText,
  duckColumns,
  duckdb,
  expected,
  fixture,
  fromDuck,
  generate,
  mapRows,
  needsProgram,
  sqlText,
} from "./_roundtrip.ts";
import { runCli } from "../_helpers/rows.ts";

const TRICKY = fixture("tricky_values.yaml");
const COUNT = 200;
const ARGS = ["--count", `people=${COUNT}`, "--batch-size", "64"];
const want = await expected(TRICKY, "people", { people: COUNT });
const TOOLS = {
  gzip: { program: await needsProgram("gzip", "Debian package gzip"), suffix: ".gz" },
  zstd: { program: await needsProgram("zstd", "Debian package zstd"), suffix: ".zst" },
};

async function decompress(tool: "gzip" | "zstd", path: string): Promise<Uint8Array> {
  const out = await new Deno.Command(tool, { args: ["-dc", path], stdout: "piped" }).output();
  assert.ok(out.success, `${tool} -dc ${path} failed`);
  return out.stdout;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const plain = await generate(TRICKY, ["--format", "csv,jsonl,json,yaml,xml,sql", ...ARGS]);

for (const tool of ["gzip", "zstd"] as const) {
  const { program, suffix } = TOOLS[tool];
  Deno.test({
    name:
      `--compress ${tool} writes ${suffix} files that ${tool} -d turns back into the same bytes`,
    ignore: program.ignore,
    fn: async () => {
      program.value();
      const dir = await generate(TRICKY, [
        "--format",
        "csv,jsonl,json,yaml,xml,sql",
        "--compress",
        tool,
        ...ARGS,
      ]);
      const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
      assert.equal(manifest.compression, tool);
      const files = manifest.entities.people.files as {
        path: string;
        bytes: number;
        sha256: string;
        compression: string;
        uncompressed_bytes: number;
      }[];
      assert.deepEqual(
        files.map((f) => f.path).sort(),
        ["csv", "json", "jsonl", "sql", "xml", "yaml"].map((e) => `people.${e}${suffix}`),
      );
      for (const f of files) {
        const onDisk = await Deno.readFile(`${dir}/${f.path}`);
        assert.equal(f.bytes, onDisk.length, `${f.path}: bytes are those on disk`);
        assert.equal(f.sha256, sha256(onDisk), `${f.path}: sha256 is that of the file on disk`);
        assert.equal(f.compression, tool);
        const original = await Deno.readFile(`${plain}/${f.path.slice(0, -suffix.length)}`);
        assert.equal(f.uncompressed_bytes, original.length);
        assert.ok(onDisk.length < original.length, `${f.path} is smaller than the original`);
        assert.equal(sha256(await decompress(tool, `${dir}/${f.path}`)), sha256(original));
      }
    },
  });

  Deno.test(`DuckDB reads the ${tool} CSV and JSONL with every row and value`, async () => {
    const dir = await generate(TRICKY, ["--format", "csv,jsonl", "--compress", tool, ...ARGS]);
    const csv = await duckdb(
      `SELECT * FROM read_csv(${sqlText(`${dir}/people.csv${suffix}`)}, header = true,
        quote = '"', escape = '"', all_varchar = true, allow_quoted_nulls = false, strict_mode = true)
       ORDER BY id::BIGINT`,
    );
    assertRows(csv, mapRows(want.rows, want.schema, csvText), `csv ${tool}`);
    const jsonl = await duckdb(
      `SELECT * FROM read_json(${sqlText(`${dir}/people.jsonl${suffix}`)},
        format = 'newline_delimited', columns = ${duckColumns(want.schema)})`,
    );
    assertRows(
      mapRows(jsonl, want.schema, fromDuck),
      mapRows(want.rows, want.schema, (v) => v),
      `jsonl ${tool}`,
    );
  });
}

Deno.test({
  name: "--compress zstd:19 and split layout compress every record file",
  ignore: TOOLS.zstd.program.ignore,
  fn: async () => {
    const dir = await generate(TRICKY, [
      "--format",
      "json",
      "--layout",
      "split",
      "--compress",
      "zstd:19",
      "--count",
      "people=3",
    ]);
    const names = [...Deno.readDirSync(`${dir}/people`)].map((e) => e.name).sort();
    assert.deepEqual(names, [
      "people-0001.json.zst",
      "people-0002.json.zst",
      "people-0003.json.zst",
    ]);
    const first = JSON.parse(
      new TextDecoder().decode(await decompress("zstd", `${dir}/people/people-0001.json.zst`)),
    );
    assert.equal(first.id, 1);
  },
});

Deno.test({
  name: "--compress gzip to stdout writes a gzip stream",
  ignore: TOOLS.gzip.program.ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fabricate-compress-" });
    const cli = new URL("../../cli.ts", import.meta.url).pathname;
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        `"${Deno.execPath()}" run -P=cli --no-prompt --quiet --config "${config}" "${cli}" gen ` +
        `"${TRICKY}" --format csv --count people=20 --compress gzip --out - --quiet | gzip -dc`,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(text.startsWith("id,code,"), text.slice(0, 80));
  },
});

for (
  const [args, message] of [
    [["--format", "parquet", "--compress", "gzip"], /Cannot --compress gzip parquet/],
    [["--format", "csv,xlsx", "--compress", "zstd"], /Cannot --compress zstd xlsx/],
    [["--compress", "brotli"], /Unknown --compress "brotli"/],
    [["--compress", "gzip:10"], /from 1 to 9 for --compress gzip/],
  ] as const
) {
  Deno.test(`gen ${args.join(" ")} is refused with exit 2 and writes nothing`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "fabricate-compress-" });
    const { code, stderr } = await runCli(
      ["gen", TRICKY, "--out", "out", "--quiet", "--count", "people=5", ...args],
      { cwd: dir },
    );
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was written");
  });
}
