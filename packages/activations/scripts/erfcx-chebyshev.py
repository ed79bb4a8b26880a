"""Generates the Chebyshev coefficients of erfcx(x) = exp(x²)·erfc(x) on [X0, ∞) used by src/math/erf.ts.

Run: python3 scripts/erfcx-chebyshev.py  (needs numpy and mpmath). The map t = (x − K)/(x + K) sends
[X0, ∞) to [T0, 1); a second, linear map sends that to [−1, 1]. erfcx is analytic in t there
(erfcx(x) ~ 1/(x√π) as x → ∞ and 1/x = (1 − t)/(K(1 + t))), so the coefficients fall fast.
"""
import mpmath
import numpy as np

mpmath.mp.dps = 40
X0, K, DEGREE = 0.75, 3.0, 40
T0 = (X0 - K) / (X0 + K)


def erfcx_of_u(u):  # u in [-1, 1]
    t = mpmath.mpf(T0) + (mpmath.mpf(1) - mpmath.mpf(T0)) * (u + 1) / 2
    if t == 1:
        return mpmath.mpf(0)
    x = K * (1 + t) / (1 - t)
    return mpmath.exp(x * x) * mpmath.erfc(x)


n = 400
nodes = [mpmath.cos(mpmath.pi * (k + mpmath.mpf(1) / 2) / n) for k in range(n)]
values = [erfcx_of_u(u) for u in nodes]
coefficients = []
for j in range(DEGREE):
    s = sum(values[k] * mpmath.cos(mpmath.pi * j * (k + mpmath.mpf(1) / 2) / n) for k in range(n))
    coefficients.append(s * 2 / n)
coefficients[0] /= 2
keep = [float(c) for c in coefficients]
while abs(keep[-1]) < 1e-18:
    keep.pop()
print(f"// X0 = {X0}, K = {K}, T0 = {T0!r}, {len(keep)} coefficients")
for c in keep:
    print(f"  {c!r},")
