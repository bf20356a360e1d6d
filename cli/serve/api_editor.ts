/**
 * The editor's API: validate posted YAML, preview rows, a scenario's source
 * and the JSON Schema. Filled in by the UI work.
 *
 * @module
 */
import type { Route } from "./route.ts";

/** The editor's routes. */
export const editorRoutes: Route[] = [];
