/**
 * Japanese fixed-line numbers for the `place` generator: which digit starts
 * the local number after each area code, so that libphonenumber's geocoding
 * data places the number in the city (`plugins/_data/build_places_jp.ts`
 * checks every city against it).
 *
 * @module
 */

/** Area codes (without the trunk 0) whose local numbers start with another digit than 2. */
const LOCAL_FIRST: Readonly<Record<string, string>> = {
  "17": "7", // Aomori
  "18": "8", // Akita
  "19": "6", // Morioka
  "23": "6", // Yamagata
  "24": "9", // Koriyama
  "28": "6", // Utsunomiya
  "42": "6", // Hachioji
  "46": "8", // Yokosuka
  "73": "4", // Wakayama
  "77": "5", // Otsu
  "87": "8", // Takamatsu
  "88": "8", // Kochi
  "89": "9", // Matsuyama
  "95": "8", // Nagasaki
  "97": "5", // Oita
  "98": "8", // Naha
};

/**
 * The first digit of a local number after a Japanese area code: 2, or the
 * digit whose numbers libphonenumber's geocoding data places in the city
 * that `place` uses the area code for.
 *
 * @param area The area code without the trunk 0 (`3`, `92`, `798`).
 * @returns One digit.
 * @example
 * ```ts
 * import { localFirstDigit } from "./phone_jp.ts";
 * localFirstDigit("3"); // "2"
 * ```
 */
export function localFirstDigit(area: string): string {
  return Object.hasOwn(LOCAL_FIRST, area) ? LOCAL_FIRST[area]! : "2";
}
