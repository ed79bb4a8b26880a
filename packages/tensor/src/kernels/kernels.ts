/**
 * The one interface every compute backend implements. Ops in `@descent/tensor` call the active backend
 * through it and nothing else, so a faster implementation (WebAssembly SIMD, threads) replaces a kernel
 * without touching any public API, and the JavaScript reference (`jsKernels`) runs no WebAssembly at all.
 *
 * All arrays are row-major and contiguous; `transposeA` means the kernel reads `A` as its transpose
 * (the buffer holds a `[k, m]` matrix). Members other than `gemm` and `denseForward` trust their arguments:
 * the tensor-level functions that call them (`reluGradient`, `scaledAddFloat32`, the element-wise ops)
 * check them first. Each member's float32 results are the same bits in every built-in backend.
 */
export interface Kernels {
  /** Identifier written into benchmark reports, e.g. `"js"`, `"wasm-simd128×2"`. */
  readonly name: string;
  /**
   * General matrix product `C = α·op(A)·op(B) + β·C` for `op(A): [m, k]`, `op(B): [k, n]`, `C: [m, n]`.
   * When `beta` is 0, `C` is overwritten (its old contents, even NaN, are ignored).
   */
  gemm(
    transposeA: boolean,
    transposeB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array | Float64Array,
    b: Float32Array | Float64Array,
    beta: number,
    c: Float32Array | Float64Array,
  ): void;
  /**
   * Fused dense layer `C = act(op(A)·op(B) + bias)`: `bias` (length n, or null) is added to every row, then
   * `act` applied: `"none"`, or `"relu"` = max(x, 0) with NaN kept. C is overwritten. The reference is
   * `gemm` followed by a JavaScript epilogue (`denseForwardByGemm`), with bit-identical float32 results.
   */
  denseForward(
    transposeA: boolean,
    transposeB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array | Float64Array,
    b: Float32Array | Float64Array,
    bias: Float32Array | Float64Array | null,
    activation: DenseActivation,
    c: Float32Array | Float64Array,
  ): void;
  /**
   * Element-wise `out = a ∘ b` over rows of `rowLength` elements, for ∘ one of + − × ÷, each result rounded
   * once to `out`'s type: `out[r·n + j] = ⌊a_r[j] ∘ b_r[j]⌉` for row r < out.length / n and column j < n,
   * where an operand's row is `data[offsets[r] + j]` (`step` 1) or `data[offsets[r]]` repeated (`step` 0),
   * and a number operand is that number in every element, exactly as given (a scalar: the loops compute
   * with the float64 number). One row spanning the whole output is the same-shape (or tensor-with-scalar)
   * case; several rows are a broadcast (a bias added to every row of a batch, a column scaled per row, …).
   */
  binary(
    op: BinaryOp,
    out: Float32Array | Float64Array,
    rowLength: number,
    a: BinaryOperand,
    b: BinaryOperand,
  ): void;
  /**
   * Element-wise `out = f(x)` for f one of relu = max(x, 0) (NaN kept, relu(−0) = 0), neg = −x, abs = |x|
   * and sqrt = ⌊√x⌉ (rounded once to `out`'s type); `out` and `x` have one length and may be the same array.
   */
  unary(op: UnaryOp, out: Float32Array | Float64Array, x: Float32Array | Float64Array): void;
  /**
   * The update of a learning-rate step over float32 arrays of one length, `outᵢ = ⌊pᵢ + ⌊factor·uᵢ⌉₃₂⌉₃₂`
   * (the product rounded to float32, then the sum); returns whether every result is finite. `out` may be
   * `p` or `u`.
   */
  scaledAdd(out: Float32Array, p: Float32Array, u: Float32Array, factor: number): boolean;
  /**
   * Adam's step over arrays of one length, in float64 arithmetic, each result rounded once to its array's type:
   * `m'ᵢ = β₁·mᵢ + (1 − β₁)·gᵢ`, `v'ᵢ = β₂·vᵢ + ((1 − β₂)·gᵢ)·gᵢ` into `mOut` and `vOut`, and
   * `outᵢ = (m'ᵢ·c₁) / (√(v'ᵢ·c₂ + ε_root) + ε)` from the unrounded m' and v', with `c₁ = 1/(1 − β₁ᵗ)` and
   * `c₂ = 1/(1 − β₂ᵗ)` given in `coefficients`. The three outputs are new arrays, distinct from the inputs.
   */
  adamUpdate(
    g: Float32Array | Float64Array,
    m: Float32Array | Float64Array,
    v: Float32Array | Float64Array,
    mOut: Float32Array | Float64Array,
    vOut: Float32Array | Float64Array,
    out: Float32Array | Float64Array,
    coefficients: AdamCoefficients,
  ): void;
  /**
   * The backward of relu from its output `y = max(z, 0)`: `outᵢ = gᵢ·[yᵢ > 0]` (NaN where yᵢ is NaN), and,
   * when `biasGradient` is given, `biasGradientⱼ += Σᵣ out[r·columns + j]` in row order (a dense layer's
   * bias gradient in the same pass). `g`, `y`, `out` hold whole rows of `columns` elements.
   */
  reluBackward(
    g: Float32Array | Float64Array,
    y: Float32Array | Float64Array,
    out: Float32Array | Float64Array,
    biasGradient: Float32Array | Float64Array | null,
    columns: number,
  ): void;
  /**
   * im2col: copies every window of the NHWC `input` into one row of `columns` (overwritten), laid out
   * `[batch·outH·outW, kh·kw·channels]` in `(ky, kx, c)` order, so a convolution is one matrix product with a
   * `[kh, kw, in, out]` kernel read as `[kh·kw·in, out]`: `columns[(n, oy, ox), (ky, kx, c)] =
   * input[n, oy·sh + ky − pt, ox·sw + kx − pl, c]`, 0 where that falls in the padding.
   */
  imageToColumns(
    input: Float32Array | Float64Array,
    geometry: WindowGeometry,
    columns: Float32Array | Float64Array,
  ): void;
  /**
   * col2im, the adjoint of {@link Kernels.imageToColumns}, accumulating: `image[n, y, x, c] +=` every
   * `columns` entry that im2col read from there, added in row order (overlapping windows sum).
   */
  columnsToImage(
    columns: Float32Array | Float64Array,
    geometry: WindowGeometry,
    image: Float32Array | Float64Array,
  ): void;
  /**
   * A convolution's forward as one product with its im2col matrix: `output = act(cols·W + bias)`, where
   * `cols` is the {@link Kernels.imageToColumns} matrix of `input` (`[batch·outH·outW, kh·kw·channels]`),
   * `weights` the `[kh·kw·channels, outChannels]` matrix of a `[kh, kw, in, out]` kernel, and `output`
   * `[batch·outH·outW, outChannels]` (overwritten); bias and activation as in {@link Kernels.denseForward}. The
   * bits are those of `imageToColumns` then `denseForward` (the reference, `convolutionForwardByGemm`); a
   * backend may pack the matrix's panels straight from the images instead of making it.
   */
  convolutionForward(
    input: Float32Array | Float64Array,
    geometry: WindowGeometry,
    weights: Float32Array | Float64Array,
    outChannels: number,
    bias: Float32Array | Float64Array | null,
    activation: DenseActivation,
    output: Float32Array | Float64Array,
  ): void;
  /**
   * A convolution's weight gradient as one product with its im2col matrix: `weightsGradient = colsᵀ·g` for
   * `g` `[batch·outH·outW, outChannels]` and `weightsGradient` `[kh·kw·channels, outChannels]` (overwritten).
   * The bits of `imageToColumns` then `gemm` with `transposeA` (the reference,
   * `convolutionWeightsGradientByGemm`).
   */
  convolutionWeightsGradient(
    input: Float32Array | Float64Array,
    geometry: WindowGeometry,
    cotangent: Float32Array | Float64Array,
    outChannels: number,
    weightsGradient: Float32Array | Float64Array,
  ): void;
  /**
   * A convolution's input gradient, accumulating: `image += col2im(g·Wᵀ)` for `g` `[batch·outH·outW,
   * outChannels]` and `weights` `[kh·kw·channels, outChannels]`. The bits of `gemm` (with `transposeB`) into
   * an im2col-shaped matrix, then {@link Kernels.columnsToImage} (the reference,
   * `convolutionInputGradientByGemm`); a backend may keep that matrix in its own memory.
   */
  convolutionInputGradient(
    cotangent: Float32Array | Float64Array,
    geometry: WindowGeometry,
    weights: Float32Array | Float64Array,
    outChannels: number,
    image: Float32Array | Float64Array,
  ): void;
  /**
   * Max pooling over NHWC: `output[n, oy, ox, c] = max` of the window's cells in (y, x) order (padding never
   * wins; NaN wins so it stays visible), and `argmax` the flat input index of the winner (the first on ties).
   */
  maxPoolForward(
    input: Float32Array | Float64Array,
    geometry: WindowGeometry,
    output: Float32Array | Float64Array,
    argmax: Int32Array,
  ): void;
  /**
   * Max pooling backward, accumulating: `gradient[argmax[i]] += cotangent[i]` for i in order. Returns whether
   * every winner lies in the gradient (`0 ≤ argmax[i] < gradient.length`); a winner outside is skipped.
   */
  maxPoolBackward(
    cotangent: Float32Array | Float64Array,
    argmax: Int32Array,
    gradient: Float32Array | Float64Array,
  ): boolean;
  /**
   * Average pooling over NHWC, padding excluded: `output[n, oy, ox, c] = (Σ x) / count` over the window's
   * cells inside the image, summed in (y, x) order with each partial sum rounded to `output`'s type, then
   * divided once by their count (as that type).
   */
  averagePoolForward(
    input: Float32Array | Float64Array,
    geometry: WindowGeometry,
    output: Float32Array | Float64Array,
  ): void;
  /**
   * Average pooling backward, accumulating: for each output in order, `share = cotangent / count` (rounded to
   * `gradient`'s type) is added to each of its window's cells inside the image, in (y, x) order.
   */
  averagePoolBackward(
    cotangent: Float32Array | Float64Array,
    geometry: WindowGeometry,
    gradient: Float32Array | Float64Array,
  ): void;
  /**
   * Optional: a float32 array of `length` elements (contents unspecified) stored where this backend's
   * kernels use it in place (no copy in or out), or null when it has no such storage. Give it back with
   * {@link Kernels.releaseResident} once nothing references it.
   */
  residentFloat32?(length: number): Float32Array | null;
  /** Optional: returns an array from {@link Kernels.residentFloat32} for reuse (others are ignored). */
  releaseResident?(array: Float32Array): void;
  /**
   * Sets every element of `array` to +0, as `array.fill(0)` does (the JavaScript reference); a backend with
   * storage of its own clears that faster (JavaScript fills a view of a shared memory ~6× slower than a plain
   * array). Ops that add into an allocator's array zero it through this member.
   *
   * `arrayᵢ = +0`
   */
  zero(array: Float32Array | Float64Array): void;
}

