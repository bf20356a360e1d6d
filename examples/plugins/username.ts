/**
 * An example generator plugin: a username made from another field of the
 * same row (read with `uses` and `row.get`) and a few random digits (drawn
 * from `row.random`, so the same seed always gives the same usernames).
 *
 * ```yaml
 * plugins: [./examples/plugins/username.ts]
 * entities:
 *   users:
 *     count: 100
 *     fields:
 *       first_name: { faker: person.firstName }
 *       username: { username: { from: first_name, digits: 3 } }
 * ```
 *
 * @module
 */
import { definePlugin, z } from "../../mod.ts";

export default definePlugin({
  name: "username",
  kind: "generator",
  version: "1.0.0",
  description: "A lower-case username from another field plus random digits",
  options: z.object({
    from: z.string().describe("The field of the same row the name starts with"),
    digits: z.number().int().min(0).max(8).default(2).describe("How many random digits follow"),
    separator: z.string().max(1).default("").describe("Put between the name and the digits"),
  }).strict(),
  create: ({ from, digits, separator }) => ({
    type: "string",
    // The kernel computes `from` first and lets row.get read only what is listed here.
    uses: [from],
    value: (row) => {
      const name = String(row.get(from) ?? "user").normalize("NFKD").replace(/[^A-Za-z0-9]/g, "")
        .toLowerCase();
      let tail = "";
      for (let i = 0; i < digits; i++) tail += String(row.random.int(0, 9));
      return digits ? `${name}${separator}${tail}` : name;
    },
  }),
});
