/**
 * `uuid`: random (version 4) UUIDs, drawn from the row's random stream so
 * they are reproducible and random-access like every other value.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";

/**
 * Options of the `uuid` generator: none (`{ uuid: {} }`).
 *
 * @example
 * ```ts
 * import { uuidOptions } from "./uuid.ts";
 * uuidOptions.parse(undefined); // {}
 * ```
 */
export const uuidOptions = z.object({}).strict().prefault({});

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex8(x: number): string {
  return HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

function hex4(x: number): string {
  return HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/**
 * RFC 4122 version 4 UUIDs in lowercase, e.g.
 * `3f2b8c1e-9d4a-4e7f-b2c6-0a1d5e9f7c3b`, built from four 32-bit draws of the
 * row's stream (122 random bits).
 *
 * The generator declares itself `distinct`, so a `unique: true` uuid field
 * keeps no set of seen values: with 122 random bits a collision is
 * astronomically unlikely (about 1 in 10^19 for a billion rows).
 *
 * @example In a scenario
 * ```yaml
 * id: { uuid: {} }
 * ```
 */
export default definePlugin({
  name: "uuid",
  kind: "generator",
  version: "1.0.0",
  description: "Random RFC 4122 version 4 UUIDs (reproducible from the seed)",
  options: uuidOptions,
  create() {
    return {
      type: "uuid",
      distinct: true,
      value: (row) => {
        const r = row.random;
        const a = r.uint32(), b = r.uint32(), c = r.uint32(), d = r.uint32();
        return hex8(a) + "-" + hex4(b >>> 16) + "-" + hex4((b & 0x0fff) | 0x4000) + "-" +
          hex4(((c >>> 16) & 0x3fff) | 0x8000) + "-" + hex4(c) + hex8(d);
      },
    };
  },
});
