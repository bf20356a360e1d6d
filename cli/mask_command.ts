/**
 * `fabricate mask`: masks CSV and JSONL files column by column, following a
 * rules file, deterministically under a secret key, into new files. It never
 * writes over its input. See docs/mask.md.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";
import { FabricateError, UsageError } from "../core/errors.ts";
import { readFailure } from "../core/input_limits.ts";
import { didYouMean } from "../core/did_you_mean.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { type MaskRules, parseMaskRules, rulesError } from "./mask/rules.ts";
import { maskerFor } from "./mask/maskers.ts";
import { csvHeader, type FilePlan, MASK_FORMATS, maskFile } from "./mask/mask_files.ts";
import type { ScenarioIssue } from "../core/errors.ts";

/** The environment variable holding the key, when no --key-file is given. */
export const KEY_ENV = "FABRICATE_MASK_KEY";

/** The shortest key accepted, in characters. */
export const MIN_KEY_LENGTH = 16;

const FLAGS: Record<string, FlagSpec> = {
  out: { type: "string", short: "o", value: "DIR", help: "Folder for the masked files" },
  from: {
    type: "string",
    value: "DB",
    help: "Mask the rules' tables of this database (sqlite:FILE, postgres://…, mysql://…)",
  },
  to: {
    type: "string",
    value: "DB",
    help: "With --from: the database (or ?schema=) the masked tables go into",
  },
  format: { type: "string", value: "csv|jsonl", help: "With --from and --out: file format" },
  replace: { type: "boolean", help: "With --to: drop and recreate tables that exist there" },
  "dry-run": {
    type: "boolean",
    help: "With --from: check the rules against the tables, print the plan and DDL, write nothing",
  },
  "allow-remote": {
    type: "boolean",
    help: "Allow a non-local database host or a production-looking destination name",
  },
  "key-file": {
    type: "string",
    value: "PATH",
    help: `File holding the secret key (else the ${KEY_ENV} environment variable)`,
  },
  force: { type: "boolean", help: "Replace masked files already in --out (never an input)" },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate mask RULES.yaml --out DIR [--key-file PATH] [--force]
       fabricate mask RULES.yaml --from DB (--to DB [--replace] | --out DIR [--format csv|jsonl])
                      [--dry-run] [--allow-remote]

Mask CSV and JSONL files column by column as RULES.yaml says, into new files of
the same names in DIR. The same key maps the same value to the same output in
every file (hashed keys still join); a different key gives different output.
Inputs are never written to.

With --from, the tables named under "tables:" are read from a database in a
read-only snapshot and masked into another database (--to: same column types,
primary and foreign keys, all or nothing) or into files (--out).

The key (at least ${MIN_KEY_LENGTH} characters) comes from --key-file or the
${KEY_ENV} environment variable; there is no default key.

Options:
${flagsHelp(FLAGS)}

Rules (see docs/mask.md):
  files:
    customers.csv:
      id: hash
      email: email
      phone: { phone: { keep: 1 } }
      name: { fake: person.fullName }
      birthdate: { shift_dates: { days: 30, by: id } }
      zip: { generalise: { prefix: 3 } }
      notes: redact
    orders.csv: { id: keep, customer_id: hash, total: keep }

  # or, with --from: tables: { customers: { … }, orders: { … } }

Example:
  FABRICATE_MASK_KEY=$(cat ~/.mask-key) fabricate mask mask.yaml --out masked/
  fabricate mask mask.yaml --key-file mask.key --from sqlite:shop.db --to sqlite:masked.db
`;

/**
 * Runs `mask`.
 *
 * @param args The arguments after `mask`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await maskCommand(["mask.yaml", "--out", "masked"]);
 * ```
 */
export default async function maskCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length ? "Give one rules file" : "Missing the rules file",
      "fabricate mask mask.yaml --out masked/ (see fabricate mask --help)",
    );
  }
  const outDir = values.out;
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  if (from !== undefined) return await maskDatabase(positionals[0]!, from, to, values);
  if (to !== undefined) {
    throw new UsageError("--to needs --from", "fabricate mask rules.yaml --from DB --to DB");
  }
  if (typeof outDir !== "string" || outDir === "") {
    throw new UsageError(
      "Missing --out DIR",
      "the masked files are written there, never over the inputs",
    );
  }
  const key = await readKey(values["key-file"] as string | undefined);
  const rulesPath = resolve(positionals[0]!);
  const rules = parseMaskRules(positionals[0]!, await readText(rulesPath, positionals[0]!));
  if (!rules.files.size && rules.tables.size) {
    throw new UsageError(
      `${positionals[0]} names tables: give the database they are in with --from`,
      "fabricate mask rules.yaml --from sqlite:shop.db --to sqlite:masked.db",
    );
  }
  const out = resolve(outDir);
  const plans = await planFiles(rules, dirname(rulesPath), key);
  await checkOutputs(plans, out, values.force === true);

  await Deno.mkdir(out, { recursive: true });
  const temps: string[] = [];
  const started = performance.now();
  try {
    const counts: number[] = [];
    for (const plan of plans) {
      const temp = `${out}/.${basename(plan.input)}.mask-${crypto.randomUUID().slice(0, 8)}.tmp`;
      temps.push(temp);
      counts.push(await maskFile(plan, temp));
    }
    // Every file is masked before any is renamed into place: a failure leaves nothing half-done.
    for (const [i, plan] of plans.entries()) {
      await Deno.rename(temps[i]!, `${out}/${basename(plan.input)}`);
      console.error(`✔ ${plan.shown} → ${outDir}/${basename(plan.input)}  (${counts[i]} rows)`);
    }
    temps.length = 0;
  } finally {
    for (const t of temps) await Deno.remove(t).catch(() => {});
  }
  console.error(
    `${plans.length} file${plans.length === 1 ? "" : "s"} masked in ${
      ((performance.now() - started) / 1000).toFixed(2)
    }s`,
  );
  return 0;
}

