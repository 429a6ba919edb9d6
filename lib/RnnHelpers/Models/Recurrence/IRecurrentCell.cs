namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// The element-wise maths of one recurrent cell at one time step, over batch rows [row0, row0 + rows).
/// <see cref="RecurrenceDriver"/> does the matrix products around it.
/// <para>
/// Non-finite values are not checked here, nor anywhere in the kernels, and no exception is thrown: IEEE arithmetic
/// carries them, so the trainer's divergence check (<see cref="Training.TrainingDivergedException"/>) reports them
/// once per batch instead of every kernel testing every value. A NaN in a row of x makes that row's h_t NaN and
/// leaves the other rows bit for bit as they were (rows never mix); through the weight gradients, which sum over
/// rows, it reaches every weight. A NaN in a weight reaches every row. An infinite pre-activation saturates:
/// σ(+∞) = 1, σ(−∞) = 0, tanh(±∞) = ±1, and the derivative there is exactly 0 (s·(1 − s), 1 − tanh²), so
/// saturation itself makes no NaN; but ±∞ inputs can meet in a matrix product as ∞ − ∞ = NaN.
/// </para>
/// </summary>
internal unsafe interface IRecurrentCell
{
    /// <summary>Weight blocks per layer: 1 for SimpleRNN, 3 for GRU, 4 for LSTM.</summary>
    int Gates { get; }

    /// <summary>Whether the cell carries a memory c_t besides h_t (the LSTM).</summary>
    bool HasMemory { get; }

    /// <summary>Whether the backward pass reads the hidden projections of every step (the GRU's h_n).</summary>
    bool KeepsHiddenProjections { get; }

    /// <summary>
    /// Whether dL/d(hidden projection) differs from dL/d(input projection) (the GRU's reset gate scales
    /// h_n); where they are equal the cell writes the input one only and the workspace shares it.
    /// </summary>
    bool ProjectionGradientsDiffer { get; }

    /// <summary>From the step's input and hidden projections, writes the activations and h_t.</summary>
    void Activate(RecurrenceWorkspace ws, int t, int row0, int rows);

    /// <summary>
    /// From dL/dh_t (<paramref name="dh"/>), writes the gradients of the step's input and hidden
    /// projections and the part of dL/dh_{t−1} that does not pass through W_hh (<paramref name="dhPrevious"/>);
    /// a cell with memory also turns the workspace's dL/dc_t into dL/dc_{t−1}.
    /// Both pointers are already offset to <paramref name="row0"/>.
    /// </summary>
    void Differentiate(RecurrenceWorkspace ws, int t, int row0, int rows, float* dh, float* dhPrevious);
}
