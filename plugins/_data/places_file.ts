/**
 * Writes a country's place data file (`places_xx.json`) the way the `place`
 * generator reads it. Shared by the build scripts (build_places*.ts), which
 * are run by hand.
 *
 * @module
 */

/** The columns of each place row, in order. */
export const PLACE_COLUMNS = [
  "city",
  "state_code",
  "population",
  "latitude",
  "longitude",
  "postal_codes",
  "area_codes",
] as const;

/**
 * Writes `places_<country>.json` beside this module.
 *
 * @param country The ISO country code, e.g. `"FR"`.
 * @param states The regions by code.
 * @param places The rows, one per city, in {@linkcode PLACE_COLUMNS} order
 *   (or `extra.columns`').
 * @param extra Other top-level fields: `columns` when they are not
 *   {@linkcode PLACE_COLUMNS}, the postal format and calling code of the
 *   countries built by `build_places_world.ts`.
 * @returns The file written.
 * @example
 * ```ts ignore
 * await writePlacesFile("FR", { IDF: { name: "Île-de-France" } }, rows);
 * ```
 */
export async function writePlacesFile(
  country: string,
  states: unknown,
  places: readonly unknown[],
  extra: Readonly<Record<string, unknown>> = {},
): Promise<URL> {
  const { columns = PLACE_COLUMNS, ...rest } = extra;
  const file = { country, columns, ...rest, states, places };
  const out = new URL(`./places_${country.toLowerCase()}.json`, import.meta.url);
  await Deno.writeTextFile(out, JSON.stringify(file) + "\n");
  return out;
}
