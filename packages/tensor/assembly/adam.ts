// Adam's step, two elements at a time in float64 lanes, so every result is the JavaScript reference's bit for bit
// (src/kernels/js-elementwise.ts `adamUpdateByLoop`): the same float64 operations in the same order (IEEE
// multiply, add, divide and square root are correctly rounded in both), each result rounded once to float32 as
// it is stored. Why here: the reference loop is bound by a scalar float64 division and square root per element
// (~6.7 ns an element on the CNN's 225,578 parameters: 1.52 ms a step, new arrays included); the f64x2 lanes
// halve that count, and with the staging copies the step takes 0.79 ms (bench/webassembly-costs.bench.mjs).
//
// Addresses are bytes; `count` is even (the driver runs an odd last element in JavaScript).

/**
 * m' = β₁·m + (1 − β₁)·g and v' = β₂·v + ((1 − β₂)·g)·g into mOut and vOut, and
 * out = (m'·c₁) / (√(v'·c₂ + εroot) + ε) from the unrounded m' and v', over `count` float32 elements.
 */
export function adamUpdate(
  g: usize,
  m: usize,
  v: usize,
  mOut: usize,
  vOut: usize,
  out: usize,
  count: i32,
  beta1: f64,
  beta2: f64,
  inverseCorrection1: f64,
  inverseCorrection2: f64,
  epsilonRoot: f64,
  epsilon: f64,
): void {
  const decay1 = f64x2.splat(beta1);
  const decay2 = f64x2.splat(beta2);
  const rest1 = f64x2.splat(1 - beta1);
  const rest2 = f64x2.splat(1 - beta2);
  const correction1 = f64x2.splat(inverseCorrection1);
  const correction2 = f64x2.splat(inverseCorrection2);
  const inside = f64x2.splat(epsilonRoot);
  const outside = f64x2.splat(epsilon);
  const bytes = (<usize>count) << 2;
  for (let i: usize = 0; i < bytes; i += 8) {
    const gradient = f64x2.promote_low_f32x4(v128.load64_zero(g + i));
    const first = f64x2.add(
      f64x2.mul(decay1, f64x2.promote_low_f32x4(v128.load64_zero(m + i))),
      f64x2.mul(rest1, gradient),
    );
    const second = f64x2.add(
      f64x2.mul(decay2, f64x2.promote_low_f32x4(v128.load64_zero(v + i))),
      f64x2.mul(f64x2.mul(rest2, gradient), gradient),
    );
    v128.store64_lane(mOut + i, f32x4.demote_f64x2_zero(first), 0);
    v128.store64_lane(vOut + i, f32x4.demote_f64x2_zero(second), 0);
    const step = f64x2.div(
      f64x2.mul(first, correction1),
      f64x2.add(f64x2.sqrt(f64x2.add(f64x2.mul(second, correction2), inside)), outside),
    );
    v128.store64_lane(out + i, f32x4.demote_f64x2_zero(step), 0);
  }
}
