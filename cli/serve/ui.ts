/**
 * The web UI's routes (`GET /` and its assets). Filled in by the UI work.
 *
 * @module
 */
import type { Route } from "./route.ts";

/** The UI's routes. */
export const uiRoutes: Route[] = [];
