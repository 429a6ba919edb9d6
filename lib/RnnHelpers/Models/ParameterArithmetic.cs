using RnnHelpers.Results;

namespace RnnHelpers.Models;

/// <summary>Why each layer has the parameter count it has: the Keras formula, evaluated, beside the count taken from the module.</summary>
public static class ParameterArithmetic
{
    /// <summary>Gates (weight blocks) per recurrent layer: SimpleRNN 1, GRU 3, LSTM 4 (<see cref="ModelFacts.Gates"/>).</summary>
    public static int Gates(RecurrentKind kind) => ModelFacts.Of(kind).Gates;

    /// <summary>Biases per gate in Keras: one, except GRU with reset_after=True which has two (<see cref="ModelFacts.BiasesPerGate"/>).</summary>
    public static int BiasesPerGate(RecurrentKind kind) => ModelFacts.Of(kind).BiasesPerGate;

    public static long Recurrent(RecurrentKind kind, int features, int hidden) =>
        (long)Gates(kind) * (features * hidden + hidden * hidden + BiasesPerGate(kind) * hidden);

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
