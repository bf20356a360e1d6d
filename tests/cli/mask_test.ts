import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { runCli } from "../_helpers/rows.ts";
import { duckdb } from "../formatters/_roundtrip.ts";

const KEY = "test-key-0123456789abcdef";

/** 200 customers and 1000 orders referring to them (customer_id), as CSV. */
function customersCsv(): string {
  const lines = ["id,name,email,phone,zip,birthdate,income,notes"];
  for (let i = 1; i <= 200; i++) {
    const id = `C${String(i).padStart(4, "0")}`;
    lines.push(
      `${id},Person ${i},person.${i}@example.com,+1 (415) 555-${String(1000 + i)},0${2100 + i},19${
        50 + (i % 40)
      }-0${1 + (i % 9)}-1${i % 10},${20000 + i * 317},"note, ${i}"`,
    );
  }
  return lines.join("\n") + "\n";
}

function ordersCsv(): string {
  const lines = ["order_id,customer_id,ordered_at,total"];
  for (let i = 1; i <= 1000; i++) {
    const c = `C${String(1 + ((i * 7) % 200)).padStart(4, "0")}`;
    lines.push(`${i},${c},2024-0${1 + (i % 9)}-1${i % 10}T08:30:00Z,${(i * 1.25).toFixed(2)}`);
  }
  return lines.join("\n") + "\n";
}

const RULES = `files:
  customers.csv:
    id: { hash: { length: 16 } }
    name: { fake: person.fullName }
    email: email
    phone: { phone: { keep: 1 } }
    zip: postal
    birthdate: { shift_dates: { days: 30, by: id } }
    income: { generalise: { bucket: 10000 } }
    notes: redact
  orders.csv:
    order_id: keep
    customer_id: { hash: { length: 16 } }
    ordered_at: { shift_dates: { days: 30, by: customer_id } }
    total: keep
`;

async function fixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-mask-" });
  await Deno.writeTextFile(`${dir}/customers.csv`, customersCsv());
  await Deno.writeTextFile(`${dir}/orders.csv`, ordersCsv());
  await Deno.writeTextFile(`${dir}/mask.yaml`, RULES);
  return dir;
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

/** Runs `fabricate mask mask.yaml …` in `dir`; `key: null` runs without FABRICATE_MASK_KEY. */
function mask(dir: string, args: string[], key: string | null = KEY) {
  return runCli(["mask", "mask.yaml", ...args], {
    cwd: dir,
    env: key === null ? {} : { FABRICATE_MASK_KEY: key },
  });
}

function parseCsv(text: string): Record<string, string>[] {
  // The fixtures hold one quoted field at most ("note, 1" → REDACTED): a split is enough.
  const [head, ...lines] = text.trim().split("\n");
  const cols = head!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])));
}

