using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Row-major single-precision C (+)= A·B for the small products of one time step (a few dozen
/// rows, inner dimension 64 to 192). At this size a BLAS call spends more time dispatching and
/// waking threads than multiplying, so the time loop uses this register-blocked kernel instead.
/// </summary>
internal static unsafe class SmallGemm
{
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

    // Four rows by 24 columns keeps 12 accumulators in registers: enough independent FMAs to hide
    // their latency, few enough to leave registers for the B rows and the broadcast A value.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(float* a, int rowStride, int columnStride, float* b, int ldb, float* c, int ldc, int n, int k, bool accumulate)
    {
        float* a0 = a, a1 = a + rowStride, a2 = a + 2 * rowStride, a3 = a + 3 * rowStride;
        float* c0 = c, c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc;
        int j = 0;
        // A narrow width that 16 divides but 24 does not (64 hidden units) runs faster on the 16-column
        // tile alone than on two 24-column tiles and a 16-column rest.
        int wide = n < 128 && n % 24 != 0 && n % 16 == 0 ? 0 : n;
        for (; j + 24 <= wide; j += 24)
        {
            Vector256<float> s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32;
            if (accumulate)
            {
                s00 = Vector256.Load(c0 + j); s01 = Vector256.Load(c0 + j + 8); s02 = Vector256.Load(c0 + j + 16);
                s10 = Vector256.Load(c1 + j); s11 = Vector256.Load(c1 + j + 8); s12 = Vector256.Load(c1 + j + 16);
                s20 = Vector256.Load(c2 + j); s21 = Vector256.Load(c2 + j + 8); s22 = Vector256.Load(c2 + j + 16);
                s30 = Vector256.Load(c3 + j); s31 = Vector256.Load(c3 + j + 8); s32 = Vector256.Load(c3 + j + 16);
            }
            else
            {
                s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = s30 = s31 = s32 = Vector256<float>.Zero;
            }
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + 8);
                var b2 = Vector256.Load(bp + 16);
                var x = Vector256.Create(a0[ap]);
                s00 = Vector256.FusedMultiplyAdd(x, b0, s00); s01 = Vector256.FusedMultiplyAdd(x, b1, s01); s02 = Vector256.FusedMultiplyAdd(x, b2, s02);
                x = Vector256.Create(a1[ap]);
                s10 = Vector256.FusedMultiplyAdd(x, b0, s10); s11 = Vector256.FusedMultiplyAdd(x, b1, s11); s12 = Vector256.FusedMultiplyAdd(x, b2, s12);
                x = Vector256.Create(a2[ap]);
                s20 = Vector256.FusedMultiplyAdd(x, b0, s20); s21 = Vector256.FusedMultiplyAdd(x, b1, s21); s22 = Vector256.FusedMultiplyAdd(x, b2, s22);
                x = Vector256.Create(a3[ap]);
                s30 = Vector256.FusedMultiplyAdd(x, b0, s30); s31 = Vector256.FusedMultiplyAdd(x, b1, s31); s32 = Vector256.FusedMultiplyAdd(x, b2, s32);
            }
            s00.Store(c0 + j); s01.Store(c0 + j + 8); s02.Store(c0 + j + 16);
            s10.Store(c1 + j); s11.Store(c1 + j + 8); s12.Store(c1 + j + 16);
            s20.Store(c2 + j); s21.Store(c2 + j + 8); s22.Store(c2 + j + 16);
            s30.Store(c3 + j); s31.Store(c3 + j + 8); s32.Store(c3 + j + 16);
        }
        for (; j + 16 <= n; j += 16)
        {
            Vector256<float> s00, s01, s10, s11, s20, s21, s30, s31;
            if (accumulate)
            {
                s00 = Vector256.Load(c0 + j); s01 = Vector256.Load(c0 + j + 8);
                s10 = Vector256.Load(c1 + j); s11 = Vector256.Load(c1 + j + 8);
                s20 = Vector256.Load(c2 + j); s21 = Vector256.Load(c2 + j + 8);
                s30 = Vector256.Load(c3 + j); s31 = Vector256.Load(c3 + j + 8);
            }
            else
            {
                s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = Vector256<float>.Zero;
            }
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + 8);
                var x = Vector256.Create(a0[ap]);
                s00 = Vector256.FusedMultiplyAdd(x, b0, s00); s01 = Vector256.FusedMultiplyAdd(x, b1, s01);
                x = Vector256.Create(a1[ap]);
                s10 = Vector256.FusedMultiplyAdd(x, b0, s10); s11 = Vector256.FusedMultiplyAdd(x, b1, s11);
                x = Vector256.Create(a2[ap]);
                s20 = Vector256.FusedMultiplyAdd(x, b0, s20); s21 = Vector256.FusedMultiplyAdd(x, b1, s21);
                x = Vector256.Create(a3[ap]);
                s30 = Vector256.FusedMultiplyAdd(x, b0, s30); s31 = Vector256.FusedMultiplyAdd(x, b1, s31);
            }
            s00.Store(c0 + j); s01.Store(c0 + j + 8);
            s10.Store(c1 + j); s11.Store(c1 + j + 8);
            s20.Store(c2 + j); s21.Store(c2 + j + 8);
            s30.Store(c3 + j); s31.Store(c3 + j + 8);
        }
        for (; j + 8 <= n; j += 8)
        {
            Vector256<float> s0, s1, s2, s3;
            if (accumulate)
            {
                s0 = Vector256.Load(c0 + j); s1 = Vector256.Load(c1 + j); s2 = Vector256.Load(c2 + j); s3 = Vector256.Load(c3 + j);
            }
            else
            {
                s0 = s1 = s2 = s3 = Vector256<float>.Zero;
            }
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
            {
                var b0 = Vector256.Load(bp);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[ap]), b0, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[ap]), b0, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[ap]), b0, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[ap]), b0, s3);
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
        for (; j + 8 <= n; j += 8)
        {
            var s = accumulate ? Vector256.Load(c + j) : Vector256<float>.Zero;
            float* bp = b + j;
            for (long p = 0, ap = 0; p < k; p++, bp += ldb, ap += columnStride)
                s = Vector256.FusedMultiplyAdd(Vector256.Create(a[ap]), Vector256.Load(bp), s);
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
