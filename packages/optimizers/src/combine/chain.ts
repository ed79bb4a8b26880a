import type { FusedStep, GradientTransformation, ParamTree, UpdateOptions } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { treeFinite } from "../core/scaled-apply.js";
import type { StatesOf } from "../core/types.js";
import { requireTransformation } from "../core/validate.js";

/**
 * Composes transformations left to right: the gradients go through `transforms[0]`, its updates through
 * `transforms[1]`, and so on; the state is the tuple of the parts' states, in the same order.
 *
 * The order changes the meaning, so read a chain as a pipeline:
 * - `chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(η))` clips the raw gradients, then Adam
 *   sees clipped gradients; clipping after `scaleByAdam` would clip Adam's normalized step instead.
 * - `addDecayedWeights(λ)` before `scaleByAdam` is coupled L2 (Adam + L2); between `scaleByAdam` and
 *   `scaleByLearningRate` it is decoupled weight decay (AdamW).
 * - `scaleByLearningRate` goes last: it turns the direction into a descent step `−η·direction`.
 *
 * Formula: `updates = T_n(… T_2(T_1(g)) …)`, `state = [s_1, …, s_n]`.
 *
 * The chain declares `fusedApply` exactly when its last part does: the parts before it run `update`, and
 * the last part's one-pass step writes the new parameters. It declares `passesGradientsThrough` when
 * every part does, `releasesGradients` when the first part that is not a pass-through does, and
 * `propagatesNonFinite` when every part passes the gradients through or declares it; its `fusedApply`
 * checks the gradients for non-finite values itself only when a part before the last does neither. Its
 * `options.allocateState` reaches every part; in `fusedApply`, `options.allocateUpdates` reaches a part
 * whose updates go to a part that declares `releasesGradients` (so they are dead when the step returns).
 *
 * @example
 * ```ts
 * const optimizer = chain(clipByGlobalNorm(1), scaleByAdam(), addDecayedWeights(1e-2), scaleByLearningRate(1e-3));
 * let state = optimizer.init(params); // typed: readonly [EmptyState, ScaleByAdamState, EmptyState, ScaleByLearningRateState]
 * ```
 */