/** `mask --from DB`: tables into `--to` or `--out`. */
async function maskDatabase(
  rulesFile: string,
  from: string,
  to: string | undefined,
  values: Record<string, unknown>,
): Promise<number> {
  const out = values.out as string | undefined;
  if ((to === undefined) === (out === undefined)) {
    throw new UsageError(
      to === undefined ? "Missing --to DB or --out DIR" : "Give --to or --out, not both",
      "--to writes masked tables into a database, --out writes them as files",
    );
  }
  const format = (values.format as string | undefined) ?? "csv";
  if (format !== "csv" && format !== "jsonl") {
    throw new UsageError(`Unknown --format "${format}"`, "use csv or jsonl");
  }
  const key = await readKey(values["key-file"] as string | undefined);
  const rules = parseMaskRules(rulesFile, await readText(resolve(rulesFile), rulesFile));
  const started = performance.now();
  const { maskTables } = await import("./mask/mask_tables.ts");
  // Ctrl-C or TERM: the load is rolled back (staging tables dropped, temp files removed).
  const controller = new AbortController();
  const abort = () => controller.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, abort);
  const { progressReporter } = await import("./progress.ts");
  const progress = Deno.stderr.isTerminal() ? progressReporter(Deno.stderr) : undefined;
  const tables = await maskTables({
    signal: controller.signal,
    progress,
    rules,
    key,
    from,
    to,
    out: out === undefined ? undefined : resolve(out),
    format,
    replace: values.replace === true,
    force: values.force === true,
    allowRemote: values["allow-remote"] === true,
    dryRun: values["dry-run"] === true,
    onDryRun: (text) => console.log(text),
    onNote: (text) => console.error(`note: ${text}`),
    onTable: (name, rows, where) => {
      progress?.done();
      console.error(`✔ ${name} → ${where}  (${rows} rows)`);
    },
  }).finally(() => {
    progress?.done();
    for (const s of signals) Deno.removeSignalListener(s, abort);
  });
  if (values["dry-run"] === true) return 0;
  console.error(
    `${tables.length} table${tables.length === 1 ? "" : "s"} masked in ${
      ((performance.now() - started) / 1000).toFixed(2)
    }s`,
  );
  return 0;
}

async function readKey(keyFile: string | undefined): Promise<string> {
  let key: string | undefined;
  let from: string;
  if (keyFile !== undefined) {
    from = keyFile;
    key = (await readText(resolve(keyFile), keyFile)).replace(/\r?\n$/, "");
  } else {
    from = KEY_ENV;
    try {
      key = Deno.env.get(KEY_ENV);
    } catch (e) {
      throw new FabricateError(
        `fabricate needs permission to read the ${KEY_ENV} environment variable\n` +
          `  hint: run with --allow-env=${KEY_ENV}, -P=cli, or pass --key-file`,
        2,
        { cause: e },
      );
    }
    if (key === undefined || key === "") {
      throw new UsageError(
        `No masking key: set ${KEY_ENV} or pass --key-file`,
        `there is no default key (a known key would let anyone reverse hashed values by guessing); ` +
          `make one with: openssl rand -hex 32 > mask.key`,
      );
    }
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new UsageError(
      `The masking key from ${from} is ${key.length} characters; it must be at least ${MIN_KEY_LENGTH}`,
      "make one with: openssl rand -hex 32 > mask.key",
    );
  }
  return key;
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FabricateError(`Cannot read "${shown}": no such file`, 2, { cause: e });
    }
    throw readFailure(e, new URL(`file://${path}`), shown);
  }
}