Deno.test("mask: two tables masked, the hashed key still joins, inputs byte-identical", async () => {
  const dir = await fixture();
  const before = [await sha256(`${dir}/customers.csv`), await sha256(`${dir}/orders.csv`)];
  const { code, stderr } = await mask(dir, ["--out", "masked"]);
  assert.equal(code, 0, stderr);
  const after = [await sha256(`${dir}/customers.csv`), await sha256(`${dir}/orders.csv`)];
  assert.deepEqual(after, before, "inputs unchanged");

  const joined = await duckdb(`
    SELECT count(*) AS n, count(c.id) AS matched
    FROM read_csv('${dir}/masked/orders.csv', all_varchar = true) o
    LEFT JOIN read_csv('${dir}/masked/customers.csv', all_varchar = true) c ON c.id = o.customer_id`);
  assert.equal(Number(joined[0]!.n), 1000);
  assert.equal(Number(joined[0]!.matched), 1000, "every order finds its (masked) customer");
  // The join is the same join as before masking: per customer, the same number of orders.
  const perCustomer = async (file: string) =>
    (await duckdb(`SELECT count(*) AS n FROM read_csv('${file}', all_varchar = true)
      GROUP BY customer_id ORDER BY n, min(order_id)`)).map((r) => Number(r.n));
  assert.deepEqual(
    await perCustomer(`${dir}/masked/orders.csv`),
    await perCustomer(`${dir}/orders.csv`),
  );

  const original = parseCsv(await Deno.readTextFile(`${dir}/customers.csv`));
  const masked = parseCsv(await Deno.readTextFile(`${dir}/masked/customers.csv`));
  const orders = parseCsv(await Deno.readTextFile(`${dir}/orders.csv`));
  const maskedOrders = parseCsv(await Deno.readTextFile(`${dir}/masked/orders.csv`));
  assert.equal(masked.length, 200);
  assert.equal(new Set(masked.map((r) => r.id)).size, 200, "distinct ids stay distinct");
  for (const [i, m] of masked.entries()) {
    const o = original[i]!;
    assert.match(m.id!, /^[0-9a-f]{16}$/);
    assert.notEqual(m.name, o.name);
    // email: local part replaced (same shape), domain kept
    assert.ok(m.email!.endsWith("@example.com"), m.email!);
    assert.notEqual(m.email, o.email);
    assert.equal(m.email!.replace(/[a-z]/g, "a").replace(/\d/g, "0").length, o.email!.length);
    // phone: punctuation and the first digit kept, the rest digits
    assert.equal(m.phone!.replace(/\d/g, "0"), o.phone!.replace(/\d/g, "0"));
    assert.ok(m.phone!.startsWith("+1 ("));
    assert.notEqual(m.phone, o.phone);
    // postal: same pattern (five digits, leading zero allowed)
    assert.match(m.zip!, /^\d{5}$/);
    // dates move by 1..30 days, keeping the format
    const shift = (Date.parse(m.birthdate!) - Date.parse(o.birthdate!)) / 86_400_000;
    assert.ok(shift !== 0 && Math.abs(shift) <= 30, `${shift}`);
    assert.match(m.birthdate!, /^\d{4}-\d{2}-\d{2}$/);
    // income to a 10 000 bucket holding the original
    const [lo, hi] = m.income!.split("-").map(Number);
    assert.ok(lo! <= Number(o.income) && Number(o.income) <= hi! && hi! - lo! === 9999);
    assert.equal(m.notes, "REDACTED");
  }
  // Every date of one customer moves by the same offset, in both tables (by: id / customer_id).
  const offsetOf = new Map<string, number>();
  for (const [i, m] of masked.entries()) {
    offsetOf.set(
      m.id!,
      (Date.parse(m.birthdate!) - Date.parse(original[i]!.birthdate!)) / 86_400_000,
    );
  }
  for (const [i, m] of maskedOrders.entries()) {
    const shift = (Date.parse(m.ordered_at!) - Date.parse(orders[i]!.ordered_at!)) / 86_400_000;
    assert.equal(shift, offsetOf.get(m.customer_id!));
    assert.match(m.ordered_at!, /^\d{4}-\d{2}-\d{2}T08:30:00Z$/);
    assert.equal(m.total, orders[i]!.total);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mask: the same key gives the same output, another key another", async () => {
  const dir = await fixture();
  assert.equal((await mask(dir, ["--out", "a"])).code, 0);
  assert.equal((await mask(dir, ["--out", "b"])).code, 0);
  assert.equal((await mask(dir, ["--out", "c"], "another-key-0123456789")).code, 0);
  const read = (d: string, f: string) => Deno.readTextFile(`${dir}/${d}/${f}`);
  for (const f of ["customers.csv", "orders.csv"]) {
    assert.equal(await read("a", f), await read("b", f), `${f}: same key, same bytes`);
  }
  const a = parseCsv(await read("a", "customers.csv"));
  const c = parseCsv(await read("c", "customers.csv"));
  for (const col of ["id", "name", "email", "phone"]) {
    const same = a.filter((r, i) => r[col] === c[i]![col]).length;
    assert.ok(same < 10, `${col}: ${same} of 200 equal under another key`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mask: never writes over its input, nor over earlier output without --force", async () => {
  const dir = await fixture();
  const before = await sha256(`${dir}/customers.csv`);
  const into = await mask(dir, ["--out", "."]);
  assert.equal(into.code, 2, into.stderr);
  assert.match(into.stderr, /Refusing to write .*customers\.csv: it is an input of this run/);
  const forced = await mask(dir, ["--out", dir, "--force"]);
  assert.equal(forced.code, 2, forced.stderr);
  // A link in the output folder pointing at the input is refused too.
  await Deno.mkdir(`${dir}/linked`);
  await Deno.symlink(`${dir}/customers.csv`, `${dir}/linked/customers.csv`);
  const linked = await mask(dir, ["--out", "linked", "--force"]);
  assert.equal(linked.code, 2, linked.stderr);
  assert.equal(await sha256(`${dir}/customers.csv`), before);

  assert.equal((await mask(dir, ["--out", "m"])).code, 0);
  const again = await mask(dir, ["--out", "m"]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /Refusing to overwrite .*: it exists/);
  assert.equal((await mask(dir, ["--out", "m", "--force"])).code, 0);
  assert.equal(await sha256(`${dir}/customers.csv`), before);
  const left = [...Deno.readDirSync(`${dir}/m`)].map((e) => e.name).sort();
  assert.deepEqual(left, ["customers.csv", "orders.csv"], "no temporary files left");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mask: refuses to run without a key, or with a short one", async () => {
  const dir = await fixture();
  const none = await mask(dir, ["--out", "m"], null);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No masking key: set FABRICATE_MASK_KEY or pass --key-file/);
  const short = await mask(dir, ["--out", "m"], "short");
  assert.equal(short.code, 2);
  assert.match(short.stderr, /at least 16/);
  await Deno.writeTextFile(`${dir}/k`, `${KEY}\n`);
  const fromFile = await mask(dir, ["--out", "m", "--key-file", "k"], null);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal((await mask(dir, ["--out", "m2"])).code, 0);
  assert.equal(
    await Deno.readTextFile(`${dir}/m/customers.csv`),
    await Deno.readTextFile(`${dir}/m2/customers.csv`),
    "a key file and the environment variable holding the same key agree",
  );
  assert.ok(!(await Deno.stat(`${dir}/m3`).then(() => true, () => false)));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mask: bad rules and bad values exit 2 with the place, nothing written", async () => {
  const dir = await fixture();
  await Deno.writeTextFile(
    `${dir}/mask.yaml`,
    `files:
  customers.csv:
    id: hash
    name: { fake: person.fulName }
    emial: email
  orders.csv:
    order_id: { hash: { lenght: 8 } }
  missing.csv: { a: keep }
`,
  );
  const bad = await mask(dir, ["--out", "m"]);
  assert.equal(bad.code, 2, bad.stderr);
  for (
    const text of [
      "mask.yaml:7:33 files.orders.csv.order_id.hash.lenght",
      'did you mean "length"?',
      'Unknown key "lenght"',
    ]
  ) {
    assert.ok(bad.stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${bad.stderr}`);
  }
  await Deno.writeTextFile(
    `${dir}/mask.yaml`,
    `files:
  customers.csv:
    id: hash
    name: { fake: person.fulName }
    emial: email
  missing.csv: { a: keep }
`,
  );
  const bad2 = await mask(dir, ["--out", "m"]);
  assert.equal(bad2.code, 2, bad2.stderr);
  for (
    const text of [
      "mask.yaml:4:19 files.customers.csv.name.fake",
      'did you mean "person.fullName"?',
      'Unknown faker method "person.fulName"',
    ]
  ) {
    assert.ok(bad2.stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${bad2.stderr}`);
  }
  await Deno.writeTextFile(
    `${dir}/mask.yaml`,
    `files:
  customers.csv:
    id: hash
    emial: email
  missing.csv: { a: keep }
`,
  );
  const bad3 = await mask(dir, ["--out", "m"]);
  assert.equal(bad3.code, 2, bad3.stderr);
  for (
    const text of [
      "mask.yaml:4:5 files.customers.csv.emial",
      '"customers.csv" has no column "emial"',
      'Columns of "customers.csv" without a rule: name, email, phone, zip, birthdate, income, notes',
      'Cannot mask "missing.csv": no such file',
    ]
  ) {
    assert.ok(bad3.stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${bad3.stderr}`);
  }
  // A value a rule cannot read: the file, line and column, and no output at all.
  await Deno.writeTextFile(
    `${dir}/mask.yaml`,
    `default: keep
files:
  orders.csv:
    order_id: keep
  customers.csv:
    birthdate: { shift_dates: 10 }
`,
  );
  await Deno.writeTextFile(
    `${dir}/customers.csv`,
    "id,birthdate\nC1,1990-01-01\nC2,15/03/1990\n",
  );
  const value = await mask(dir, ["--out", "m"]);
  assert.equal(value.code, 2, value.stderr);
  assert.match(
    value.stderr,
    /Cannot mask customers\.csv line 3, column "birthdate": "15\/03\/1990"/,
  );
  const written = [...Deno.readDirSync(`${dir}/m`)].map((e) => e.name);
  assert.deepEqual(written, [], "no file renamed into place, no temporary left");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mask: JSONL files, values keep their JSON types unless a rule changes them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-mask-jsonl-" });
  await Deno.writeTextFile(
    `${dir}/users.jsonl`,
    '{"id":1,"email":"a@x.org","age":34,"tags":["a"],"zip":null}\n' +
      '{"id":2,"email":"bob@y.net","age":51,"tags":[],"zip":"10115"}\n',
  );
  await Deno.writeTextFile(
    `${dir}/mask.yaml`,
    `files:
  users.jsonl:
    id: keep
    email: { email: { domain: example.com } }
    age: { generalise: { bucket: 10 } }
    tags: keep
    zip: { generalise: { prefix: 2 } }
`,
  );
  const { code, stderr } = await mask(dir, ["--out", "m"]);
  assert.equal(code, 0, stderr);
  const rows = (await Deno.readTextFile(`${dir}/m/users.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  assert.equal(rows[0].id, 1);
  assert.match(rows[0].email, /^[a-z]@example\.com$/);
  assert.match(rows[1].email, /^[a-z]{3}@example\.com$/);
  assert.equal(rows[0].age, "30-39");
  assert.deepEqual(rows[0].tags, ["a"]);
  assert.equal(rows[0].zip, null);
  assert.equal(rows[1].zip, "10***");
  await Deno.remove(dir, { recursive: true });
});
