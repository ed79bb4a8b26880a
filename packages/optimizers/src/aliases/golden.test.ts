import type { GradientTransformation } from "@descent/spec";
import { describe, expect, it } from "vitest";
import { expectClose, leaf, run, vector } from "../test-helpers.js";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "./adam-family.js";
import { adadelta, adagrad, rmsprop } from "./adaptive.js";
import { momentum, nesterov, sgd } from "./sgd.js";

// Golden values written from each published update rule, not from this package: θ₀ = (1.5, −0.5), and the
// gradients of steps 1, 2, 3 are fixed (they do not depend on θ, so each rule can be followed by hand):
//   g₁ = (0.3, −0.2),  g₂ = (−0.1, 0.4),  g₃ = (0.25, 0.1)   (then repeating, for RAdam's 7 steps).
// The expected θ₁, θ₂, θ₃ below were computed in float64 from the formula in each comment (scalar
// arithmetic, one coordinate at a time); the one-step arithmetic of the first coordinate is spelled out.
const theta0 = [1.5, -0.5];
const gradients = [
  [0.3, -0.2],
  [-0.1, 0.4],
  [0.25, 0.1],
];

interface GoldenCase {
  readonly name: string;
  readonly optimizer: () => GradientTransformation<unknown>;
  readonly expected: readonly (readonly [number, number])[];
}

