import { formatCase } from "./format_cases.ts";
const dir = await Deno.makeTempDir();
for (const n of ["format-parquet"]) {
  const r = await formatCase(n, 100000, dir);
  console.log(n, Math.round(r.ms), r.bytes);
}
