using System.Runtime.CompilerServices;
using System.Numerics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Row-major single-precision C (+)= A·B for the small products of one time step (a few dozen
/// rows, inner dimension up to a few hundred). At this size a BLAS call spends more time dispatching and
/// waking threads than multiplying, so the time loop uses this register-blocked kernel instead.
/// </summary>
internal static unsafe class SmallGemm
{
    private static int W => Vector<float>.Count;

    /// <summary>C[m×n] = A[m×k]·B[k×n], or C += A·B when <paramref name="accumulate"/>; ld* are row strides.</summary>
    public static void Multiply(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate) =>
        Multiply(a, lda, 1, b, ldb, c, ldc, m, n, k, accumulate);

    /// <summary>C[m×n] (+)= Aᵀ·B where A is stored [k×m] with row stride <paramref name="lda"/>: the weight-gradient product.</summary>
    public static void MultiplyTransposedA(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate) =>
        Multiply(a, 1, lda, b, ldb, c, ldc, m, n, k, accumulate);

    // Element (i, p) of the left operand is a[i * rowStride + p * columnStride].
    private static void Multiply(float* a, int rowStride, int columnStride, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
            FourRows(a + (long)i * rowStride, rowStride, columnStride, b, ldb, c + (long)i * ldc, ldc, n, k, accumulate);
        for (; i < m; i++)
            OneRow(a + (long)i * rowStride, columnStride, b, ldb, c + (long)i * ldc, n, k, accumulate);
    }

    // Four rows by three vectors (24 columns with AVX2) keeps 12 accumulators in registers: enough
    // independent FMAs to hide their latency, few enough to leave registers for B and the broadcast A.
    // Vector<float> is 8 lanes with AVX2 and 4 with Arm's NEON, so the same code is fast on both.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(float* a, int rowStride, int columnStride, float* b, int ldb, float* c, int ldc, int n, int k, bool accumulate)
    {
        float* a0 = a, a1 = a + rowStride, a2 = a + 2 * rowStride, a3 = a + 3 * rowStride;
        float* c0 = c, c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc;
        int j = 0;
        // A narrow width that two vectors divide but three do not (64 hidden units with AVX2) runs faster
        // on the two-vector tile alone than on three-vector tiles and a rest.
        int wide = n < 16 * W && n % (3 * W) != 0 && n % (2 * W) == 0 ? 0 : n;
        for (; j + 3 * W <= wide; j += 3 * W)
        {
            Vector<float> s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32;
            if (accumulate)
            {
                s00 = Vector.Load(c0 + j); s01 = Vector.Load(c0 + j + W); s02 = Vector.Load(c0 + j + 2 * W);
                s10 = Vector.Load(c1 + j); s11 = Vector.Load(c1 + j + W); s12 = Vector.Load(c1 + j + 2 * W);
                s20 = Vector.Load(c2 + j); s21 = Vector.Load(c2 + j + W); s22 = Vector.Load(c2 + j + 2 * W);
                s30 = Vector.Load(c3 + j); s31 = Vector.Load(c3 + j + W); s32 = Vector.Load(c3 + j + 2 * W);
            }
            else
            {
                s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = s30 = s31 = s32 = Vector<float>.Zero;
            }
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
            {
                var b0 = Vector.Load(bp);
                var b1 = Vector.Load(bp + W);
                var b2 = Vector.Load(bp + 2 * W);
                var x = Vector.Create(a0[ap]);
                s00 = Vector.FusedMultiplyAdd(x, b0, s00); s01 = Vector.FusedMultiplyAdd(x, b1, s01); s02 = Vector.FusedMultiplyAdd(x, b2, s02);
                x = Vector.Create(a1[ap]);
                s10 = Vector.FusedMultiplyAdd(x, b0, s10); s11 = Vector.FusedMultiplyAdd(x, b1, s11); s12 = Vector.FusedMultiplyAdd(x, b2, s12);
                x = Vector.Create(a2[ap]);
                s20 = Vector.FusedMultiplyAdd(x, b0, s20); s21 = Vector.FusedMultiplyAdd(x, b1, s21); s22 = Vector.FusedMultiplyAdd(x, b2, s22);
                x = Vector.Create(a3[ap]);
                s30 = Vector.FusedMultiplyAdd(x, b0, s30); s31 = Vector.FusedMultiplyAdd(x, b1, s31); s32 = Vector.FusedMultiplyAdd(x, b2, s32);
            }
            s00.Store(c0 + j); s01.Store(c0 + j + W); s02.Store(c0 + j + 2 * W);
            s10.Store(c1 + j); s11.Store(c1 + j + W); s12.Store(c1 + j + 2 * W);
            s20.Store(c2 + j); s21.Store(c2 + j + W); s22.Store(c2 + j + 2 * W);
            s30.Store(c3 + j); s31.Store(c3 + j + W); s32.Store(c3 + j + 2 * W);
        }
        for (; j + 2 * W <= n; j += 2 * W)
        {
            Vector<float> s00, s01, s10, s11, s20, s21, s30, s31;
            if (accumulate)
            {
                s00 = Vector.Load(c0 + j); s01 = Vector.Load(c0 + j + W);
                s10 = Vector.Load(c1 + j); s11 = Vector.Load(c1 + j + W);
                s20 = Vector.Load(c2 + j); s21 = Vector.Load(c2 + j + W);
                s30 = Vector.Load(c3 + j); s31 = Vector.Load(c3 + j + W);
            }
            else
            {
                s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = Vector<float>.Zero;
            }
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
            {
                var b0 = Vector.Load(bp);
                var b1 = Vector.Load(bp + W);
                var x = Vector.Create(a0[ap]);
                s00 = Vector.FusedMultiplyAdd(x, b0, s00); s01 = Vector.FusedMultiplyAdd(x, b1, s01);
                x = Vector.Create(a1[ap]);
                s10 = Vector.FusedMultiplyAdd(x, b0, s10); s11 = Vector.FusedMultiplyAdd(x, b1, s11);
                x = Vector.Create(a2[ap]);
                s20 = Vector.FusedMultiplyAdd(x, b0, s20); s21 = Vector.FusedMultiplyAdd(x, b1, s21);
                x = Vector.Create(a3[ap]);
                s30 = Vector.FusedMultiplyAdd(x, b0, s30); s31 = Vector.FusedMultiplyAdd(x, b1, s31);
            }
            s00.Store(c0 + j); s01.Store(c0 + j + W);
            s10.Store(c1 + j); s11.Store(c1 + j + W);
            s20.Store(c2 + j); s21.Store(c2 + j + W);
            s30.Store(c3 + j); s31.Store(c3 + j + W);
        }
        for (; j + W <= n; j += W)
        {
            Vector<float> s0, s1, s2, s3;
            if (accumulate)
            {
                s0 = Vector.Load(c0 + j); s1 = Vector.Load(c1 + j); s2 = Vector.Load(c2 + j); s3 = Vector.Load(c3 + j);
            }
            else
            {
                s0 = s1 = s2 = s3 = Vector<float>.Zero;
            }
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
            {
                var b0 = Vector.Load(bp);
                s0 = Vector.FusedMultiplyAdd(Vector.Create(a0[ap]), b0, s0);
                s1 = Vector.FusedMultiplyAdd(Vector.Create(a1[ap]), b0, s1);
                s2 = Vector.FusedMultiplyAdd(Vector.Create(a2[ap]), b0, s2);
                s3 = Vector.FusedMultiplyAdd(Vector.Create(a3[ap]), b0, s3);
            }
            s0.Store(c0 + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
        }
        for (; j < n; j++)
        {
            c0[j] = Dot(a0, columnStride, b + j, ldb, k, accumulate ? c0[j] : 0f);
            c1[j] = Dot(a1, columnStride, b + j, ldb, k, accumulate ? c1[j] : 0f);
            c2[j] = Dot(a2, columnStride, b + j, ldb, k, accumulate ? c2[j] : 0f);
            c3[j] = Dot(a3, columnStride, b + j, ldb, k, accumulate ? c3[j] : 0f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(float* a, int columnStride, float* b, int ldb, float* c, int n, int k, bool accumulate)
    {
        int j = 0;
        for (; j + W <= n; j += W)
        {
            var s = accumulate ? Vector.Load(c + j) : Vector<float>.Zero;
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
                s = Vector.FusedMultiplyAdd(Vector.Create(a[ap]), Vector.Load(bp), s);
            s.Store(c + j);
        }
        for (; j < n; j++)
            c[j] = Dot(a, columnStride, b + j, ldb, k, accumulate ? c[j] : 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* a, int columnStride, float* bColumn, int ldb, int k, float sum)
    {
        for (long p = 0; p < k; p++)
            sum = MathF.FusedMultiplyAdd(a[p * columnStride], bColumn[p * ldb], sum);
        return sum;
    }
}