const cases: GoldenCase[] = [
  {
    // θ ← θ − η·g.  θ₁[0] = 1.5 − 0.1·0.3 = 1.47
    name: "sgd (η = 0.1)",
    optimizer: () => sgd({ learningRate: 0.1 }),
    expected: [
      [1.47, -0.48],
      [1.48, -0.52],
      [1.455, -0.53],
    ],
  },
  {
    // b ← μ·b + g (b₁ = g₁), θ ← θ − η·b.  θ₂[0] = 1.47 − 0.1·(0.9·0.3 − 0.1) = 1.453
    name: "sgd with momentum (η = 0.1, μ = 0.9)",
    optimizer: () => sgd({ learningRate: 0.1, momentum: 0.9 }),
    expected: [
      [1.47, -0.48],
      [1.453, -0.502],
      [1.4127, -0.5318],
    ],
  },
  {
    // b ← μ·b + g, θ ← θ − η·(g + μ·b).  θ₁[0] = 1.5 − 0.1·(0.3 + 0.9·0.3) = 1.443
    name: "sgd with nesterov (η = 0.1, μ = 0.9)",
    optimizer: () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
    expected: [
      [1443 / 1000, -0.46199999999999997],
      [1.4377, -0.5217999999999999],
      [1.37643, -0.5586199999999999],
    ],
  },
  {
    // g' = g + λθ, b ← μ·b + g', θ ← θ − η·b.  θ₁[0] = 1.5 − 0.1·(0.3 + 0.01·1.5) = 1.4685
    name: "sgd with weight decay and momentum (η = 0.1, μ = 0.5, λ = 0.01)",
    optimizer: () => sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: 0.01 }),
    expected: [
      [1.4685, -0.4795],
      [1.4612815, -0.5087705],
      [1.4312109684999998, -0.5328969795],
    ],
  },
  {
    // heavy ball = sgd with momentum
    name: "momentum (η = 0.1, μ = 0.9)",
    optimizer: () => momentum({ learningRate: 0.1, momentum: 0.9 }),
    expected: [
      [1.47, -0.48],
      [1.453, -0.502],
      [1.4127, -0.5318],
    ],
  },
  {
    name: "nesterov (η = 0.1, μ = 0.9)",
    optimizer: () => nesterov({ learningRate: 0.1, momentum: 0.9 }),
    expected: [
      [1443 / 1000, -0.46199999999999997],
      [1.4377, -0.5217999999999999],
      [1.37643, -0.5586199999999999],
    ],
  },
  {
    // s ← s + g² (s₀ = 0.1), θ ← θ − η·g/(√s + ε).  θ₁[0] = 1.5 − 0.1·0.3/√0.19 = 1.431175279854621
    name: "adagrad (η = 0.1, s₀ = 0.1, ε = 1e-10)",
    optimizer: () => adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1 }),
    expected: [
      [1.431175279854621, -0.4465477516318008],
      [1.453535959624619, -0.5195774259524897],
      [1.4047409559867161, -0.5375379561519413],
    ],
  },
  {
    // v ← ρv + (1−ρ)g², θ ← θ − η·g/(√v + ε).  θ₁[0] = 1.5 − 0.01·0.3/(√0.009 + 1e-8) = 1.4683772267316493
    name: "rmsprop (η = 0.01, ρ = 0.9, ε = 1e-8)",
    optimizer: () => rmsprop({ learningRate: 0.01, decay: 0.9 }),
    expected: [
      [1.4683772267316493, -0.4683772283983154],
      [1.4788600739999676, -0.4969486549289278],
      [1.4580556174406878, -0.5042731385838103],
    ],
  },
  {
    // m ← ρm + (1−ρ)g, d = √(v − m²) + ε, b ← μb + g/d, θ ← θ − η·b.
    // θ₁[0] = 1.5 − 0.01·0.3/(√(0.009 − 0.0009) + 1e-8) = 1.46666667037037
    name: "rmsprop centered with momentum (η = 0.01, ρ = 0.9, μ = 0.5)",
    optimizer: () => rmsprop({ learningRate: 0.01, decay: 0.9, centered: true, momentum: 0.5 }),
    expected: [
      [1.46666667037037, -0.4666666722222213],
      [1.46065338395562, -0.4789308753476939],
      [1.4355633759920987, -0.4925684282234469],
    ],
  },
  {
    // v ← ρv + (1−ρ)g², Δ = √(u + ε)/√(v + ε)·g, u ← ρu + (1−ρ)Δ², θ ← θ − η·Δ.
    // θ₁[0] = 1.5 − √1e-6/√(0.009 + 1e-6)·0.3 = 1.496837898007285
    name: "adadelta (η = 1, ρ = 0.9, ε = 1e-6)",
    optimizer: () => adadelta({ learningRate: 1, rho: 0.9 }),
    expected: [
      [1.496837898007285, -0.4968381175504387],
      [1.498320274017099, -0.5008783721793363],
      [1.4952914584770047, -0.5022548981216262],
    ],
  },
  {
    // m ← β1m + (1−β1)g, v ← β2v + (1−β2)g², θ ← θ − η·(m/(1−β1ᵗ))/(√(v/(1−β2ᵗ)) + ε).
    // θ₁[0]: m = 0.06, v = 0.009, m̂ = 0.3, v̂ = 0.09, 1.5 − 0.1·0.3/(0.3 + 0.001) = 1.4003322259136213
    name: "adam (η = 0.1, β1 = 0.8, β2 = 0.9, ε = 1e-3)",
    optimizer: () => adam({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }),
    expected: [
      [1.4003322259136213, -0.40049751243781095],
      [1.3649543541157991, -0.44188198518495797],
      [1.3009598853439666, -0.48733910552798115],
    ],
  },
  {
    // PyTorch Adam(weight_decay=λ): g' = g + λθ, then Adam on g'.  g'₁[0] = 0.3 + 0.1·1.5 = 0.45,
    // θ₁[0] = 1.5 − 0.1·0.45/(0.45 + 0.001) = 1.400221729490022
    name: "adam with coupled weight decay (λ = 0.1)",
    optimizer: () => adam({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.1 }),
    expected: [
      [1.400221729490022, -0.40039840637450197],
      [1.3290085211636544, -0.42872418503849585],
      [1.2443658781146898, -0.4588471350273397],
    ],
  },
  {
    // PyTorch AdamW: θ ← θ − η·λ·θ − η·m̂/(√v̂ + ε).  θ₁[0] = 1.5 − 0.1·0.1·1.5 − 0.1·0.3/0.301 = 1.3853322259136214
    name: "adamw (η = 0.1, λ = 0.1)",
    optimizer: () => adamw({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.1 }),
    expected: [
      [1.3853322259136214, -0.39549751243781095],
      [1.336101031856663, -0.4329270100605799],
      [1.2587455527662639, -0.47405486030299726],
    ],
  },
  {
    // PyTorch AMSGrad: v_max ← max(v_max, v), θ ← θ − η·m̂/(√(v_max/(1−β2ᵗ)) + ε). Differs from Adam
    // at step 3, coordinate 2, where v falls (v₃ = 0.9·v₂ + 0.1·0.01 < v₂).
    name: "amsgrad",
    optimizer: () => amsgrad({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }),
    expected: [
      [1.4003322259136213, -0.40049751243781095],
      [1.3649543541157991, -0.44188198518495797],
      [1.3009598853439666, -0.4862160699570398],
    ],
  },
  {
    // m ← β1m + (1−β1)g, u ← max(β2u, |g| + ε), θ ← θ − η/(1−β1ᵗ)·m/u.
    // θ₁[0] = 1.5 − 0.1/0.2·0.06/0.301 = 1.4003322259136213
    name: "adamax (η = 0.1, β1 = 0.8, β2 = 0.9, ε = 1e-3)",
    optimizer: () => adamax({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }),
    expected: [
      [1.4003322259136213, -0.40049751243781095],
      [1.3716213444895615, -0.4337477202516098],
      [1.3125135135183643, -0.46690708050307583],
    ],
  },
  {
    // μ_t = β1(1 − ½·0.96^{tψ}), d = √(v/(1−β2ᵗ)) + ε,
    // θ ← θ − η(1−μ_t)/(1−∏μ)·g/d − η·μ_{t+1}/(1−∏μ·μ_{t+1})·m/d.
    name: "nadam (η = 0.1, β1 = 0.8, β2 = 0.9, ε = 1e-3, ψ = 0.004)",
    optimizer: () => nadam({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }),
    expected: [
      [1.3908360715074788, -0.39101710621476315],
      [1.4178761324901836, -0.48605747522907133],
      [1.3359396102419185, -0.5195130232545468],
    ],
  },
  {
    // ρ∞ = 2/(1−β2) − 1 = 199, ρ_t = ρ∞ − 2tβ2ᵗ/(1−β2ᵗ): ρ_t ≤ 5 for t ≤ 5 → θ ← θ − η·m̂ (θ₁[0] = 1.5 − 0.1·0.3);
    // ρ₆ ≈ 5.94 > 5 → θ ← θ − η·m̂·r·√(1−β2ᵗ)/(√v + ε), r = √((ρ−4)(ρ−2)ρ∞/((ρ∞−4)(ρ∞−2)ρ)).
    name: "radam (η = 0.1, β1 = 0.8, β2 = 0.99, ε = 1e-3), 7 steps",
    optimizer: () => radam({ learningRate: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }),
    expected: [
      [1.47, -0.48],
      [1.462222222222222, -0.4933333333333333],
      [1.4473861566484516, -0.5053005464480874],
      [1.4274132569194544, -0.5064387578302012],
      [1.4163566172240714, -0.519137472727869],
      [1.4112365185905256, -0.5227777479259614],
      [1.4034121931841543, -0.5243255082045325],
    ],
  },
  {
    // c = β1m + (1−β1)g, θ ← θ − η·sign(c), m ← β2m + (1−β2)g.  θ₁ = θ₀ − 0.1·(1, −1)
    name: "lion (η = 0.1, β1 = 0.8, β2 = 0.9)",
    optimizer: () => lion({ learningRate: 0.1, beta1: 0.8, beta2: 0.9 }),
    expected: [
      [1.4, -0.4],
      [1.2999999999999998, -0.5],
      [1.1999999999999997, -0.6],
    ],
  },
  {
    // θ ← θ − η·(sign(c) + λθ).  θ₁[0] = 1.5 − 0.1·(1 + 0.5·1.5) = 1.325
    name: "lion with decoupled weight decay (λ = 0.5)",
    optimizer: () => lion({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, weightDecay: 0.5 }),
    expected: [
      [1.325, -0.375],
      [1.15875, -0.45625],
      [1.0008124999999999, -0.5334375],
    ],
  },
];

describe("golden values from the published update rules", () => {
  it.each(cases)("$name", ({ optimizer, expected }) => {
    const { trajectory } = run(optimizer(), { w: vector(theta0) }, expected.length, (_, step) => ({
      w: vector(gradients[step % gradients.length]!),
    }));
    for (const [step, row] of expected.entries()) expectClose(leaf(trajectory[step]!, "w"), row, 1e-13);
  });

  it("float32 parameters follow the float64 golden values to float32 precision", () => {
    const { trajectory } = run(
      adam({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }),
      { w: vector(theta0, "float32") },
      3,
      (_, step) => ({ w: vector(gradients[step]!, "float32") }),
    );
    expect(trajectory[2]!.w).toMatchObject({ dtype: "float32" });
    expectClose(leaf(trajectory[2]!, "w"), [1.3009598853439666, -0.48733910552798115], 1e-6);
  });
});
