/**
 * Benchmark cases of data files and masking: `choice-file` generates
 * customers-10's row count picking cities from a 100 000-row CSV (weighted,
 * whole rows plus lookups); `mask-csv` masks customers-10's CSV (generated
 * first, untimed) with one rule of each kind.
 *
 * @module
 */
import { gen } from "../../core/gen.ts";
import maskCommand from "../../cli/mask_command.ts";

/** The cases. */
export const MASK_CASES: string[] = ["choice-file", "mask-csv"];

/**
 * Runs one case; returns the bytes written and how long the timed part took.
 *
 * @param name The case.
 * @param rows Rows generated or masked.
 * @param dir A scratch folder.
 * @returns Bytes of output and the timed milliseconds.
 * @example
 * ```ts ignore
 * await maskCase("mask-csv", 1_000_000, "/tmp/bench");
 * ```
 */
export async function maskCase(
  name: string,
  rows: number,
  dir: string,
): Promise<{ bytes: number; ms: number }> {
  if (name === "choice-file") {
    const lines = ["name,state,zip,population"];
    for (let i = 0; i < 100_000; i++) {
      lines.push(
        `City ${i},S${i % 50},${String(i).padStart(5, "0")},${1 + ((i * 7919) % 100_000)}`,
      );
    }
    await Deno.writeTextFile(`${dir}/cities.csv`, lines.join("\n") + "\n");
    await Deno.writeTextFile(
      `${dir}/s.yaml`,
      `name: choice-file
seed: 1
entities:
  people:
    count: ${rows}
    fields:
      id: { sequence: {} }
      city_name: { choice: { file: cities.csv, value: name, weight: population } }
      home: { choice: { file: cities.csv, weight: population }, hidden: true }
      state: { lookup: { field: home, key: state } }
      zip: { lookup: { field: home, key: zip } }
`,
    );
    const t0 = performance.now();
    await gen(`${dir}/s.yaml`, { out: `${dir}/out`, formats: ["csv"] });
    return { bytes: (await Deno.stat(`${dir}/out/people.csv`)).size, ms: performance.now() - t0 };
  }
  await gen("customers-10", { out: `${dir}/in`, formats: ["csv"], counts: { customers: rows } });
  await Deno.writeTextFile(
    `${dir}/in/mask.yaml`,
    `files:
  customers.csv:
    id: { hash: { length: 16 } }
    first_name: { fake: person.firstName }
    last_name: redact
    email: email
    phone: phone
    city: { generalise: { prefix: 1 } }
    country: keep
    birthdate: { shift_dates: { days: 30, by: id } }
    signed_up_at: { generalise: month }
    balance: { generalise: { bucket: 1000 } }
`,
  );
  Deno.env.set("FABRICATE_MASK_KEY", "bench-key-0123456789abcdef");
  const t0 = performance.now();
  await maskCommand([`${dir}/in/mask.yaml`, "--out", `${dir}/masked`]);
  return {
    bytes: (await Deno.stat(`${dir}/masked/customers.csv`)).size,
    ms: performance.now() - t0,
  };
}
