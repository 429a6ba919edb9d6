using System.Runtime.CompilerServices;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// e^x, σ(x) = 1/(1 + e^−x) and tanh(x) in single precision on any lane, for the cells' forward maths: the
/// algorithms of the Cephes Math Library's expf.c and tanhf.c (S. L. Moshier), with a fused multiply-add in each
/// polynomial step. Float arithmetic only, so a 512-bit instruction works on sixteen of them, where
/// <c>TensorPrimitives</c>' exp, which widens to double for accuracy, works on eight.
/// <para>
/// Error bounds, in units in the last place of the exact value, asserted by <c>ActivationTests</c> against double
/// precision over a sweep of the whole float range and every float around each branch point (the test prints the
/// largest error it met): <see cref="Exp{TLane}"/> 1.5 ulp on [<see cref="ExpFloor"/>, <see cref="ExpCeiling"/>],
/// <see cref="Sigmoid{TLane}"/> 3 ulp where σ(x) is a normal float (its largest errors are at large negative x, where
/// e^−x's error passes to 1/(1 + e^−x)), and <see cref="Tanh{TLane}"/> 2 ulp (largest at the branch point).
/// Special values are exact: σ(+∞) = 1, σ(−∞) = 0, tanh(±∞) = ±1, tanh(±0) = ±0, and a NaN gives a NaN.
/// Below x = <see cref="ExpFloor"/>, where σ(x) is under 2⁻¹²⁶ (the smallest normal float), σ returns 0; for |x| above
/// 9.1, tanh returns ±1 with the sign of x (the float nearest tanh(x) from about 9.01 on).
/// </para>
/// <para>
/// Each result is the same IEEE operations in the same order on every lane (scalar, <see cref="System.Numerics.Vector{T}"/>,
/// 512-bit), so it is the same bits whichever lane or machine computes it; only a NaN's payload and sign may differ
/// between processors.
/// </para>
/// </summary>
internal static class Activations
{
    /// <summary>ln 2⁻¹²⁶ rounded up: the least x whose e^x <see cref="Exp{TLane}"/> takes (a normal float).</summary>
    public const float ExpFloor = -87.33654f;

    /// <summary>The greatest x <see cref="Exp{TLane}"/> takes: x·log₂e stays below 127.5, so 2ⁿ is a normal float.</summary>
    public const float ExpCeiling = 88.3f;

    private const float Log2E = 1.44269504088896341f;
    // ln 2 split so that n·Ln2High is exact for |n| ≤ 2⁹ (Cephes' C1 and C2).
    private const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    // Adding 1.5·2²³ rounds a float below 2²² to the nearest integer, left in the low bits of the significand.
    private const float RoundingShift = 12582912f;

    // Beyond this, tanh(x) rounds to ±1 in single precision, and e^2x would overflow further on.
    private const float TanhSaturation = 9.1f;
    // Below it tanh uses its odd polynomial, above it the exponential form (Cephes' tanhf switch point).
    private const float TanhPolynomialLimit = 0.625f;

    /// <summary>
    /// e^x for x in [<see cref="ExpFloor"/>, <see cref="ExpCeiling"/>] or NaN (NaN in, NaN out); outside that range the
    /// result is meaningless, so callers clamp x or discard the result. x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ln2/2, then
    /// e^x = 2ⁿ·(1 + r + r²·P(r)) with Cephes' degree-5 P.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Exp<TLane>(TLane x, TLane one) where TLane : struct, ILane<TLane>
    {
        var shifted = TLane.FusedMultiplyAdd(x, TLane.Create(Log2E), TLane.Create(RoundingShift));
        var n = shifted - TLane.Create(RoundingShift);
        var r = TLane.FusedMultiplyAdd(n, TLane.Create(-Ln2High), x);
        r = TLane.FusedMultiplyAdd(n, TLane.Create(-Ln2Low), r);
        var p = TLane.FusedMultiplyAdd(TLane.Create(1.9875691500e-4f), r, TLane.Create(1.3981999507e-3f));
        p = TLane.FusedMultiplyAdd(p, r, TLane.Create(8.3334519073e-3f));
        p = TLane.FusedMultiplyAdd(p, r, TLane.Create(4.1665795894e-2f));
        p = TLane.FusedMultiplyAdd(p, r, TLane.Create(1.6666665459e-1f));
        p = TLane.FusedMultiplyAdd(p, r, TLane.Create(5.0000001201e-1f));
        var y = TLane.FusedMultiplyAdd(p, r * r, r) + one;
        return y * TLane.PowerOfTwo(shifted);
    }

    /// <summary>σ(x) = 1/(1 + e^−x) for every float x; 0 below x = <see cref="ExpFloor"/> (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Sigmoid<TLane>(TLane x, TLane one) where TLane : struct, ILane<TLane>
    {
        var floor = TLane.Create(ExpFloor);
        var u = TLane.Zero - x;
        // For x above −ExpFloor, e^−x is below 2⁻¹²⁶ and 1 + e^−x rounds to 1 anyway.
        u = TLane.ConditionalSelect(TLane.LessThan(u, floor), floor, u);
        var s = one / (one + Exp(u, one));
        return TLane.ConditionalSelect(TLane.LessThan(x, floor), TLane.Zero, s);
    }

    /// <summary>
    /// tanh(x) for every float x: x + x·z·Q(z) with z = x² and Cephes' degree-4 Q for |x| &lt; 0.625, else
    /// ±(1 − 2/(e^2|x| + 1)) with the sign of x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Tanh<TLane>(TLane x, TLane one) where TLane : struct, ILane<TLane>
    {
        var a = TLane.Abs(x);
        var saturation = TLane.Create(TanhSaturation);
        var clipped = TLane.ConditionalSelect(TLane.GreaterThan(a, saturation), saturation, a);
        var large = one - TLane.Create(2f) / (Exp(clipped + clipped, one) + one);

        var z = x * x;
        var q = TLane.FusedMultiplyAdd(TLane.Create(-5.70498872745e-3f), z, TLane.Create(2.06390887954e-2f));
        q = TLane.FusedMultiplyAdd(q, z, TLane.Create(-5.37397155531e-2f));
        q = TLane.FusedMultiplyAdd(q, z, TLane.Create(1.33314422036e-1f));
        q = TLane.FusedMultiplyAdd(q, z, TLane.Create(-3.33332819422e-1f));
        var small = TLane.FusedMultiplyAdd(q * z, x, x);

        // The sign is copied onto both branches: the polynomial's x + x·z·Q(z) gives +0 for −0.
        return TLane.CopySign(TLane.ConditionalSelect(TLane.LessThan(a, TLane.Create(TanhPolynomialLimit)), small, large), x);
    }
}
