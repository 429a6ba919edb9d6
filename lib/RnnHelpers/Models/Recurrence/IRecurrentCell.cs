namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// The per-time-step maths of one recurrent cell, run over a block of batch rows [row0, row1).
/// Rows are independent in a recurrence, so blocks run on separate threads without locks.
/// </summary>
internal unsafe interface IRecurrentCell
{
    /// <summary>Weight blocks per layer: 1 for SimpleRNN, 3 for GRU.</summary>
    int Gates { get; }

    /// <summary>
    /// Runs all steps forward. <paramref name="inputProjections"/> is x_t W_ih^T + b_ih for every step,
    /// [steps, batch, gates · hidden]; <paramref name="recurrentKernelT"/> is W_hh^T, [hidden, gates · hidden].
    /// </summary>
    void Forward(RecurrenceWorkspace ws, float* inputProjections, float* recurrentKernelT, float* recurrentBias, int row0, int row1);

    /// <summary>
    /// Runs all steps backward from dL/dh_T (<paramref name="outputGradient"/>, [batch, hidden]), filling the
    /// workspace's input and hidden projection gradients. <paramref name="recurrentKernel"/> is W_hh, [gates · hidden, hidden].
    /// </summary>
    void Backward(RecurrenceWorkspace ws, float* outputGradient, float* recurrentKernel, int row0, int row1);
}
