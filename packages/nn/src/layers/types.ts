import type { Operand, Traced } from "@descent/autodiff";
import type { FloatDType, ParamTree, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import type { GradientAllocator } from "@descent/tensor";

/**
 * Parameters as a layer receives them: plain tensors (inference) or traced values (inside
 * `valueAndGrad`, during training), nested by layer name.
 */
export interface Params {
  readonly [name: string]: Traced | TensorLike | Params;
}

/** JSON that describes a layer, enough to rebuild it with {@link layerFromConfig}. */
export interface LayerConfig {
  /** Layer kind (`"dense"`, or a custom layer's type): picks the factory that rebuilds it. */
  readonly type: string;
  /** The name the user gave the layer, if any. */
  readonly name?: string;
  readonly [option: string]: unknown;
}

/** Options of {@link Layer.apply}. */
export interface ApplyOptions {
  /** Training mode: dropout drops, batch normalization uses batch statistics. Default `false` (inference). */
  readonly training?: boolean;
  /** Randomness for training-mode layers (dropout). Required when such a layer runs in training mode. */
  readonly random?: RandomGenerator;
  /** Non-trainable state (batch-norm running statistics), keyed like the layer's own state. */
  readonly state?: ParamTree;
  /** Receives the layer's updated state after a training-mode pass (batch-norm running statistics). */
  readonly onState?: (state: ParamTree) => void;
  /**
   * Where a layer's backward takes the arrays of its parameter gradients (contents arbitrary: the layer fills
   * every element). Default: new arrays. `fit` passes its training step's allocator.
   */
  readonly allocateGradient?: GradientAllocator;
  /**
   * Where a layer takes arrays that die with the training step: its output, when a later layer of the same
   * model consumes it, and the intermediates of its backward (masked cotangents, input gradients); contents
   * arbitrary (the layer writes or zeroes every element). Default: new arrays. `fit` passes one that hands the
   * same arrays out again at the next step, so a layer must not keep its input, output or cotangents past
   * its backward, and a model passes it only to layers whose output it does not return (`sequential`: all
   * but the last).
   */
  readonly allocateTransient?: GradientAllocator;
}

/**
 * A layer: a function of (parameters, input), plus how to make its initial parameters and state.
 * A layer holds no parameters itself, so one layer value can serve many parameter sets.
 *
 * `P` is the shape of the layer's parameter tree (`dense` gives `Layer<DenseParams>`, `{ weights, bias }`);
 * `model.paramsOf(params, layer)` returns a trained tree's entry for the layer with that type.
 * `P` must be a type alias (`type MyParams = { … }`), not an interface: only object types written as
 * aliases fit `ParamTree`'s index signature.
 *
 * @example
 * const hidden: Layer<DenseParams> = dense(2, 8);
 * const { weights } = hidden.init(createRandom(0)); // weights: Tensor
 */
export interface Layer<P extends ParamTree = ParamTree> {
  /** Kind of layer, e.g. `"dense"`; names parameters (`dense_1`) and saved architectures. */
  readonly type: string;
  /** Name chosen by the user (overrides the `type_index` name given by `sequential`). */
  readonly name: string | undefined;
  /** Whether {@link init} returns parameters (layers without any are skipped in the parameter tree). */
  readonly hasParams: boolean;
  /** Whether {@link initState} returns non-trainable state. */
  readonly hasState: boolean;
  /** JSON description: `layerFromConfig(layer.config)` rebuilds the layer. */
  readonly config: LayerConfig;
  /** Initial trainable parameters (`{}` when the layer has none), drawn from `random`. */
  init(random: RandomGenerator, dtype?: FloatDType): P;
  /** Initial non-trainable state (`{}` when the layer has none). */
  initState(dtype?: FloatDType): ParamTree;
  /** The layer's output for a batch of inputs. */
  apply(params: Params, input: Operand, options?: ApplyOptions): Traced;
  /** Per-sample output shape for a per-sample input shape (batch axis excluded); throws when the input does not fit. */
  outputShape(inputShape: readonly number[]): number[];
  /**
   * Declares this layer the built-in relu, `max(x, 0)` with relu'(0) = 0 (NaN kept): set only by `activation`
   * when it resolves the name `"relu"` itself (`activation("relu")`, `"relu"` in a `sequential` list, a saved
   * config), never for an activation object. `sequential` runs `[layer with fusedWithRelu, this]` as one op.
   */
  readonly fusable?: "relu";
  /**
   * Optional: this layer followed by the built-in relu as one op, with the same parameters (`dense` has it:
   * `dense(…, { activation: "relu" })`). `sequential` uses it for a following layer with `fusable: "relu"`.
   */
  fusedWithRelu?(): Layer<P>;
}