/** The scalars of one Adam step ({@link Kernels.adamUpdate}), as float64 numbers. */
export interface AdamCoefficients {
  /** β₁, the first moment's decay. */
  readonly beta1: number;
  /** β₂, the second moment's decay. */
  readonly beta2: number;
  /** c₁ = 1/(1 − β₁ᵗ), the first moment's bias correction at step t. */
  readonly inverseCorrection1: number;
  /** c₂ = 1/(1 − β₂ᵗ), the second moment's bias correction at step t. */
  readonly inverseCorrection2: number;
  /** ε_root, added inside the square root. */
  readonly epsilonRoot: number;
  /** ε, added outside the square root. */
  readonly epsilon: number;
}

/** Activation fused into `Kernels.denseForward`. */
export type DenseActivation = "none" | "relu";

/** An element-wise binary operation of {@link Kernels.binary}: + − × ÷. */
export type BinaryOp = "add" | "sub" | "mul" | "div";

/** An element-wise unary operation of {@link Kernels.unary}. */
export type UnaryOp = "relu" | "neg" | "abs" | "sqrt";

/** An operand of {@link Kernels.binary}: rows of an array, or one number for every element. */
export type BinaryOperand = RowOperand | number;

/**
 * One operand of {@link Kernels.binary}: output row `r` reads `rowLength` consecutive values of `data` from
 * `offsets[r]` (`step` 1), or the one value `data[offsets[r]]` repeated across the row (`step` 0).
 */
