using RnnHelpers.Results;

namespace RnnHelpers.Models;

/// <summary>Why each layer has the parameter count it has: the Keras formula, evaluated, beside the count taken from the module.</summary>
public static class ParameterArithmetic
{
    /// <summary>Gates (weight blocks) per recurrent layer: SimpleRNN 1, GRU 3, LSTM 4 (<see cref="ModelFacts.Gates"/>).</summary>
    public static int Gates(RecurrentKind kind) => ModelFacts.Of(kind).Gates;

    /// <summary>Biases per gate in Keras: one, except GRU with reset_after=True which has two (<see cref="ModelFacts.BiasesPerGate"/>).</summary>
    public static int BiasesPerGate(RecurrentKind kind) => ModelFacts.Of(kind).BiasesPerGate;

    /// <summary>Keras' parameter count of a recurrent layer: gates · (H·D + H·H + biases per gate · H), for D <paramref name="features"/> and H <paramref name="hidden"/>.</summary>
    public static long Recurrent(RecurrentKind kind, int features, int hidden) =>
        (long)Gates(kind) * (features * hidden + hidden * hidden + BiasesPerGate(kind) * hidden);

    /// <summary>
    /// The whole classifier's parameters counted the Keras way: the recurrent layer, batch normalisation's 4·h (γ, β and
    /// the moving mean and variance) and the dense layer's h·10 + 10. Equals <see cref="ModelSummary"/>'s total of the
    /// built module (a test holds them together). <paramref name="features"/> is the input width per time step (28).
    /// </summary>
    public static long Total(RecurrentKind kind, int features, int hidden) =>
        Recurrent(kind, features, hidden) + 4L * hidden + (long)hidden * RecurrentClassifier.Classes + RecurrentClassifier.Classes;

    /// <summary>
    /// The hidden units at which <paramref name="kind"/>'s classifier has the parameter count nearest to
    /// <paramref name="targetParameters"/> (<see cref="Total"/>; on a tie the smaller width). The count grows strictly with
    /// the width, so the search stops at the first width whose count reaches the target.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a target below the 1-unit model's count.
    /// </summary>
    public static int MatchedWidth(RecurrentKind kind, long targetParameters, int features = 28)
    {
        if (targetParameters < Total(kind, features, 1))
            throw new ArgumentOutOfRangeException(nameof(targetParameters), targetParameters,
                $"below the {Total(kind, features, 1)} parameters of a 1-unit {kind.DisplayName()}");
        int h = 1;
        while (Total(kind, features, h + 1) <= targetParameters)
            h++;
        // h is the widest model at or below the target; h + 1 the first above it.
        long below = targetParameters - Total(kind, features, h), above = Total(kind, features, h + 1) - targetParameters;
        return above < below ? h + 1 : h;
    }

    /// <summary>Each layer's formula, evaluated, beside the count taken from the module.</summary>
    public static TextTable Explain(RecurrentClassifier model)
    {
        var summary = ModelSummary.Of(model);
        int f = model.Features, h = model.HiddenUnits, g = Gates(model.Kind), b = BiasesPerGate(model.Kind);
        string gates = g == 1 ? "" : $"{g} × ";
        string recurrentFormula = $"{gates}({f}·{h} input kernel + {h}·{h} recurrent kernel + {(b == 1 ? "" : $"{b}·")}{h} bias)";
        long dense = (long)h * RecurrentClassifier.Classes + RecurrentClassifier.Classes;
        return new TextTable(
            $"{model.Kind.DisplayName()}: parameters by formula and as counted in the module",
            ["layer", "formula", "by formula", "counted"],
            [
                [summary.Layers[0].Name, recurrentFormula, Recurrent(model.Kind, f, h).ToString("N0"), summary.Layers[0].Parameters.ToString("N0")],
                [summary.Layers[1].Name, $"4·{h} (γ, β trainable; moving mean, variance not)", (4L * h).ToString("N0"), summary.Layers[1].Parameters.ToString("N0")],
                [summary.Layers[2].Name, $"{h}·{RecurrentClassifier.Classes} kernel + {RecurrentClassifier.Classes} bias", dense.ToString("N0"), summary.Layers[2].Parameters.ToString("N0")],
                ["total", "", (Recurrent(model.Kind, f, h) + 4L * h + dense).ToString("N0"), summary.Total.ToString("N0")],
                ["article", "", "", model.Kind.ArticleParameterCount().ToString("N0")],
            ]);
    }
}
