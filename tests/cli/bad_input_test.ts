/**
 * Bad input, as data: each folder in tests/cases/bad holds a scenario.yaml
 * and a case.json (extra CLI args, files to create first, the exit code and
 * what stderr must contain). Every case runs the real CLI and checks that
 * nothing was left at the output path.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

interface Case {
  args?: string[];
  files?: Record<string, string>;
  code: number;
  stderr: string[];
  absent?: string[];
  unchanged?: Record<string, string>;
}

const root = new URL("../cases/bad/", import.meta.url);

for await (const entry of Deno.readDir(root)) {
  if (!entry.isDirectory) continue;
  const name = entry.name;
  Deno.test(`gen reports bad input: ${name}`, async () => {
    const spec = JSON.parse(await Deno.readTextFile(new URL(`${name}/case.json`, root))) as Case;
    const dir = await Deno.makeTempDir({ prefix: `fabricate-bad-${name}-` });
    try {
      await Deno.copyFile(new URL(`${name}/scenario.yaml`, root), `${dir}/scenario.yaml`);
      for (const [path, content] of Object.entries(spec.files ?? {})) {
        const full = `${dir}/${path}`;
        await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
        await Deno.writeTextFile(full, content);
      }
      const args = (spec.args ?? ["--out", "{dir}/out"]).map((a) => a.replaceAll("{dir}", dir));
      const result = await runCli(["gen", "scenario.yaml", ...args], { cwd: dir });
      assert.equal(result.code, spec.code, `exit code; stderr:\n${result.stderr}`);
      assert.equal(result.stdout, "", "stdout carries no data on failure");
      for (const text of spec.stderr) {
        assert.ok(
          result.stderr.includes(text),
          `stderr lacks ${JSON.stringify(text)}:\n${result.stderr}`,
        );
      }
      for (const path of [...(spec.absent ?? []), "out"]) {
        assert.equal(await exists(`${dir}/${path}`), false, `${path} was left behind`);
      }
      for (const [path, content] of Object.entries(spec.unchanged ?? {})) {
        assert.equal(await Deno.readTextFile(`${dir}/${path}`), content);
      }
      for await (const e of Deno.readDir(dir)) {
        assert.ok(!e.name.startsWith(".fabricate-"), `staging folder ${e.name} left behind`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}
