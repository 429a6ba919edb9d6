namespace RnnHelpers.Models;

/// <summary>
/// Opt-in record of how the gradient flows back through time in a <see cref="FusedRecurrentLayer"/>: while a recorder is
/// set on the layer (<see cref="FusedRecurrentLayer.GradientRecorder"/>), each backward pass writes, for every sequence
/// b of the batch and every step t, the Euclidean norm ‖∂L/∂h_t‖ of the total derivative of the loss with respect to
/// the hidden state after step t (through all later steps; for the LSTM with respect to h_t, the memory c_t carrying
/// its own part). The fused backward pass computes these vectors anyway on its way back from h_T to h_1; reading their
/// norms costs one pass over each, and nothing is read or written when no recorder is set, so training is unchanged.
/// The decay of these norms with T − t is the vanishing gradient (Hochreiter 1991; Bengio, Simard and Frasconi 1994).
/// </summary>
public sealed class HiddenGradientRecorder
{
    private float[] norms = [];

    /// <summary>Sequences of the last recorded backward pass (0 before the first).</summary>
    public int Batch { get; private set; }

    /// <summary>Time steps T of the last recorded backward pass (0 before the first).</summary>
    public int Steps { get; private set; }

    /// <summary>Backward passes recorded so far; each one replaces the previous norms.</summary>
    public int Passes { get; private set; }

    /// <summary>‖∂L/∂h_t‖ of sequence <paramref name="b"/> at step <paramref name="t"/> (1-based: t = 1 … T) in the last recorded pass.</summary>
    /// <exception cref="ArgumentOutOfRangeException">b or t outside the last pass's batch and steps.</exception>
    public float Norm(int b, int t)
    {
        if (b < 0 || b >= Batch) throw new ArgumentOutOfRangeException(nameof(b), b, $"the last pass had {Batch} sequences");
        if (t < 1 || t > Steps) throw new ArgumentOutOfRangeException(nameof(t), t, $"steps run from 1 to {Steps}");
        return norms[(long)b * Steps + t - 1];
    }

    /// <summary>The norms of the last pass, [batch, steps] row-major (entry b·T + t − 1 is step t of sequence b): a copy.</summary>
    public float[] Norms() => norms[..(Batch * Steps)];

    /// <summary>Storage for one pass of [batch, steps] norms, written by the backward pass's row blocks (each its own rows).</summary>
    internal float[] Begin(int batch, int steps)
    {
        if (norms.Length < (long)batch * steps)
            norms = GC.AllocateArray<float>(checked(batch * steps), pinned: true);
        Batch = batch;
        Steps = steps;
        Passes++;
        return norms;
    }
}
