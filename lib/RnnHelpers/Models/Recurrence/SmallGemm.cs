using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Row-major single-precision C (+)= A·B for the small products of one time step (a few dozen
/// rows, inner dimension up to a few hundred). At this size a BLAS call spends more time dispatching and
/// waking threads than multiplying, so the time loop uses this register-blocked kernel instead.
/// Every element of C is one chain of fused multiply-adds over the inner index in increasing order, started
/// from zero, from C, or from a bias row; tiling, loop order and vector width never change that chain, so
/// the result is the same bit for bit whatever the shape (the tests compare it with a sequential reference).
/// Runs on the widest fast vector lane (<see cref="Lanes.Wide"/>).
/// </summary>
internal static unsafe class SmallGemm
{
    /// <summary>C[m×n] = A[m×k]·B[k×n], or C += A·B when <paramref name="accumulate"/>; ld* are row strides.</summary>
    public static void Multiply(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate)
    {
        if (Lanes.Wide)
            SmallGemm<Vector512Lane>.Multiply(a, lda, b, ldb, c, ldc, m, n, k, accumulate);
        else
            SmallGemm<VectorLane>.Multiply(a, lda, b, ldb, c, ldc, m, n, k, accumulate);
    }

    /// <summary>C[m×n] = bias + A[m×k]·B[k×n] with the bias row [n] added to every row first (as if C held it and accumulated).</summary>
    public static void MultiplyAddRow(float* a, int lda, float* b, int ldb, float* bias, float* c, int ldc, int m, int n, int k)
    {
        if (Lanes.Wide)
            SmallGemm<Vector512Lane>.MultiplyAddRow(a, lda, b, ldb, bias, c, ldc, m, n, k);
        else
            SmallGemm<VectorLane>.MultiplyAddRow(a, lda, b, ldb, bias, c, ldc, m, n, k);
    }

    /// <summary>C[m×n] (+)= Aᵀ·B where A is stored [k×m] with row stride <paramref name="lda"/>: the weight-gradient product.</summary>
    public static void MultiplyTransposedA(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate)
    {
        if (Lanes.Wide)
            SmallGemm<Vector512Lane>.MultiplyTransposedA(a, lda, b, ldb, c, ldc, m, n, k, accumulate);
        else
            SmallGemm<VectorLane>.MultiplyTransposedA(a, lda, b, ldb, c, ldc, m, n, k, accumulate);
    }

    /// <summary>C[m×n] += Σ_s A_sᵀ·B_s: see <see cref="SmallGemm{TLane}.MultiplyTransposedASegments"/>.</summary>
    public static void MultiplyTransposedASegments(float* a, int lda, long aSegment, float* b, int ldb, long bSegment, int segments,
        float* c, int ldc, int m, int n, int k)
    {
        if (Lanes.Wide)
            SmallGemm<Vector512Lane>.MultiplyTransposedASegments(a, lda, aSegment, b, ldb, bSegment, segments, c, ldc, m, n, k);
        else
            SmallGemm<VectorLane>.MultiplyTransposedASegments(a, lda, aSegment, b, ldb, bSegment, segments, c, ldc, m, n, k);
    }
}

/// <summary>
/// <see cref="SmallGemm"/> on one vector lane type: <see cref="VectorLane"/> (<see cref="Vector{T}"/>) or
/// <see cref="Vector512Lane"/>. The JIT compiles it once per lane, with no calls left in the inner loops. The tests run
/// both to check that the width never changes a bit.
/// </summary>
internal static unsafe class SmallGemm<TLane> where TLane : struct, ILane<TLane>
{
    private static int W => TLane.Count;

    /// <summary>C[m×n] = A[m×k]·B[k×n], or C += A·B when <paramref name="accumulate"/>; ld* are row strides.</summary>
    public static void Multiply(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate) =>
        Run(new Product(a, lda, 1, 0, b, ldb, 0, 1, k, c, ldc, null, accumulate), m, n);

    /// <summary>C[m×n] = bias + A[m×k]·B[k×n] with the bias row [n] added to every row first (as if C held it and accumulated).</summary>
    public static void MultiplyAddRow(float* a, int lda, float* b, int ldb, float* bias, float* c, int ldc, int m, int n, int k) =>
        Run(new Product(a, lda, 1, 0, b, ldb, 0, 1, k, c, ldc, bias, false), m, n);

    /// <summary>C[m×n] (+)= Aᵀ·B where A is stored [k×m] with row stride <paramref name="lda"/>: the weight-gradient product.</summary>
    public static void MultiplyTransposedA(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool accumulate) =>
        Run(new Product(a, 1, lda, 0, b, ldb, 0, 1, k, c, ldc, null, accumulate), m, n);

    /// <summary>
    /// C[m×n] += Σ_s A_sᵀ·B_s over <paramref name="segments"/> pairs, A_s = a + s·<paramref name="aSegment"/> stored [k×m]
    /// with row stride <paramref name="lda"/> and B_s = b + s·<paramref name="bSegment"/> [k×n]: the weight gradient of a whole
    /// sequence in one pass, with C in registers throughout. Segment s's inner products come after those of s − 1, so the
    /// result equals <paramref name="segments"/> calls of <see cref="MultiplyTransposedA"/> in the same order, bit for bit.
    /// </summary>
    public static void MultiplyTransposedASegments(float* a, int lda, long aSegment, float* b, int ldb, long bSegment, int segments,
        float* c, int ldc, int m, int n, int k)
    {
        // A few segments at a time, so that a panel of B (their k rows each, four vectors wide) stays in the first-level
        // cache while every four-row tile of C passes over it; all segments at once, the panel streamed from the second
        // level once per tile. (With rows a multiple of 1 KB apart the panel would not stay even so: see
        // RecurrenceShape.RowStride.) C is stored and reloaded between groups, which leaves each element's chain,
        // and so its bits, as they were.
        int group = Math.Max(1, SegmentPanelBytes / Math.Max(1, k * 4 * W * sizeof(float)));
        for (int s = 0; s < segments; s += group)
            Run(new Product(a + s * aSegment, 1, lda, aSegment, b + s * bSegment, ldb, bSegment, Math.Min(group, segments - s), k, c, ldc, null, true), m, n);
    }

    // A third of a 48 KB first-level cache: room beside the tile's A values and the rest of the step's data.
    private const int SegmentPanelBytes = 16 * 1024;

    /// <summary>
    /// The operands of one product. Element (i, q) of the left operand's segment s is
    /// A[s·ASegment + i·RowStride + q·ColumnStride]; row q of the right operand's segment s starts at B + s·BSegment + q·Ldb.
    /// </summary>
    private readonly struct Product(float* a, int rowStride, int columnStride, long aSegment, float* b, int ldb, long bSegment,
        int segments, int k, float* c, int ldc, float* bias, bool accumulate)
    {
        public readonly float* A = a, B = b, C = c, Bias = bias;
        public readonly int RowStride = rowStride, ColumnStride = columnStride, Ldb = ldb, Ldc = ldc, Segments = segments, K = k;
        public readonly long ASegment = aSegment, BSegment = bSegment;
        public readonly bool Accumulate = accumulate;

        /// <summary>The same product from row <paramref name="i"/> of A and C on.</summary>
        public Product Rows(int i) => new(A + (long)i * RowStride, RowStride, ColumnStride, ASegment, B, Ldb, BSegment, Segments, K,
            C + (long)i * Ldc, Ldc, Bias, Accumulate);

        /// <summary>The chain's starting value for the vector of C at <paramref name="c"/> + <paramref name="j"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TLane Start(float* c, int j) =>
            Bias != null ? TLane.Load(Bias + j) : Accumulate ? TLane.Load(c + j) : TLane.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Start(float* c, int j, bool scalar) => Bias != null ? Bias[j] : Accumulate ? c[j] : 0f;
    }

    // Rows in bands of RowBand, column panels inside: a panel of B (k × up to four vectors) and the band's rows of A
    // stay in the first-level cache while every block of four rows passes over the panel, instead of all of B streaming
    // through once per block of rows (evaluation runs a thousand rows a block).
    private const int RowBand = 32;

    private static void Run(in Product p, int m, int n)
    {
        for (int band = 0; band < m; band += RowBand)
        {
            var rows = p.Rows(band);
            Panels(rows, Math.Min(RowBand, m - band), n);
        }
    }

    private static void Panels(in Product p, int m, int n)
    {
        int j = 0;
        // With 32 vector registers (AVX-512) a four-vector tile fits: 16 accumulators, 4 of B, 1 broadcast.
        if (Avx512F.IsSupported)
            for (; j + 4 * W <= n; j += 4 * W)
                Panel(p, m, j, 4);
        // Without it, a narrow width that two vectors divide but three do not (64 columns with AVX2: the SimpleRNN's
        // gates, or dL/dh of 64 hidden units) runs faster on the two-vector tile alone than on three-vector tiles and a rest.
        int threeVectorEnd = n < 16 * W && n % (3 * W) != 0 && n % (2 * W) == 0 ? 0 : n;
        for (; j + 3 * W <= threeVectorEnd; j += 3 * W)
            Panel(p, m, j, 3);
        for (; j + 2 * W <= n; j += 2 * W)
            Panel(p, m, j, 2);
        for (; j + W <= n; j += W)
            Panel(p, m, j, 1);
        for (; j < n; j++)
            for (int i = 0; i < m; i++)
                Dot(p, i, j);
    }

    /// <summary>The columns [j, j + vectors·W) of every row: four rows at a time, then the rows left one by one.</summary>
    private static void Panel(in Product p, int m, int j, int vectors)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            if (vectors == 4)
                FourByFour(p, i, j);
            else if (vectors == 3)
                FourByThree(p, i, j);
            else if (vectors == 2)
                FourByTwo(p, i, j);
            else
                FourByOne(p, i, j);
        }
        for (; i < m; i++)
            OneRow(p, i, j, vectors);
    }

    // Four rows by four vectors (64 columns with AVX-512) keeps 16 accumulators in registers, which only AVX-512's 32
    // vector registers leave room for beside B's four vectors and the broadcast A.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByFour(in Product p, int i, int j)
    {
        int w = W, ldb = p.Ldb, k = p.K, cs = p.ColumnStride;
        long rs = p.RowStride;
        float* c0 = p.C + (long)i * p.Ldc, c1 = c0 + p.Ldc, c2 = c1 + p.Ldc, c3 = c2 + p.Ldc;
        TLane s00 = p.Start(c0, j), s01 = p.Start(c0, j + w), s02 = p.Start(c0, j + 2 * w), s03 = p.Start(c0, j + 3 * w);
        TLane s10 = p.Start(c1, j), s11 = p.Start(c1, j + w), s12 = p.Start(c1, j + 2 * w), s13 = p.Start(c1, j + 3 * w);
        TLane s20 = p.Start(c2, j), s21 = p.Start(c2, j + w), s22 = p.Start(c2, j + 2 * w), s23 = p.Start(c2, j + 3 * w);
        TLane s30 = p.Start(c3, j), s31 = p.Start(c3, j + w), s32 = p.Start(c3, j + 2 * w), s33 = p.Start(c3, j + 3 * w);
        for (int s = 0; s < p.Segments; s++)
        {
            float* a0 = p.A + s * p.ASegment + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
            float* bp = p.B + s * p.BSegment + j;
            for (long q = 0, ap = 0; q < k; q++, bp += ldb, ap += cs)
            {
                var b0 = TLane.Load(bp);
                var b1 = TLane.Load(bp + w);
                var b2 = TLane.Load(bp + 2 * w);
                var b3 = TLane.Load(bp + 3 * w);
                var x = TLane.Create(a0[ap]);
                s00 = TLane.FusedMultiplyAdd(x, b0, s00); s01 = TLane.FusedMultiplyAdd(x, b1, s01); s02 = TLane.FusedMultiplyAdd(x, b2, s02); s03 = TLane.FusedMultiplyAdd(x, b3, s03);
                x = TLane.Create(a1[ap]);
                s10 = TLane.FusedMultiplyAdd(x, b0, s10); s11 = TLane.FusedMultiplyAdd(x, b1, s11); s12 = TLane.FusedMultiplyAdd(x, b2, s12); s13 = TLane.FusedMultiplyAdd(x, b3, s13);
                x = TLane.Create(a2[ap]);
                s20 = TLane.FusedMultiplyAdd(x, b0, s20); s21 = TLane.FusedMultiplyAdd(x, b1, s21); s22 = TLane.FusedMultiplyAdd(x, b2, s22); s23 = TLane.FusedMultiplyAdd(x, b3, s23);
                x = TLane.Create(a3[ap]);
                s30 = TLane.FusedMultiplyAdd(x, b0, s30); s31 = TLane.FusedMultiplyAdd(x, b1, s31); s32 = TLane.FusedMultiplyAdd(x, b2, s32); s33 = TLane.FusedMultiplyAdd(x, b3, s33);
            }
        }
        s00.Store(c0 + j); s01.Store(c0 + j + w); s02.Store(c0 + j + 2 * w); s03.Store(c0 + j + 3 * w);
        s10.Store(c1 + j); s11.Store(c1 + j + w); s12.Store(c1 + j + 2 * w); s13.Store(c1 + j + 3 * w);
        s20.Store(c2 + j); s21.Store(c2 + j + w); s22.Store(c2 + j + 2 * w); s23.Store(c2 + j + 3 * w);
        s30.Store(c3 + j); s31.Store(c3 + j + w); s32.Store(c3 + j + 2 * w); s33.Store(c3 + j + 3 * w);
    }

    // Four rows by three vectors (24 columns with AVX2, 48 with AVX-512) keeps 12 accumulators in registers: enough
    // independent FMAs to hide their latency, few enough to leave AVX2's 16 registers room for B and the broadcast A.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByThree(in Product p, int i, int j)
    {
        int w = W, ldb = p.Ldb, k = p.K, cs = p.ColumnStride;
        long rs = p.RowStride;
        float* c0 = p.C + (long)i * p.Ldc, c1 = c0 + p.Ldc, c2 = c1 + p.Ldc, c3 = c2 + p.Ldc;
        TLane s00 = p.Start(c0, j), s01 = p.Start(c0, j + w), s02 = p.Start(c0, j + 2 * w);
        TLane s10 = p.Start(c1, j), s11 = p.Start(c1, j + w), s12 = p.Start(c1, j + 2 * w);
        TLane s20 = p.Start(c2, j), s21 = p.Start(c2, j + w), s22 = p.Start(c2, j + 2 * w);
        TLane s30 = p.Start(c3, j), s31 = p.Start(c3, j + w), s32 = p.Start(c3, j + 2 * w);
        for (int s = 0; s < p.Segments; s++)
        {
            float* a0 = p.A + s * p.ASegment + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
            float* bp = p.B + s * p.BSegment + j;
            for (long q = 0, ap = 0; q < k; q++, bp += ldb, ap += cs)
            {
                var b0 = TLane.Load(bp);
                var b1 = TLane.Load(bp + w);
                var b2 = TLane.Load(bp + 2 * w);
                var x = TLane.Create(a0[ap]);
                s00 = TLane.FusedMultiplyAdd(x, b0, s00); s01 = TLane.FusedMultiplyAdd(x, b1, s01); s02 = TLane.FusedMultiplyAdd(x, b2, s02);
                x = TLane.Create(a1[ap]);
                s10 = TLane.FusedMultiplyAdd(x, b0, s10); s11 = TLane.FusedMultiplyAdd(x, b1, s11); s12 = TLane.FusedMultiplyAdd(x, b2, s12);
                x = TLane.Create(a2[ap]);
                s20 = TLane.FusedMultiplyAdd(x, b0, s20); s21 = TLane.FusedMultiplyAdd(x, b1, s21); s22 = TLane.FusedMultiplyAdd(x, b2, s22);
                x = TLane.Create(a3[ap]);
                s30 = TLane.FusedMultiplyAdd(x, b0, s30); s31 = TLane.FusedMultiplyAdd(x, b1, s31); s32 = TLane.FusedMultiplyAdd(x, b2, s32);
            }
        }
        s00.Store(c0 + j); s01.Store(c0 + j + w); s02.Store(c0 + j + 2 * w);
        s10.Store(c1 + j); s11.Store(c1 + j + w); s12.Store(c1 + j + 2 * w);
        s20.Store(c2 + j); s21.Store(c2 + j + w); s22.Store(c2 + j + 2 * w);
        s30.Store(c3 + j); s31.Store(c3 + j + w); s32.Store(c3 + j + 2 * w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByTwo(in Product p, int i, int j)
    {
        int w = W, ldb = p.Ldb, k = p.K, cs = p.ColumnStride;
        long rs = p.RowStride;
        float* c0 = p.C + (long)i * p.Ldc, c1 = c0 + p.Ldc, c2 = c1 + p.Ldc, c3 = c2 + p.Ldc;
        TLane s00 = p.Start(c0, j), s01 = p.Start(c0, j + w);
        TLane s10 = p.Start(c1, j), s11 = p.Start(c1, j + w);
        TLane s20 = p.Start(c2, j), s21 = p.Start(c2, j + w);
        TLane s30 = p.Start(c3, j), s31 = p.Start(c3, j + w);
        for (int s = 0; s < p.Segments; s++)
        {
            float* a0 = p.A + s * p.ASegment + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
            float* bp = p.B + s * p.BSegment + j;
            for (long q = 0, ap = 0; q < k; q++, bp += ldb, ap += cs)
            {
                var b0 = TLane.Load(bp);
                var b1 = TLane.Load(bp + w);
                var x = TLane.Create(a0[ap]);
                s00 = TLane.FusedMultiplyAdd(x, b0, s00); s01 = TLane.FusedMultiplyAdd(x, b1, s01);
                x = TLane.Create(a1[ap]);
                s10 = TLane.FusedMultiplyAdd(x, b0, s10); s11 = TLane.FusedMultiplyAdd(x, b1, s11);
                x = TLane.Create(a2[ap]);
                s20 = TLane.FusedMultiplyAdd(x, b0, s20); s21 = TLane.FusedMultiplyAdd(x, b1, s21);
                x = TLane.Create(a3[ap]);
                s30 = TLane.FusedMultiplyAdd(x, b0, s30); s31 = TLane.FusedMultiplyAdd(x, b1, s31);
            }
        }
        s00.Store(c0 + j); s01.Store(c0 + j + w);
        s10.Store(c1 + j); s11.Store(c1 + j + w);
        s20.Store(c2 + j); s21.Store(c2 + j + w);
        s30.Store(c3 + j); s31.Store(c3 + j + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByOne(in Product p, int i, int j)
    {
        int ldb = p.Ldb, k = p.K, cs = p.ColumnStride;
        long rs = p.RowStride;
        float* c0 = p.C + (long)i * p.Ldc, c1 = c0 + p.Ldc, c2 = c1 + p.Ldc, c3 = c2 + p.Ldc;
        TLane s0 = p.Start(c0, j), s1 = p.Start(c1, j), s2 = p.Start(c2, j), s3 = p.Start(c3, j);
        for (int s = 0; s < p.Segments; s++)
        {
            float* a0 = p.A + s * p.ASegment + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
            float* bp = p.B + s * p.BSegment + j;
            for (long q = 0, ap = 0; q < k; q++, bp += ldb, ap += cs)
            {
                var b0 = TLane.Load(bp);
                s0 = TLane.FusedMultiplyAdd(TLane.Create(a0[ap]), b0, s0);
                s1 = TLane.FusedMultiplyAdd(TLane.Create(a1[ap]), b0, s1);
                s2 = TLane.FusedMultiplyAdd(TLane.Create(a2[ap]), b0, s2);
                s3 = TLane.FusedMultiplyAdd(TLane.Create(a3[ap]), b0, s3);
            }
        }
        s0.Store(c0 + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
    }

    /// <summary>One row of C over <paramref name="vectors"/> vectors from column <paramref name="j"/>, one vector at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(in Product p, int i, int j, int vectors)
    {
        int ldb = p.Ldb, k = p.K, cs = p.ColumnStride;
        float* c = p.C + (long)i * p.Ldc;
        for (int v = 0; v < vectors; v++, j += W)
        {
            var sum = p.Start(c, j);
            for (int s = 0; s < p.Segments; s++)
            {
                float* a = p.A + s * p.ASegment + (long)i * p.RowStride;
                float* bp = p.B + s * p.BSegment + j;
                for (long q = 0, ap = 0; q < k; q++, bp += ldb, ap += cs)
                    sum = TLane.FusedMultiplyAdd(TLane.Create(a[ap]), TLane.Load(bp), sum);
            }
            sum.Store(c + j);
        }
    }

    /// <summary>Element (i, j) of C: the same chain in scalar arithmetic, for the columns past the last whole vector.</summary>
    private static void Dot(in Product p, int i, int j)
    {
        float* c = p.C + (long)i * p.Ldc;
        float sum = p.Start(c, j, scalar: true);
        for (int s = 0; s < p.Segments; s++)
        {
            float* a = p.A + s * p.ASegment + (long)i * p.RowStride;
            float* bp = p.B + s * p.BSegment + j;
            for (long q = 0; q < p.K; q++)
                sum = MathF.FusedMultiplyAdd(a[q * p.ColumnStride], bp[q * p.Ldb], sum);
        }
        c[j] = sum;
    }
}