export function chain<Transforms extends readonly GradientTransformation<unknown>[]>(
  ...transforms: Transforms
): GradientTransformation<StatesOf<Transforms>> {
  type State = StatesOf<Transforms>;
  const parts: readonly GradientTransformation<unknown>[] = transforms;
  for (const [i, part] of parts.entries()) {
    requireTransformation("chain", `transforms[${i}] (argument ${i + 1})`, part);
  }
  const transform: GradientTransformation<State> = {
    init: (params) => parts.map((part) => part.init(params)) as unknown as State,
    validateState: (state, params, path) => {
      const states = checkedStates(state, parts.length);
      for (const [i, part] of parts.entries()) part.validateState?.(states[i], params, `${path}[${i}]`);
      return state as State;
    },
    update: (gradients, state, params, options) => {
      const states = checkedStates(state, parts.length);
      const nextStates: unknown[] = new Array(parts.length);
      // Every part's next state goes where the caller says; the updates the chain returns stay new arrays.
      const partOptions = stateOnly(options);
      const updates = runParts(parts, parts.length, gradients, states, params, nextStates, () => partOptions);
      return { updates, state: nextStates as unknown as State };
    },
  };
  const last = parts[parts.length - 1];
  const passesThrough = parts.length > 0 && parts.every((part) => part.passesGradientsThrough === true);
  // The first part that does not hand the gradients on untouched is the one that meets them: the chain
  // keeps none of their arrays exactly when that part does not.
  const firstWriter = parts.findIndex((part) => part.passesGradientsThrough !== true);
  const releases = firstWriter >= 0 && parts[firstWriter]!.releasesGradients === true;
  // A non-finite gradient reaches the updates through every part that passes it on or propagates it.
  const showsNonFinite = (part: GradientTransformation<unknown>) =>
    part.passesGradientsThrough === true || part.propagatesNonFinite === true;
  const propagates = parts.length > 0 && parts.every(showsNonFinite);
  const declarations = {
    ...(passesThrough ? { passesGradientsThrough: true as const } : {}),
    ...(releases ? { releasesGradients: true as const } : {}),
    ...(propagates ? { propagatesNonFinite: true as const } : {}),
  };
  if (last?.fusedApply === undefined) return { ...transform, ...declarations };
  const lastStep: FusedStep<unknown> = (gradients, state, params, options) =>
    last.fusedApply!(gradients, state, params, options);
  const prefixPassesThrough = firstWriter === -1 || firstWriter === parts.length - 1;
  // The parts before the last hand a non-finite gradient on into the last part's updates, so the new
  // parameters show it: no pass over the gradients (Adam's 225,578 on the peers' CNN took ~0.5 ms a step).
  const prefixShowsNonFinite = parts.slice(0, -1).every(showsNonFinite);
  // Part i may write its updates into the caller's step-long arrays when whoever consumes them keeps none:
  // the next part that is not a pass-through declares releasesGradients.
  const updatesConsumed = parts.slice(0, -1).map((_, i) => {
    const consumer = parts.findIndex((part, j) => j > i && part.passesGradientsThrough !== true);
    return consumer >= 0 && parts[consumer]!.releasesGradients === true;
  });
  const fusedApply: FusedStep<State> = (gradients, state, params, options) => {
    const states = checkedStates(state, parts.length);
    const nextStates: unknown[] = new Array(parts.length);
    const withState = stateOnly(options);
    const withUpdates = { ...withState, allocateUpdates: options?.allocateUpdates };
    const updates = runParts(parts, parts.length - 1, gradients, states, params, nextStates, (i) =>
      updatesConsumed[i] === true && options?.allocateUpdates !== undefined ? withUpdates : withState,
    );
    const stepped = lastStep(updates, states[parts.length - 1], params, options);
    nextStates[parts.length - 1] = stepped.state;
    // Parts that pass the gradients on or propagate non-finite values make a non-finite gradient show in the
    // new parameters; any other part might hide it (clipping, masking): check the gradients themselves.
    const finite = stepped.finite && (prefixShowsNonFinite || treeFinite(gradients));
    return {
      params: stepped.params,
      state: nextStates as unknown as State,
      finite,
      gradientsReleased: prefixPassesThrough ? stepped.gradientsReleased : releases,
    };
  };
  return { ...transform, fusedApply, ...declarations };
}

/** `options.allocateState` alone (the part options every part of a chain gets), or undefined without it. */
function stateOnly(options: UpdateOptions | undefined): UpdateOptions | undefined {
  return options?.allocateState === undefined ? undefined : { allocateState: options.allocateState };
}

/**
 * Runs `update` of the first `count` parts in order with the options `optionsOf(i)` gives part i, writing
 * their next states; returns the last updates.
 */
function runParts(
  parts: readonly GradientTransformation<unknown>[],
  count: number,
  gradients: ParamTree,
  states: readonly unknown[],
  params: ParamTree,
  nextStates: unknown[],
  optionsOf: (part: number) => UpdateOptions | undefined,
): ParamTree {
  let updates = gradients;
  for (let i = 0; i < count; i++) {
    const options = optionsOf(i);
    const result =
      options === undefined
        ? parts[i]!.update(updates, states[i], params)
        : parts[i]!.update(updates, states[i], params, options);
    updates = result.updates;
    nextStates[i] = result.state;
  }
  return updates;
}

function checkedStates(state: unknown, count: number): readonly unknown[] {
  if (!Array.isArray(state) || state.length !== count) {
    throw new ValueError(
      "chain",
      `the state has ${Array.isArray(state) ? `${state.length} entries` : "no entries"} but the chain has ${count} transforms: pass the state returned by this chain's init or update`,
    );
  }
  return state;
}