export interface RowOperand {
  /** The operand's values. */
  readonly data: Float32Array | Float64Array;
  /** Where output row `r` starts reading in `data`. */
  readonly offsets: Int32Array;
  /** 1: the row reads consecutive values; 0: it repeats `data[offsets[r]]`. */
  readonly step: 0 | 1;
}

/**
 * Geometry of a 2-D sliding window over NHWC images `[batch, height, width, channels]`, as the window kernels
 * read it: output position `(oy, ox)` covers input rows `oy·strideHeight − padTop + [0, kernelHeight)` and
 * columns `ox·strideWidth − padLeft + [0, kernelWidth)`.
 */
export interface WindowGeometry {
  /** Images in the batch. */
  readonly batch: number;
  /** Rows of each input image. */
  readonly height: number;
  /** Columns of each input image. */
  readonly width: number;
  /** Channels of each input pixel (innermost). */
  readonly channels: number;
  /** Rows of the window. */
  readonly kernelHeight: number;
  /** Columns of the window. */
  readonly kernelWidth: number;
  /** Rows the window moves between output rows. */
  readonly strideHeight: number;
  /** Columns the window moves between output columns. */
  readonly strideWidth: number;
  /** Rows of the output. */
  readonly outHeight: number;
  /** Columns of the output. */
  readonly outWidth: number;
  /** Rows of zero padding before the first row. */
  readonly padTop: number;
  /** Columns of zero padding before the first column. */
  readonly padLeft: number;
}
