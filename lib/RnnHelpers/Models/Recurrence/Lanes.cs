using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// Runs a cell's element-wise formula over <c>count</c> consecutive floats: a <see cref="Vector{T}"/> of
/// floats at a time (8 with AVX2, 4 with NEON), then one float at a time for the tail. Each formula is
/// written once, generic over the lane type, so the vector loop and the tail cannot drift apart (a difference
/// between them would only show for hidden sizes that are not a multiple of the vector width).
/// Both lane types do the same IEEE operations in the same order (no fused multiply-add), so a value comes out
/// bit for bit the same whichever loop computes it.
/// </summary>
internal static class Lanes
{
    /// <summary>
    /// Calls <c>formula.At(j, one)</c> for j = 0, W, 2W, … while a whole vector fits in <paramref name="count"/> floats,
    /// with vector lanes, then for each remaining j with scalar lanes. Inlined into the caller, so the formula's
    /// fields live in registers and its maths compiles to two plain loops (one load per operand: the JIT does not fold
    /// a load wrapped in a lane struct into the multiply that uses it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TFormula>(int count, TFormula formula) where TFormula : struct, ILaneFormula
    {
        int j = 0;
        var vectorOne = VectorLane.One;
        for (; j + VectorLane.Count <= count; j += VectorLane.Count)
            formula.At(j, vectorOne);
        var scalarOne = ScalarLane.One;
        for (; j < count; j++)
            formula.At(j, scalarOne);
    }
}

/// <summary>An element-wise formula over pointers it holds, run by <see cref="Lanes.Run"/>.</summary>
internal interface ILaneFormula
{
    /// <summary>
    /// Reads and writes the <c>TLane.Count</c> floats from float index <paramref name="j"/> of each pointer.
    /// <paramref name="one"/> is 1 in every element, made by the driver before its loop: the JIT rebuilds a
    /// constant vector made inside the loop body on every iteration instead of keeping it in a register.
    /// </summary>
    void At<TLane>(int j, TLane one) where TLane : struct, ILane<TLane>;
}

/// <summary>
/// The arithmetic a cell's derivative needs, over one float (<see cref="ScalarLane"/>) or one
/// <see cref="Vector{T}"/> of floats (<see cref="VectorLane"/>). Static abstract members, so a formula
/// generic over the lane compiles to plain scalar or SIMD code with no calls left.
/// </summary>
internal unsafe interface ILane<TSelf> where TSelf : struct, ILane<TSelf>
{
    /// <summary>How many floats one lane holds.</summary>
    static abstract int Count { get; }

    /// <summary>1 in every element.</summary>
    static abstract TSelf One { get; }

    /// <summary>Reads <see cref="Count"/> floats from <paramref name="source"/> (no alignment needed).</summary>
    static abstract TSelf Load(float* source);

    /// <summary>Writes <see cref="Count"/> floats to <paramref name="destination"/> (no alignment needed).</summary>
    void Store(float* destination);

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
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
}

/// <summary>One float as a lane.</summary>
internal readonly unsafe struct ScalarLane : ILane<ScalarLane>
{
    private readonly float value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ScalarLane(float value) => this.value = value;

    public static int Count => 1;

    public static ScalarLane One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(1f);
    }

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
}
