using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Runs a cell's element-wise formula over <c>count</c> consecutive floats: the widest fast vector of floats at a
/// time (<see cref="Width"/>: 16 with AVX-512, 8 with AVX2, 4 with NEON), then one float at a time for the tail. Each formula is
/// written once, generic over the lane type, so the vector loop and the tail cannot drift apart (a difference
/// between them would only show for hidden sizes that are not a multiple of the vector width).
/// Every lane type does the same IEEE operations in the same order (a fused multiply-add is one rounding on every lane,
/// a comparison mask and a select are exact), so a value comes out bit for bit the same whichever loop, and whichever
/// vector width, computes it.
/// </summary>
internal static class Lanes
{
    /// <summary>
    /// True where 512-bit vectors are fast (<see cref="Vector512.IsHardwareAccelerated"/>: AVX-512 without a clock
    /// penalty) and <see cref="Vector{T}"/> is narrower, so <see cref="Vector512Lane"/> is the kernels' vector lane.
    /// A JIT-time constant: the branches on it cost nothing. Which width runs never changes a result (each element is
    /// the same operations in the same order on any lane), only the speed.
    /// </summary>
    public static bool Wide
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && Vector<float>.Count < Vector512<float>.Count;
    }

    /// <summary>The bits of 1.0f: the exponent field's bias.</summary>
    internal const int OneBits = 0x3F800000;

    /// <summary>Floats in the kernels' vector lane: 16 with AVX-512, else <see cref="Vector{T}.Count"/> (8 with AVX2, 4 with NEON).</summary>
    public static int Width => Wide ? Vector512Lane.Count : VectorLane.Count;

    /// <summary>
    /// Calls <c>formula.At(j, one)</c> for j = 0, W, 2W, … while a whole vector fits in <paramref name="count"/> floats,
    /// with vector lanes, then for each remaining j with scalar lanes. Inlined into the caller, so the formula's
    /// fields live in registers and its maths compiles to two plain loops (one load per operand: the JIT does not fold
    /// a load wrapped in a lane struct into the multiply that uses it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TFormula>(int count, TFormula formula) where TFormula : struct, ILaneFormula
    {
        if (Wide)
            Run<TFormula, Vector512Lane>(count, formula);
        else
            Run<TFormula, VectorLane>(count, formula);
    }

    /// <summary><see cref="Run{TFormula}"/> with the vector lane named: the tests run every lane type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TFormula, TVector>(int count, TFormula formula)
        where TFormula : struct, ILaneFormula where TVector : struct, ILane<TVector>
    {
        int j = 0;
        var vectorOne = TVector.One;
        for (; j + TVector.Count <= count; j += TVector.Count)
            formula.At(j, vectorOne);
        var scalarOne = ScalarLane.One;
        for (; j < count; j++)
            formula.At(j, scalarOne);
    }
}

/// <summary>An element-wise formula over pointers it holds, run by <see cref="Lanes.Run{TFormula}"/>.</summary>
internal interface ILaneFormula
{
    /// <summary>
    /// Reads and writes the <c>TLane.Count</c> floats from float index <paramref name="j"/> of each pointer.
    /// <paramref name="one"/> is 1 in every element, made by the driver before its loop: made inside the loop body,
    /// the JIT rebuilt it on every iteration instead of keeping it in a register.
    /// </summary>
    void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>;
}

/// <summary>
/// The arithmetic the cells' maths (their activations included, <see cref="Activations"/>) and <see cref="SmallGemm"/>
/// need, over one float (<see cref="ScalarLane"/>), one <see cref="Vector{T}"/> of floats (<see cref="VectorLane"/>) or one
/// 512-bit vector (<see cref="Vector512Lane"/>). Static abstract members, so code generic over the lane compiles to plain
/// scalar or SIMD code with no calls left. Every operation works element by element: IEEE single-precision arithmetic,
/// or exact bit operations (comparison masks, select, sign, <see cref="ILane{TSelf}.PowerOfTwo"/>), so all lanes give
/// the same bits for every input but a NaN's payload.
/// </summary>
internal unsafe interface ILane<TSelf> where TSelf : struct, ILane<TSelf>
{
    /// <summary>How many floats one lane holds.</summary>
    static abstract int Count { get; }

    /// <summary>1 in every element.</summary>
    static abstract TSelf One { get; }

    /// <summary>0 in every element.</summary>
    static abstract TSelf Zero { get; }

    /// <summary><paramref name="value"/> in every element.</summary>
    static abstract TSelf Create(float value);

    /// <summary>a·b + c rounded once, element by element (IEEE fusedMultiplyAdd).</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Reads <see cref="Count"/> floats from <paramref name="source"/> (no alignment needed).</summary>
    static abstract TSelf Load(float* source);

    /// <summary>Writes <see cref="Count"/> floats to <paramref name="destination"/> (no alignment needed).</summary>
    void Store(float* destination);

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>|x|: the sign bit cleared.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>|value| with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf value, TSelf sign);

    /// <summary>All bits set in each element where left &lt; right, else none (none for a NaN, as IEEE compares).</summary>
    static abstract TSelf LessThan(TSelf left, TSelf right);

    /// <summary>All bits set in each element where left &gt; right, else none (none for a NaN).</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    /// <summary>Bit by bit, <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf ConditionalSelect(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>
    /// 2ⁿ, for <paramref name="shifted"/> = 1.5·2²³ + n with n an integer in [−126, 127] (the low bits of its significand
    /// hold n): its bits shifted left by 23 put n in the exponent field of 1.0. Integer arithmetic only, so exact.
    /// </summary>
    static abstract TSelf PowerOfTwo(TSelf shifted);
}

