using static TorchSharp.torch;

namespace RnnHelpers.Models.Recurrence;

/// <summary>
/// The buffers of one pass through a fused recurrence: hidden states, per-step activations and,
/// when a backward pass will follow, the per-step gate gradients. They are torch tensors so the
/// whole-sequence products run in libtorch, and they are reused for every batch of the same shape.
/// </summary>
internal sealed unsafe class RecurrenceWorkspace : IDisposable
{
    private readonly Tensor states;
    private readonly Tensor? hiddenProjections, activations, inputGradients, hiddenGradients, carry;
    private readonly float* statesPtr, hiddenProjectionsPtr, activationsPtr, inputGradientsPtr, hiddenGradientsPtr, carryPtr;

    public RecurrenceWorkspace(int steps, int batch, int hidden, int gates, bool history)
    {
        Steps = steps;
        Batch = batch;
        Hidden = hidden;
        Gates = gates;
        History = history;
        int gateWidth = gates * hidden;
        // Without a backward pass only the current and previous step are ever read.
        states = Allocate(history ? steps + 1 : 2, batch, hidden, out statesPtr);
        if (gates > 1)
        {
            hiddenProjections = Allocate(history ? steps : 1, batch, gateWidth, out hiddenProjectionsPtr);
            activations = Allocate(history ? steps : 1, batch, gateWidth, out activationsPtr);
        }
        if (history)
        {
            inputGradients = Allocate(steps, batch, gateWidth, out inputGradientsPtr);
            if (gates > 1)
                hiddenGradients = Allocate(steps, batch, gateWidth, out hiddenGradientsPtr);
            else
            {
                hiddenGradients = inputGradients;
                hiddenGradientsPtr = inputGradientsPtr;
            }
            carry = Allocate(2, batch, hidden, out carryPtr);
        }
    }

    public int Steps { get; }
    public int Batch { get; }
    public int Hidden { get; }
    public int Gates { get; }
    public bool History { get; }

    /// <summary>Counts rentals, so a backward pass can tell that its buffers were reused by a later forward pass.</summary>
    public long Lease { get; set; }

    public bool Fits(int steps, int batch, int hidden, int gates, bool history) =>
        Steps == steps && Batch == batch && Hidden == hidden && Gates == gates && History == history;

    /// <summary>h_t for all rows; h_0 is <c>State(0)</c>.</summary>
    public float* State(int t) => statesPtr + (long)(History ? t : t & 1) * Batch * Hidden;
    public float* HiddenProjection(int t) => hiddenProjectionsPtr + (long)(History ? t : 0) * Batch * Gates * Hidden;
    public float* Activation(int t) => activationsPtr + (long)(History ? t : 0) * Batch * Gates * Hidden;
    public float* InputGradient(int t) => inputGradientsPtr + (long)t * Batch * Gates * Hidden;
    public float* HiddenGradient(int t) => hiddenGradientsPtr + (long)t * Batch * Gates * Hidden;
    public float* Carry(int slot) => carryPtr + (long)slot * Batch * Hidden;

    /// <summary>h_T as a new tensor [batch, hidden].</summary>
    public Tensor LastState() => states[History ? Steps : Steps & 1].clone();

    /// <summary>h_0 … h_{T-1} as [steps · batch, hidden]: the inputs of the recurrent kernel.</summary>
    public Tensor PreviousStates() => states.narrow(0, 0, Steps).view(Steps * Batch, Hidden);

    /// <summary>Gradients of the input projections (x W_ih^T + b_ih), [steps · batch, gates · hidden].</summary>
    public Tensor InputGradients() => inputGradients!.view(Steps * Batch, Gates * Hidden);

    /// <summary>Gradients of the hidden projections (h W_hh^T + b_hh), [steps · batch, gates · hidden].</summary>
    public Tensor HiddenGradients() => hiddenGradients!.view(Steps * Batch, Gates * Hidden);

    public void Dispose()
    {
        states.Dispose();
        hiddenProjections?.Dispose();
        activations?.Dispose();
        inputGradients?.Dispose();
        if (!ReferenceEquals(hiddenGradients, inputGradients))
            hiddenGradients?.Dispose();
        carry?.Dispose();
    }

    private static Tensor Allocate(int slots, int batch, int width, out float* data)
    {
        var tensor = zeros(slots, batch, width, dtype: ScalarType.Float32).DetachFromDisposeScope();
        data = DataPointer(tensor);
        return tensor;
    }

    /// <summary>The first element of a contiguous float32 CPU tensor; valid while the tensor lives.</summary>
    public static float* DataPointer(Tensor tensor)
    {
        if (!tensor.is_contiguous() || tensor.dtype != ScalarType.Float32)
            throw new InvalidOperationException("A fused recurrence needs contiguous float32 tensors.");
        using var storage = tensor.storage<float>();
        return (float*)storage.data_ptr() + tensor.storage_offset();
    }
}
