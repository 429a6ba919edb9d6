using RnnHelpers.Models;

namespace RnnHelpers.Studies;

/// <summary>One run of the long-sequence study: a model, the time steps T an image is read as, the variant and the seed.</summary>
public sealed record SequencePoint(RecurrentKind Kind, int TimeSteps, SequenceVariant Variant, int Seed)
{
    /// <summary>e.g. "LSTM, T = 784, permuted".</summary>
    public string Label => $"{Kind.DisplayName()}, T = {TimeSteps}" + Variant switch
    {
        SequenceVariant.Permuted => ", permuted",
        SequenceVariant.NoForgetBias => ", forget-gate bias 0",
        _ => "",
    };
}