/// <summary>A <see cref="Vector{T}"/> of floats as a lane.</summary>
internal readonly unsafe struct VectorLane : ILane<VectorLane>
{
    private readonly Vector<float> value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private VectorLane(Vector<float> value) => this.value = value;

    public static int Count => Vector<float>.Count;

    public static VectorLane One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector<float>.One);
    }

    public static VectorLane Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Create(float value) => new(Vector.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane FusedMultiplyAdd(VectorLane a, VectorLane b, VectorLane c) =>
        new(Vector.FusedMultiplyAdd(a.value, b.value, c.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Load(float* source) => new(Vector.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator +(VectorLane left, VectorLane right) => new(left.value + right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator -(VectorLane left, VectorLane right) => new(left.value - right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator *(VectorLane left, VectorLane right) => new(left.value * right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator /(VectorLane left, VectorLane right) => new(left.value / right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Abs(VectorLane x) => new(Vector.Abs(x.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane CopySign(VectorLane value, VectorLane sign) => new(Vector.CopySign(value.value, sign.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane LessThan(VectorLane left, VectorLane right) => new(Vector.LessThan(left.value, right.value).As<int, float>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane GreaterThan(VectorLane left, VectorLane right) => new(Vector.GreaterThan(left.value, right.value).As<int, float>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane ConditionalSelect(VectorLane mask, VectorLane whenTrue, VectorLane whenFalse) => new(Vector.ConditionalSelect(mask.value, whenTrue.value, whenFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane PowerOfTwo(VectorLane shifted) => new(((shifted.value.As<float, int>() << 23) + new Vector<int>(Lanes.OneBits)).As<int, float>());
}

/// <summary>
/// A 512-bit vector of 16 floats as a lane: twice <see cref="Vector{T}"/>'s width on AVX-512 machines, where .NET keeps
/// <see cref="Vector{T}"/> at 256 bits unless told otherwise. Used only where <see cref="Lanes.Wide"/> holds.
/// </summary>
internal readonly unsafe struct Vector512Lane : ILane<Vector512Lane>
{
    private readonly Vector512<float> value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512Lane(Vector512<float> value) => this.value = value;

    public static int Count => Vector512<float>.Count;

    public static Vector512Lane One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<float>.One);
    }

    public static Vector512Lane Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane FusedMultiplyAdd(Vector512Lane a, Vector512Lane b, Vector512Lane c) =>
        new(Vector512.FusedMultiplyAdd(a.value, b.value, c.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane operator +(Vector512Lane left, Vector512Lane right) => new(left.value + right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane operator -(Vector512Lane left, Vector512Lane right) => new(left.value - right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane operator *(Vector512Lane left, Vector512Lane right) => new(left.value * right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane operator /(Vector512Lane left, Vector512Lane right) => new(left.value / right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane Abs(Vector512Lane x) => new(Vector512.Abs(x.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane CopySign(Vector512Lane value, Vector512Lane sign) => new(Vector512.CopySign(value.value, sign.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane LessThan(Vector512Lane left, Vector512Lane right) => new(Vector512.LessThan(left.value, right.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane GreaterThan(Vector512Lane left, Vector512Lane right) => new(Vector512.GreaterThan(left.value, right.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane ConditionalSelect(Vector512Lane mask, Vector512Lane whenTrue, Vector512Lane whenFalse) => new(Vector512.ConditionalSelect(mask.value, whenTrue.value, whenFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane PowerOfTwo(Vector512Lane shifted) => new(((shifted.value.AsInt32() << 23) + Vector512.Create(Lanes.OneBits)).AsSingle());
}

/// <summary>One float as a lane.</summary>
internal readonly unsafe struct ScalarLane : ILane<ScalarLane>
{
    private static readonly float AllBits = BitConverter.Int32BitsToSingle(-1);

    private readonly float value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ScalarLane(float value) => this.value = value;

    public static int Count => 1;

    public static ScalarLane One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(1f);
    }

    public static ScalarLane Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Create(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane FusedMultiplyAdd(ScalarLane a, ScalarLane b, ScalarLane c) =>
        new(MathF.FusedMultiplyAdd(a.value, b.value, c.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Load(float* source) => new(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* destination) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator +(ScalarLane left, ScalarLane right) => new(left.value + right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator -(ScalarLane left, ScalarLane right) => new(left.value - right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator *(ScalarLane left, ScalarLane right) => new(left.value * right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator /(ScalarLane left, ScalarLane right) => new(left.value / right.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Abs(ScalarLane x) => new(MathF.Abs(x.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane CopySign(ScalarLane value, ScalarLane sign) => new(MathF.CopySign(value.value, sign.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane LessThan(ScalarLane left, ScalarLane right) => new(left.value < right.value ? AllBits : 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane GreaterThan(ScalarLane left, ScalarLane right) => new(left.value > right.value ? AllBits : 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane ConditionalSelect(ScalarLane mask, ScalarLane whenTrue, ScalarLane whenFalse) => new(Select(mask.value, whenTrue.value, whenFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Select(float mask, float whenTrue, float whenFalse)
    {
        int bits = BitConverter.SingleToInt32Bits(mask);
        return BitConverter.Int32BitsToSingle((bits & BitConverter.SingleToInt32Bits(whenTrue)) | (~bits & BitConverter.SingleToInt32Bits(whenFalse)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane PowerOfTwo(ScalarLane shifted) => new(BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(shifted.value) << 23) + Lanes.OneBits));
}
