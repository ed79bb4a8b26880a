import type { AppState } from "../state/app-state.js";
import { type ParsedState, stateFromQuery, stateToQuery } from "../state/url-state.js";

/** The state in the page's URL, validated (bad values fall back to defaults, with notices). */
export function readUrlState(): ParsedState {
  return stateFromQuery(window.location.search);
}

/** Replaces the URL's query with the state, so the address bar always holds a shareable set-up. */
export function writeUrlState(state: AppState): void {
  const url = `${window.location.pathname}?${stateToQuery(state)}${window.location.hash}`;
  window.history.replaceState(null, "", url);
}