/** Resolves every input, checks columns against rules, builds the maskers. */
async function planFiles(rules: MaskRules, folder: string, key: string): Promise<FilePlan[]> {
  const issues: ScenarioIssue[] = [];
  const issue = (path: (string | number)[], message: string, hint?: string, atKey = false) =>
    issues.push({ ...rules.locate(path, atKey), path, message, ...(hint ? { hint } : {}) });
  const plans: FilePlan[] = [];
  const names = new Map<string, string>();
  for (const [shown, columns] of rules.files) {
    const input = resolve(folder, shown);
    const ext = /\.([a-z]+)$/i.exec(shown)?.[1]?.toLowerCase() ?? "";
    if (!(MASK_FORMATS as readonly string[]).includes(ext)) {
      issue(
        ["files", shown],
        `Cannot mask "${shown}": unknown format`,
        "name .csv, .jsonl or .ndjson files",
      );
      continue;
    }
    const twin = names.get(basename(input));
    if (twin !== undefined) {
      issue(
        ["files", shown],
        `"${shown}" and "${twin}" would both be written as ${basename(input)}`,
        "mask them in two runs with different --out folders",
      );
      continue;
    }
    names.set(basename(input), shown);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(input);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        issue(
          ["files", shown],
          `Cannot mask "${shown}": no such file in ${folder}`,
          "paths are relative to the rules file's folder",
        );
        continue;
      }
      throw readFailure(e, new URL(`file://${input}`), shown);
    }
    if (!info.isFile) {
      issue(["files", shown], `Cannot mask "${shown}": it is not a regular file`);
      continue;
    }
    const format = ext === "csv" ? "csv" : "jsonl";
    if (format === "csv") {
      let header: string[];
      try {
        header = await csvHeader(input);
      } catch (e) {
        issue(["files", shown], `Cannot read "${shown}": ${(e as Error).message}`);
        continue;
      }
      for (const c of columns.keys()) {
        if (!header.includes(c)) {
          issue(
            ["files", shown, c],
            `"${shown}" has no column "${c}"`,
            didYouMean(c, header, "columns"),
            true,
          );
        }
      }
      const missing = header.filter((h) => !columns.has(h));
      if (missing.length && rules.default === "error") {
        issue(
          ["files", shown],
          `Columns of "${shown}" without a rule: ${missing.join(", ")}`,
          `give each a rule (keep, redact, hash, …), or set default: keep or default: redact`,
        );
      }
    }
    for (const [c, rule] of columns) {
      if ("shift_dates" in rule && rule.shift_dates.by !== undefined && format === "csv") {
        const header = await csvHeader(input);
        if (!header.includes(rule.shift_dates.by)) {
          issue(
            ["files", shown, c, "shift_dates", "by"],
            `"${shown}" has no column "${rule.shift_dates.by}"`,
          );
        }
      }
    }
    plans.push({
      input,
      shown,
      format,
      maskers: new Map([...columns].map(([c, rule]) => [c, maskerFor(rule, key)])),
      unlisted: rules.default,
    });
  }
  if (issues.length) throw rulesError(issues);
  return plans;
}

/** Refuses to write over an input, or over an existing file without --force. */
async function checkOutputs(
  plans: readonly FilePlan[],
  out: string,
  force: boolean,
): Promise<void> {
  const inputs = new Set<string>();
  for (const p of plans) inputs.add(await Deno.realPath(p.input));
  for (const p of plans) {
    const target = `${out}/${basename(p.input)}`;
    let real: string | undefined;
    try {
      real = await Deno.realPath(target);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw readFailure(e, new URL(`file://${target}`), target);
      }
    }
    // The output folder may not exist yet; compare where it would be too.
    let outReal = out;
    try {
      outReal = await Deno.realPath(out);
    } catch { /* not there yet */ }
    const planned = `${outReal}/${basename(p.input)}`;
    if ((real !== undefined && inputs.has(real)) || inputs.has(planned)) {
      throw new UsageError(
        `Refusing to write ${target}: it is an input of this run (${p.shown})`,
        "mask never writes over its input: choose another --out folder",
      );
    }
    if (real !== undefined && !force) {
      throw new UsageError(
        `Refusing to overwrite ${target}: it exists`,
        "choose another --out folder, or pass --force to replace earlier masked output",
      );
    }
  }
}
