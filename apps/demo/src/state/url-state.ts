import { type AppState, DEFAULT_STATE, pointCount } from "./app-state.js";
import {
  ACTIVATION_NAMES,
  DATASET_NAMES,
  FEATURE_NAMES,
  INITIALIZER_NAMES,
  LEARNING_RATES,
  LOSS_NAMES,
  MAX_HIDDEN_LAYERS,
  MAX_NEURONS,
  OPTIMIZER_NAMES,
  REGULARIZER_NAMES,
  RELU_SUBGRADIENTS,
  ratesFor,
  SCHEDULE_NAMES,
  SPEEDS,
} from "./choices.js";

/** A state read from a URL, with one notice per value that was not valid and fell back to its default. */
export interface ParsedState {
  readonly state: AppState;
  readonly notices: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The query string of a state: every field, so a shared link reproduces the set-up exactly.
 *
 * @example
 * stateToQuery(DEFAULT_STATE) // "dataset=circle&noise=0&…&hiddenLayers=4,2&…"
 */
export function stateToQuery(state: AppState): string {
  const entries: [string, string][] = Object.entries(state).map(([key, value]) => [
    key,
    Array.isArray(value) ? value.join(",") : String(value),
  ]);
  return entries.map(([key, value]) => `${key}=${encodeURIComponent(value).replace(/%2C/g, ",")}`).join("&");
}

/**
 * Reads a state from a query string. Missing keys take their default silently; a value that is present
 * but invalid takes its default and yields a notice naming the key, the value and what is allowed.
 */
export function stateFromQuery(query: string): ParsedState {
  const parameters = new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
  const state: Mutable<AppState> = { ...DEFAULT_STATE };
  const notices: string[] = [];
  const read = <K extends keyof AppState>(
    key: K,
    parse: (raw: string) => AppState[K] | undefined,
    allowed: string,
  ) => {
    const raw = parameters.get(key);
    if (raw === null) return;
    const value = parse(raw);
    if (value === undefined) {
      notices.push(
        `${key}=${JSON.stringify(raw)} is not valid (${allowed}): using ${format(DEFAULT_STATE[key])}`,
      );
    } else {
      state[key] = value;
    }
  };
  const known = new Set(Object.keys(DEFAULT_STATE));
  for (const key of parameters.keys()) {
    if (!known.has(key)) notices.push(`unknown setting ${JSON.stringify(key)} in the URL was ignored`);
  }

  read("dataset", oneOf(DATASET_NAMES), `one of ${DATASET_NAMES.join(", ")}`);
  read("noise", integerIn(0, 50), "an integer from 0 to 50");
  read("trainPercent", integerIn(10, 90), "an integer from 10 to 90");
  read("seed", integerIn(0, 2 ** 31 - 1), "an integer ≥ 0");
  read("features", featureList, `a non-empty list of ${FEATURE_NAMES.join(", ")}, without repeats`);
  read("hiddenLayers", layerList, `up to ${MAX_HIDDEN_LAYERS} sizes from 1 to ${MAX_NEURONS}, e.g. 4,2`);
  read("activation", oneOf(ACTIVATION_NAMES), `one of ${ACTIVATION_NAMES.join(", ")}`);
  read("reluSubgradient", numberFrom(RELU_SUBGRADIENTS), `one of ${RELU_SUBGRADIENTS.join(", ")}`);
  read("initializer", oneOf(INITIALIZER_NAMES), `one of ${INITIALIZER_NAMES.join(", ")}`);
  read("optimizer", oneOf(OPTIMIZER_NAMES), `one of ${OPTIMIZER_NAMES.join(", ")}`);
  read("learningRate", numberFrom(LEARNING_RATES), `one of ${LEARNING_RATES.join(", ")}`);
  read("schedule", oneOf(SCHEDULE_NAMES), `one of ${SCHEDULE_NAMES.join(", ")}`);
  const maxBatch = pointCount(state.dataset);
  read("batchSize", integerIn(1, maxBatch), `an integer from 1 to ${maxBatch}`);
  read("regularizer", oneOf(REGULARIZER_NAMES), `one of ${REGULARIZER_NAMES.join(", ")}`);
  const rates = ratesFor(state.regularizer);
  read("regularizationRate", numberFrom(rates), `for ${state.regularizer}, one of ${rates.join(", ")}`);
  read("loss", oneOf(LOSS_NAMES), `one of ${LOSS_NAMES.join(", ")}`);
  read("speed", numberFrom(SPEEDS), `steps per frame, one of ${SPEEDS.join(", ")}`);
  read("showTestData", flag, "true or false");
  read("discretize", flag, "true or false");
  return { state, notices };
}

/** Clamps settings that depend on others (a batch larger than the training set is the whole set). */
export function normalizeState(state: AppState, trainingPoints: number): AppState {
  const batchSize = Math.min(Math.max(1, state.batchSize), trainingPoints);
  const rates = ratesFor(state.regularizer);
  const regularizationRate = rates.includes(state.regularizationRate)
    ? state.regularizationRate
    : nearest(rates, state.regularizationRate);
  if (batchSize === state.batchSize && regularizationRate === state.regularizationRate) return state;
  return { ...state, batchSize, regularizationRate };
}

function nearest(values: readonly number[], target: number): number {
  return values.reduce((best, value) => (Math.abs(value - target) < Math.abs(best - target) ? value : best));
}

function format(value: unknown): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

function oneOf<T extends string>(names: readonly T[]): (raw: string) => T | undefined {
  return (raw) => ((names as readonly string[]).includes(raw) ? (raw as T) : undefined);
}

function parseNumber(raw: string): number | undefined {
  if (raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function integerIn(low: number, high: number): (raw: string) => number | undefined {
  return (raw) => {
    const value = parseNumber(raw);
    return value !== undefined && Number.isInteger(value) && value >= low && value <= high
      ? value
      : undefined;
  };
}

function numberFrom(values: readonly number[]): (raw: string) => number | undefined {
  return (raw) => {
    const value = parseNumber(raw);
    return value !== undefined && values.includes(value) ? value : undefined;
  };
}

function flag(raw: string): boolean | undefined {
  return raw === "true" ? true : raw === "false" ? false : undefined;
}

function featureList(raw: string): AppState["features"] | undefined {
  const names = raw.split(",");
  if (names.length === 0 || names[0] === "") return undefined;
  if (new Set(names).size !== names.length) return undefined;
  return names.every((name) => (FEATURE_NAMES as readonly string[]).includes(name))
    ? (names as AppState["features"])
    : undefined;
}

function layerList(raw: string): AppState["hiddenLayers"] | undefined {
  if (raw === "") return [];
  const sizes = raw.split(",").map((part) => integerIn(1, MAX_NEURONS)(part));
  if (sizes.length > MAX_HIDDEN_LAYERS || sizes.some((size) => size === undefined)) return undefined;
  return sizes as number[];
}
