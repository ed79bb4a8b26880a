import { ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { cosineDecay, oneCycle, warmupCosineDecay } from "./cosine.js";
import {
  constantSchedule,
  exponentialDecay,
  linearSchedule,
  piecewiseConstantSchedule,
  polynomialDecay,
} from "./decay.js";

describe("schedules at known steps", () => {
  it("constantSchedule", () => {
    expect([0, 10, 1e6].map(constantSchedule(0.1))).toEqual([0.1, 0.1, 0.1]);
  });

  it("linearSchedule: η₀ + (η₁ − η₀)·clip((t − b)/T, 0, 1)", () => {
    const schedule = linearSchedule({ initialValue: 1, endValue: 0, transitionSteps: 4, transitionBegin: 2 });
    expect([0, 2, 3, 4, 6, 100].map(schedule)).toEqual([1, 1, 0.75, 0.5, 0, 0]);
  });

  it("polynomialDecay: (η₀ − η₁)(1 − t/T)^p + η₁", () => {
    const schedule = polynomialDecay({ initialValue: 1, endValue: 0.1, power: 2, decaySteps: 10 });
    expect(schedule(0)).toBe(1);
    expect(schedule(5)).toBeCloseTo(0.9 * 0.25 + 0.1, 15);
    expect(schedule(10)).toBe(0.1);
    expect(schedule(50)).toBe(0.1);
  });

  it("piecewiseConstantSchedule: a boundary is the first step of the next value", () => {
    const schedule = piecewiseConstantSchedule({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] });
    expect([0, 99, 100, 199, 200, 1e9].map(schedule)).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.001]);
  });

  it("exponentialDecay: η₀·r^(t/T), floored exponent with staircase, bounded by endValue", () => {
    const smooth = exponentialDecay({ initialValue: 0.1, decayRate: 0.5, transitionSteps: 10 });
    expect(smooth(0)).toBe(0.1);
    expect(smooth(20)).toBe(0.025);
    expect(smooth(15)).toBeCloseTo(0.1 * 0.5 ** 1.5, 15);
    const stairs = exponentialDecay({
      initialValue: 0.1,
      decayRate: 0.5,
      transitionSteps: 10,
      staircase: true,
    });
    expect([9, 10, 15, 19, 20].map(stairs)).toEqual([0.1, 0.05, 0.05, 0.05, 0.025]);
    const floored = exponentialDecay({ initialValue: 1, decayRate: 0.1, transitionSteps: 1, endValue: 0.01 });
    expect(floored(5)).toBe(0.01);
    const delayed = exponentialDecay({
      initialValue: 1,
      decayRate: 0.5,
      transitionSteps: 1,
      transitionBegin: 3,
    });
    expect([0, 3, 4].map(delayed)).toEqual([1, 1, 0.5]);
  });

  it("cosineDecay: η₀((1 − α)·½(1 + cos(πt/T)) + α)", () => {
    const schedule = cosineDecay({ initialValue: 2, decaySteps: 100, alpha: 0.1 });
    expect(schedule(0)).toBe(2);
    expect(schedule(50)).toBeCloseTo(2 * (0.9 * 0.5 + 0.1), 15);
    expect(schedule(100)).toBeCloseTo(0.2, 15);
    expect(schedule(1000)).toBeCloseTo(0.2, 15);
    expect(cosineDecay({ initialValue: 1, decaySteps: 4 })(1)).toBeCloseTo(0.5 * (1 + Math.SQRT1_2), 15);
  });

  it("warmupCosineDecay: linear warmup, then cosine to endValue (decaySteps includes the warmup)", () => {
    const schedule = warmupCosineDecay({
      initialValue: 0,
      peakValue: 1e-3,
      warmupSteps: 100,
      decaySteps: 1100,
      endValue: 1e-5,
    });
    expect(schedule(0)).toBe(0);
    expect(schedule(50)).toBeCloseTo(5e-4, 18);
    expect(schedule(100)).toBe(1e-3);
    expect(schedule(600)).toBeCloseTo(1e-5 + (1e-3 - 1e-5) * 0.5, 18);
    expect(schedule(1100)).toBeCloseTo(1e-5, 18);
    expect(schedule(5000)).toBeCloseTo(1e-5, 18);
  });

  it("oneCycle: PyTorch's two-phase OneCycleLR", () => {
    // max 0.1, N = 100, pct 0.3: start 0.1/25 = 0.004, peak at step 0.3·100 − 1 = 29, end 0.004/1e4 at step 99
    const schedule = oneCycle({ maxValue: 0.1, totalSteps: 100 });
    expect(schedule(0)).toBeCloseTo(0.004, 15);
    expect(schedule(29)).toBeCloseTo(0.1, 15);
    // phase 1 midpoint x = 14.5/29 = ½: 0.1 + (0.004 − 0.1)/2·(cos(π/2) + 1)
    expect(schedule(14.5)).toBeCloseTo(0.1 + (-0.096 / 2) * (Math.cos(Math.PI / 2) + 1), 15);
    expect(schedule(64)).toBeCloseTo(4e-7 + ((0.1 - 4e-7) / 2) * (Math.cos(Math.PI * 0.5) + 1), 15);
    expect(schedule(99)).toBeCloseTo(4e-7, 18);
    expect(schedule(500)).toBeCloseTo(4e-7, 18);
    const linear = oneCycle({
      maxValue: 1,
      totalSteps: 11,
      warmupFraction: 0.5,
      initialDivisor: 10,
      finalDivisor: 1,
      annealStrategy: "linear",
    });
    // peak at step 4.5; phase 1 from 0.1 to 1, phase 2 from 1 to 0.1 over 4.5..10
    expect(linear(0)).toBeCloseTo(0.1, 15);
    expect(linear(2.25)).toBeCloseTo(0.55, 15);
    expect(linear(10)).toBeCloseTo(0.1, 15);
  });

  it("rejects bad options, naming them", () => {
    expect(() => exponentialDecay({ initialValue: 1, decayRate: 0, transitionSteps: 1 })).toThrow(
      new ValueError("exponentialDecay", "decayRate = 0 is outside (0, ∞): pass a finite number > 0"),
    );
    expect(() => cosineDecay({ initialValue: 1, decaySteps: 0 })).toThrow(
      /decaySteps = 0 is outside the integers ≥ 1/,
    );
    expect(() => cosineDecay({ initialValue: 1, decaySteps: 10, alpha: 2 })).toThrow(
      /alpha = 2 is outside \[0, 1\]/,
    );
    expect(() => piecewiseConstantSchedule({ boundaries: [10], values: [1] })).toThrow(
      /1 boundaries need 2 values, got 1/,
    );
    expect(() => piecewiseConstantSchedule({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow(
      /boundaries must increase/,
    );
    expect(() => oneCycle({ maxValue: 1, totalSteps: 10, warmupFraction: 0.1 })).toThrow(
      /puts the peak at step 0/,
    );
    expect(() => warmupCosineDecay({ peakValue: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(
      /decaySteps = 10 is outside the integers ≥ 11/,
    );
    expect(() => linearSchedule({ initialValue: 1, endValue: 0, transitionSteps: 0 })).toThrow(
      /transitionSteps = 0/,
    );
  });
});

describe("schedule aliases named as in the articles", () => {
  it("constant, piecewiseConstant and linear are the …Schedule functions", async () => {
    const index = await import("../index.js");
    expect(index.constant).toBe(index.constantSchedule);
    expect(index.piecewiseConstant).toBe(index.piecewiseConstantSchedule);
    expect(index.linear).toBe(index.linearSchedule);
    expect(index.constant(0.1)(1000)).toBe(0.1);
    expect(index.piecewiseConstant({ boundaries: [100], values: [0.1, 0.01] })(150)).toBe(0.01);
    expect(index.linear({ initialValue: 0, endValue: 1e-3, transitionSteps: 100 })(50)).toBeCloseTo(5e-4, 15);
  });
});
