using System.Numerics;
using System.Runtime.InteropServices;
using RnnHelpers.Models;
using RnnHelpers.Models.Recurrence;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

/// <summary>
/// The recurrence kernels over every tile and tail: <see cref="SmallGemm"/> for every row count 1..9 (two four-row
/// tiles and every remainder) and every column count 1..4W+1 (W = <see cref="Lanes.Width"/>, the lane the kernels run
/// on: every vector tile, four vectors wide with AVX-512, and scalar tail), with guard memory around and between the rows; both vector lanes this
/// machine runs fast give the same bits; the cells through the fused layer for every hidden size 1..3W+1 against
/// libtorch; and what NaN and infinity do (see <see cref="IRecurrentCell"/>).
/// </summary>
public class KernelTests
{
    private static int W => Lanes.Width;

    // A finite value no product or sum in these tests produces: a write out of bounds shows as a changed canary.
    private const float Canary = -7777.25f;
    private const int Guard = 16;

    public static TheoryData<int, bool> GemmRows()
    {
        var data = new TheoryData<int, bool>();
        for (int m = 1; m <= 9; m++)
        {
            data.Add(m, false);
            data.Add(m, true);
        }
        return data;
    }

    /// <summary>
    /// C (+)= A·B (or Aᵀ·B) for every n in 1..4W+1 and k in {1, 7, 64}, against a double-precision sum of the same
    /// float inputs. Tolerance: each of the k fused multiply-adds rounds once, by at most u = 2⁻²⁴ of the running sum,
    /// and the running sum never exceeds S = |c₀| + Σ|a·b|; so |error| ≤ k·u·S, and (k + 1)·u·S leaves room for nothing
    /// but rounding. Row strides exceed the widths; the gaps and 16 floats before and after each buffer hold canaries.
    /// </summary>
    [Theory]
    [MemberData(nameof(GemmRows))]
    public unsafe void Small_gemm_matches_a_double_reference_and_writes_only_its_output(int m, bool transposedA)
    {
        var random = new Random(m * 2 + (transposedA ? 1 : 0));
        foreach (int k in new[] { 1, 7, 64 })
            for (int n = 1; n <= 4 * W + 1; n++)
                foreach (bool accumulate in new[] { false, true })
                {
                    // A is [m×k] with row stride k + 3, or stored transposed as [k×m] with row stride m + 3.
                    int aRows = transposedA ? k : m, aColumns = transposedA ? m : k, lda = aColumns + 3;
                    int ldb = n + 5, ldc = n + 2;
                    using var a = new GuardedMatrix(aRows, aColumns, lda, random);
                    using var b = new GuardedMatrix(k, n, ldb, random);
                    using var c = new GuardedMatrix(m, n, ldc, random);
                    var aBefore = a.Snapshot();
                    var bBefore = b.Snapshot();
                    var cBefore = c.Snapshot();

                    if (transposedA)
                        SmallGemm.MultiplyTransposedA(a.Data, lda, b.Data, ldb, c.Data, ldc, m, n, k, accumulate);
                    else
                        SmallGemm.Multiply(a.Data, lda, b.Data, ldb, c.Data, ldc, m, n, k, accumulate);

                    string at = $"m {m}, n {n}, k {k}, transposed A {transposedA}, accumulate {accumulate}";
                    Assert.True(aBefore.AsSpan().SequenceEqual(a.Snapshot()), $"A changed ({at})");
                    Assert.True(bBefore.AsSpan().SequenceEqual(b.Snapshot()), $"B changed ({at})");
                    c.AssertCanaries(at);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            double start = accumulate ? cBefore[c.IndexOf(i, j)] : 0, sum = start, magnitude = Math.Abs(start);
                            for (int p = 0; p < k; p++)
                            {
                                double product = (double)(transposedA ? a.At(p, i) : a.At(i, p)) * b.At(p, j);
                                sum += product;
                                magnitude += Math.Abs(product);
                            }
                            double tolerance = (k + 1) * Math.ScaleB(1, -24) * magnitude;
                            Assert.True(Math.Abs(c.At(i, j) - sum) <= tolerance,
                                $"C[{i},{j}] = {c.At(i, j)}, expected {sum} ± {tolerance:E1} ({at})");
                        }
                }
    }

    public static TheoryData<RecurrentKind, int> CellWidths()
    {
        var data = new TheoryData<RecurrentKind, int>();
        foreach (var kind in new[] { RecurrentKind.SimpleRnn, RecurrentKind.Lstm, RecurrentKind.Gru })
            for (int hidden = 1; hidden <= 3 * Lanes.Width + 1; hidden++)
                data.Add(kind, hidden);
        return data;
    }

    /// <summary>
    /// Every hidden size 1..3W+1 runs every vector step and scalar tail of the cell's maths and of the GEMMs whose
    /// width is the hidden size or gates × hidden; batches of 1, 3, 4, 6 and 9 rows (one block) run the four-row tile
    /// and every remainder of the row loop.
    /// </summary>
    [Theory]
    [MemberData(nameof(CellWidths))]
    public void Every_hidden_size_and_row_count_matches_libtorch(RecurrentKind kind, int hidden)
    {
        using var threads = StockRecurrence.Threads(1);
        foreach (int batch in new[] { 1, 3, 4, 6, 9 })
            StockRecurrence.AssertFusedMatches(kind, steps: 3, batch, features: 2, hidden, seed: hidden * 10 + batch);
    }

    /// <summary>
    /// Widths a multiple of 256 floats (the LSTM's 4 × 64, and 256 hidden units of the SimpleRNN and the GRU) are stored
    /// with padded rows (<see cref="RecurrenceShape.RowStride"/>): the transposed weights and the projection
    /// gradients, which every product, the bias sums and the cells read at that stride. Batches of 9 rows (two blocks'
    /// worth with four-row tiles and a tail) and 11 steps (two weight-gradient chunks and a rest) run each path.
    /// </summary>
    [Theory]
    [InlineData(RecurrentKind.Lstm, 64)]
    [InlineData(RecurrentKind.SimpleRnn, 256)]
    [InlineData(RecurrentKind.Gru, 256)]
    public void Padded_widths_match_libtorch(RecurrentKind kind, int hidden)
    {
        var shape = new RecurrenceShape(Steps: 11, Batch: 9, Features: 3, hidden, ModelFacts.Of(kind).Gates);
        Assert.NotEqual(shape.Width, shape.RowStride);
        using var threads = StockRecurrence.Threads(1);
        StockRecurrence.AssertFusedMatches(kind, steps: 11, batch: 9, features: 3, hidden, seed: hidden + 7);
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void A_NaN_in_one_rows_input_stays_in_that_row_and_reaches_the_weight_gradients(RecurrentKind kind)
    {
        const int batch = 6, steps = 3, features = 4, hidden = 11, poisoned = 2;
        manual_seed(21);
        using var layer = new FusedRecurrentLayer(kind, features, hidden);
        using var clean = randn(batch, steps, features);
        using var dirty = clean.clone();
        dirty[poisoned, 1, 2] = tensor(float.NaN);

        var (cleanOutput, cleanDx, _) = Run(layer, clean);
        var (output, dx, weightGradients) = Run(layer, dirty);

        for (int row = 0; row < batch; row++)
            if (row == poisoned)
            {
                Assert.All(output[row], v => Assert.True(float.IsNaN(v), $"{kind}: h_T of the NaN row holds {v}"));
                Assert.Contains(dx[row], float.IsNaN);
            }
            else
            {
                // Bit for bit: rows never mix in a fused recurrence, forward or backward.
                Assert.Equal(cleanOutput[row], output[row]);
                Assert.Equal(cleanDx[row], dx[row]);
            }
        Assert.All(weightGradients, g => Assert.Contains(g, float.IsNaN));
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void A_NaN_weight_reaches_every_row_without_an_exception(RecurrentKind kind)
    {
        manual_seed(22);
        using var layer = new FusedRecurrentLayer(kind, 4, 9);
        using (no_grad())
            layer.named_parameters().Single(p => p.name == "weight_ih_l0").parameter[0, 0] = tensor(float.NaN);
        using var x = randn(5, 3, 4);
        var (output, _, weightGradients) = Run(layer, x);
        // A NaN times anything, zero included, is NaN; through W_hh it reaches every unit by the second step.
        Assert.All(output, row => Assert.All(row, v => Assert.True(float.IsNaN(v))));
        Assert.All(weightGradients, g => Assert.Contains(g, float.IsNaN));
    }

    /// <summary>
    /// Infinite pre-activations, made by infinite input biases, saturate exactly: σ(+∞) = 1, σ(−∞) = 0, tanh(±∞) = ±1,
    /// and the derivatives there are exactly 0, so the gradients stay finite.
    /// </summary>
    [Theory]
    [InlineData(RecurrentKind.SimpleRnn, new[] { float.PositiveInfinity }, 1f)]
    [InlineData(RecurrentKind.SimpleRnn, new[] { float.NegativeInfinity }, -1f)]
    // i = 1, f = 0, g = 1, o = 1: c_t = 1 at every step, h_t = tanh(1).
    [InlineData(RecurrentKind.Lstm, new[] { float.PositiveInfinity, float.NegativeInfinity, float.PositiveInfinity, float.PositiveInfinity }, 0.7615942f)]
    // z = 0 and n = −1: h_t = n = −1.
    [InlineData(RecurrentKind.Gru, new[] { float.PositiveInfinity, float.NegativeInfinity, float.NegativeInfinity }, -1f)]
    // z = 1: h_t = h_{t−1} = h_0 = 0.
    [InlineData(RecurrentKind.Gru, new[] { 0f, float.PositiveInfinity, float.PositiveInfinity }, 0f)]
    public void Infinite_pre_activations_saturate(RecurrentKind kind, float[] gateBiases, float expected)
    {
        const int hidden = 10, unit = 3, features = 4;
        manual_seed(23);
        using var layer = new FusedRecurrentLayer(kind, features, hidden);
        using (no_grad())
        {
            var bias = layer.named_parameters().Single(p => p.name == "bias_ih_l0").parameter;
            for (int gate = 0; gate < gateBiases.Length; gate++)
                bias[gate * hidden + unit] = tensor(gateBiases[gate]);
        }
        using var x = randn(5, 4, features);
        var (output, dx, weightGradients) = Run(layer, x);
        foreach (var row in output)
        {
            // Exact, but for tanh(1): Activations.Tanh is within 2 ulp of it, not necessarily MathF.Tanh's rounding.
            Assert.Equal(expected, row[unit], 1e-6f);
            Assert.All(row, v => Assert.True(float.IsFinite(v)));
        }
        Assert.All(dx, row => Assert.All(row, v => Assert.True(float.IsFinite(v))));
        // b_ih itself is infinite but its gradient is not: dL/db is the saturated gate's zero derivative times a finite δ.
        Assert.All(weightGradients, g => Assert.All(g, v => Assert.True(float.IsFinite(v), $"{kind}: a gradient holds {v}")));
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void A_huge_finite_input_gives_a_finite_saturated_output(RecurrentKind kind)
    {
        manual_seed(24);
        using var layer = new FusedRecurrentLayer(kind, 3, 12);
        using var x = randn(7, 5, 3) * 1e30f;
        var (output, _, weightGradients) = Run(layer, x);
        Assert.All(output, row => Assert.All(row, v => Assert.True(float.IsFinite(v) && Math.Abs(v) <= 1f, $"{kind}: h_T holds {v}")));
        Assert.All(weightGradients, g => Assert.DoesNotContain(g, float.IsNaN));
    }

    /// <summary>
    /// The premise of writing each derivative once: a formula gives the same bits on vector lanes (<see cref="Vector{T}"/>
    /// and 512-bit) as on scalar lanes, so an element's value depends neither on whether it falls in a full vector or the
    /// tail nor on the machine's vector width. (Without AVX-512, 512-bit vectors run in software, slowly but exactly.)
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Vector_and_scalar_lanes_give_the_same_bits(bool wide)
    {
        if (wide)
            AssertLaneMatchesScalar<Vector512Lane>();
        else
            AssertLaneMatchesScalar<VectorLane>();
    }

    private static unsafe void AssertLaneMatchesScalar<TLane>() where TLane : struct, ILane<TLane>
    {
        int count = 3 * TLane.Count + 5;
        var random = new Random(31);
        float[] Random() => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-8, 9))))];
        float[] a = Random(), b = Random(), laned = new float[count], scalar = new float[count];
        fixed (float* pa = a, pb = b, pl = laned, ps = scalar)
        {
            Lanes.Run<Sample, TLane>(count, new Sample(pa, pb, pl));
            var reference = new Sample(pa, pb, ps);
            for (int j = 0; j < count; j++)
                reference.At(j, ScalarLane.One);
        }
        Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), laned.Select(BitConverter.SingleToInt32Bits));
    }

    private readonly unsafe struct Sample(float* a, float* b, float* output) : ILaneFormula
    {
        private readonly float* a = a, b = b, output = output;

        public void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>
        {
            var x = TLane.Load(a + j);
            var y = TLane.Load(b + j);
            (x * y * (one - x) + (y - x * x)).Store(output + j);
        }
    }

    /// <summary>h_T [batch][hidden], dL/dx [batch][steps·features] and each parameter's gradient for the loss Σ h_T.</summary>
    private static (float[][] Output, float[][] Dx, float[][] WeightGradients) Run(FusedRecurrentLayer layer, Tensor x)
    {
        layer.zero_grad();
        using var input = x.detach().clone().requires_grad_(true);
        using var output = layer.call(input);
        using (var loss = output.sum())
            loss.backward();
        float[][] Rows(Tensor t) => [.. Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].reshape(-1).data<float>().ToArray())];
        return (Rows(output.detach()), Rows(input.grad!), [.. layer.parameters().Select(p => p.grad!.data<float>().ToArray())]);
    }

    /// <summary>
    /// A rows × columns float matrix with row stride <c>stride</c> in native memory, random in [−1, 1), with canaries in
    /// the stride gaps and in <see cref="Guard"/> floats before and after.
    /// </summary>
    public static TheoryData<int, bool> BandRows()
    {
        var data = new TheoryData<int, bool>();
        foreach (int m in new[] { 1, 4, 5, 9, 31, 32, 33, 70 })
        {
            data.Add(m, false);
            data.Add(m, true);
        }
        return data;
    }

    /// <summary>
    /// What the stored runs rely on: every element of C is one chain of fused multiply-adds in increasing inner index,
    /// started from zero, from C, or from the bias row, whatever the tiling (row bands of 32, column panels, tails).
    /// So <c>MultiplyAddRow</c> equals the scalar chain started from the bias, and the segmented product over T steps
    /// (taken last step first, as the backward pass does) equals T transposed products one after another, bit for bit.
    /// Both vector lanes (<see cref="Vector{T}"/> and 512-bit) are checked, so a machine's vector width never changes a run.
    /// </summary>
    [Theory]
    [MemberData(nameof(BandRows))]
    public void Bias_started_and_segmented_products_equal_the_scalar_chain_bit_for_bit(int m, bool wide)
    {
        if (wide)
            AssertProductsEqualScalarChain<Vector512Lane>(m);
        else
            AssertProductsEqualScalarChain<VectorLane>(m);
    }

    /// <summary>
    /// The facade picks the widest fast lane for the machine; a run must not depend on that choice. Plain and transposed
    /// products, with and without accumulation, over every width 1..4·16+1 and k ∈ {1, 7, 64}: the <see cref="Vector{T}"/>
    /// lane and the 512-bit lane write the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(GemmRows))]
    public unsafe void Both_vector_lanes_give_the_same_products_bit_for_bit(int m, bool transposedA)
    {
        var random = new Random(300 + m * 2 + (transposedA ? 1 : 0));
        foreach (int k in new[] { 1, 7, 64 })
            for (int n = 1; n <= 4 * Vector512Lane.Count + 1; n++)
                foreach (bool accumulate in new[] { false, true })
                {
                    int aColumns = transposedA ? m : k, lda = aColumns + 3, ldc = n + 2;
                    using var a = new GuardedMatrix(transposedA ? k : m, aColumns, lda, random);
                    using var b = new GuardedMatrix(k, n, n + 5, random);
                    using var narrow = new GuardedMatrix(m, n, ldc, random);
                    using var wide = new GuardedMatrix(m, n, ldc, random);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                            wide.Data[i * ldc + j] = narrow.Data[i * ldc + j];
                    if (transposedA)
                    {
                        SmallGemm<VectorLane>.MultiplyTransposedA(a.Data, lda, b.Data, n + 5, narrow.Data, ldc, m, n, k, accumulate);
                        SmallGemm<Vector512Lane>.MultiplyTransposedA(a.Data, lda, b.Data, n + 5, wide.Data, ldc, m, n, k, accumulate);
                    }
                    else
                    {
                        SmallGemm<VectorLane>.Multiply(a.Data, lda, b.Data, n + 5, narrow.Data, ldc, m, n, k, accumulate);
                        SmallGemm<Vector512Lane>.Multiply(a.Data, lda, b.Data, n + 5, wide.Data, ldc, m, n, k, accumulate);
                    }
                    string at = $"m {m}, n {n}, k {k}, transposed A {transposedA}, accumulate {accumulate}";
                    narrow.AssertCanaries(at);
                    wide.AssertCanaries(at);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                            Assert.True(BitConverter.SingleToInt32Bits(narrow.At(i, j)) == BitConverter.SingleToInt32Bits(wide.At(i, j)),
                                $"C[{i},{j}]: {narrow.At(i, j)} on Vector<T>, {wide.At(i, j)} on 512-bit vectors ({at})");
                }
    }

    private static unsafe void AssertProductsEqualScalarChain<TLane>(int m) where TLane : struct, ILane<TLane>
    {
        var random = new Random(100 + m);
        foreach (int k in new[] { 7, 64 })
            for (int n = 1; n <= 4 * TLane.Count + 1; n++)
            {
                string at = $"{typeof(TLane).Name}, m {m}, n {n}, k {k}";
                int lda = k + 3, ldc = n + 2;
                using var a = new GuardedMatrix(m, k, lda, random);
                using var b = new GuardedMatrix(k, n, n + 5, random);
                using var bias = new GuardedMatrix(1, n, n, random);
                using var c = new GuardedMatrix(m, n, ldc, random);
                SmallGemm<TLane>.MultiplyAddRow(a.Data, lda, b.Data, n + 5, bias.Data, c.Data, ldc, m, n, k);
                c.AssertCanaries(at);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        float chain = bias.At(0, j);
                        for (int p = 0; p < k; p++)
                            chain = MathF.FusedMultiplyAdd(a.At(i, p), b.At(p, j), chain);
                        Assert.True(BitConverter.SingleToInt32Bits(chain) == BitConverter.SingleToInt32Bits(c.At(i, j)),
                            $"bias-started C[{i},{j}] = {c.At(i, j)}, chain {chain} ({at})");
                    }

                // T = 3 segments, A_s [k×m] and B_s [k×n] s apart, walked from the last segment back.
                const int segments = 3;
                int sa = k * (m + 1), sb = k * (n + 4);
                using var aSegments = new GuardedMatrix(segments * k, m + 1, m + 1, random);
                using var bSegments = new GuardedMatrix(segments * k, n + 4, n + 4, random);
                using var stepwise = new GuardedMatrix(m, n, ldc, random);
                using var once = new GuardedMatrix(m, n, ldc, random);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        once.Data[i * ldc + j] = stepwise.Data[i * ldc + j];
                for (int step = segments - 1; step >= 0; step--)
                    SmallGemm<TLane>.MultiplyTransposedA(aSegments.Data + step * sa, m + 1, bSegments.Data + step * sb, n + 4, stepwise.Data, ldc, m, n, k, accumulate: true);
                SmallGemm<TLane>.MultiplyTransposedASegments(aSegments.Data + (segments - 1) * sa, m + 1, -sa, bSegments.Data + (segments - 1) * sb, n + 4, -sb,
                    segments, once.Data, ldc, m, n, k);
                once.AssertCanaries(at);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        Assert.True(BitConverter.SingleToInt32Bits(stepwise.At(i, j)) == BitConverter.SingleToInt32Bits(once.At(i, j)),
                            $"segmented C[{i},{j}] = {once.At(i, j)}, step by step {stepwise.At(i, j)} ({at})");
            }
    }

    /// <summary>
    /// The weight transposes for every size 1..20 and a few past the 16 × 16 tiles, whole 8 × 8 register blocks and every
    /// edge: each element lands where it belongs, bit for bit, and nothing outside the output (gaps between rows, guards)
    /// is written, with and without a source row stride wider than the rows.
    /// </summary>
    [Fact]
    public unsafe void Transpose_moves_every_element_and_writes_only_its_output()
    {
        var random = new Random(5);
        int[] sizes = [.. Enumerable.Range(1, 20), 31, 33, 69];
        foreach (int rows in sizes)
            foreach (int columns in sizes)
                foreach (int gap in new[] { 0, 3 })
                {
                    using var source = new GuardedMatrix(rows, columns, columns + gap, random);
                    using var destination = new GuardedMatrix(columns, rows, rows + 5, random);
                    for (int j = 0; j < columns; j++)
                        for (int i = 0; i < rows; i++)
                            destination.Data[j * (rows + 5) + i] = Canary;
                    var before = source.Snapshot();
                    if (gap == 0)
                        RecurrenceDriver.Transpose(source.Data, rows, columns, destination.Data, rows + 5);
                    else
                        RecurrenceDriver.Transpose(source.Data, columns + gap, rows, columns, destination.Data, rows + 5);
                    string at = $"{rows} × {columns}, gap {gap}";
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                            Assert.True(BitConverter.SingleToInt32Bits(destination.At(j, i)) == BitConverter.SingleToInt32Bits(source.At(i, j)),
                                $"Mᵀ[{j},{i}] = {destination.At(j, i)}, M[{i},{j}] = {source.At(i, j)} ({at})");
                    Assert.Equal(before, source.Snapshot());
                    destination.AssertCanaries(at);
                }
    }

    /// <summary>
    /// The blocks' weight-gradient partials summed and transposed in one pass: every element is 0 + p₀ + p₁ + … in
    /// block order, bit for bit (so −0 becomes +0, as on zeros), for every size 1..20 and past the tiles, one to three
    /// blocks, writing nothing outside the output.
    /// </summary>
    [Fact]
    public unsafe void The_summed_transpose_adds_the_blocks_in_order()
    {
        var random = new Random(6);
        int[] sizes = [.. Enumerable.Range(1, 20), 33, 64];
        foreach (int rows in sizes)
            foreach (int columns in sizes)
                for (int terms = 1; terms <= 3; terms++)
                {
                    // The partials one after another, as the workspace keeps them; large and tiny values so that the order shows.
                    using var partials = new GuardedMatrix(terms * rows, columns, columns, random);
                    for (int index = 0; index < terms * rows * columns; index++)
                        partials.Data[index] = index % 7 == 0 ? -0f : (float)(random.NextDouble() - 0.5) * (index % 3 == 0 ? 1e8f : 1f);
                    using var destination = new GuardedMatrix(columns, rows, rows, random);
                    RecurrenceDriver.SumTransposed(partials.Data, (long)rows * columns, terms, rows, columns, destination.Data);
                    string at = $"{rows} × {columns}, {terms} block(s)";
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                        {
                            float expected = 0f;
                            for (int b = 0; b < terms; b++)
                                expected += partials.Data[(long)b * rows * columns + i * columns + j];
                            Assert.True(BitConverter.SingleToInt32Bits(destination.At(j, i)) == BitConverter.SingleToInt32Bits(expected),
                                $"sum[{j},{i}] = {destination.At(j, i)}, expected {expected} ({at})");
                        }
                    destination.AssertCanaries(at);
                }
    }

    private sealed unsafe class GuardedMatrix : IDisposable
    {
        private readonly float* block;
        private readonly int rows, columns, stride, length;

        public GuardedMatrix(int rows, int columns, int stride, Random random)
        {
            (this.rows, this.columns, this.stride) = (rows, columns, stride);
            length = Guard + rows * stride + Guard;
            block = (float*)NativeMemory.Alloc((nuint)length, sizeof(float));
            var all = new Span<float>(block, length);
            all.Fill(Canary);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    all[IndexOf(i, j)] = (float)(random.NextDouble() * 2 - 1);
        }

        public float* Data => block + Guard;

        public int IndexOf(int i, int j) => Guard + i * stride + j;

        public float At(int i, int j) => block[IndexOf(i, j)];

        public float[] Snapshot() => new Span<float>(block, length).ToArray();

        public void AssertCanaries(string at)
        {
            for (int index = 0; index < length; index++)
            {
                int offset = index - Guard;
                bool inside = offset >= 0 && offset < rows * stride && offset % stride < columns;
                if (!inside)
                    Assert.True(block[index] == Canary, $"canary at float {offset} from the start overwritten with {block[index]} ({at})");
            }
        }

        public void Dispose() => NativeMemory.Free(block);
    }
}
