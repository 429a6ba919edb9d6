using RnnHelpers.Models.Recurrence;

namespace RnnHelpers.Models;

/// <summary>
/// Everything the workbook states about one of its three recurrent models, in one row. Every other place
/// that needs a name, a gate count, an article figure or a colour for a model reads it from <see cref="All"/>,
/// so a model is spelled the same way in notebooks, the CLI, the results store, tables and charts.
/// </summary>
/// <param name="Kind">The enum value code passes around.</param>
/// <param name="Id">Identifier in file names, run keys, the results store and on the command line ("simple-rnn").</param>
/// <param name="DisplayName">The Keras class name, used in prose, tables and chart legends ("SimpleRNN").</param>
/// <param name="KerasLayerName">The name Keras gives the first such layer in <c>model.summary()</c> ("simple_rnn").</param>
/// <param name="TorchModuleName">libtorch's module name for the same layer (torch.nn.RNN, LSTM, GRU), kept so
/// checkpoints and module listings read as libtorch's do.</param>
/// <param name="Gates">Weight blocks per layer: the stacked rows of W (input kernel) and U (recurrent kernel)
/// are <c>Gates × H</c>. SimpleRNN 1; LSTM 4 (i, f, g, o); GRU 3 (z, r, n). Source: Keras'
/// <c>keras/src/layers/rnn/{simple_rnn,lstm,gru}.py</c>.</param>
/// <param name="BiasesPerGate">Bias vectors per gate in Keras: one, except GRU with <c>reset_after=True</c>
/// (the Keras default and the libtorch form), which has an input and a recurrent bias.</param>
/// <param name="ArticleParameterCount">Total parameters the source article reports for its 64-unit model
/// (recurrent layer, batch normalisation with its moving statistics, dense layer).</param>
/// <param name="ArticleAccuracyPercent">Test accuracy in percent the article reports after 10 epochs ("roughly").</param>
/// <param name="ChartColour">Colour of the model on every chart, as a #rrggbb string (matplotlib's tab10 palette).</param>
public sealed record ModelFacts(
    RecurrentKind Kind,
    string Id,
    string DisplayName,
    string KerasLayerName,
    string TorchModuleName,
    int Gates,
    int BiasesPerGate,
    int ArticleParameterCount,
    double ArticleAccuracyPercent,
    string ChartColour)
{
    /// <summary>The fused CPU kernel that runs this model's time loop.</summary>
    internal IRecurrentCell Cell { get; private init; } = null!;

    /// <summary>Colour for a model this table does not know (grey in the same palette).</summary>
    public const string UnknownColour = "#7f7f7f";

    /// <summary>The three models in table and chart order: SimpleRNN, LSTM, GRU (the order of <see cref="RecurrentKind"/>).</summary>
    public static IReadOnlyList<ModelFacts> All { get; } =
    [
        new(RecurrentKind.SimpleRnn, "simple-rnn", "SimpleRNN", "simple_rnn", "RNN", Gates: 1, BiasesPerGate: 1, 6_858, 96, "#1f77b4") { Cell = SimpleRnnCell.Instance },
        new(RecurrentKind.Lstm, "lstm", "LSTM", "lstm", "LSTM", Gates: 4, BiasesPerGate: 1, 24_714, 96, "#d62728") { Cell = LstmCell.Instance },
        new(RecurrentKind.Gru, "gru", "GRU", "gru", "GRU", Gates: 3, BiasesPerGate: 2, 18_954, 95, "#2ca02c") { Cell = GruCell.Instance },
    ];

    /// <summary>The row for <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For a value outside the enum.</exception>
    public static ModelFacts Of(RecurrentKind kind) =>
        (int)kind >= 0 && (int)kind < All.Count ? All[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), kind, null);

    /// <summary>
    /// The row whose <see cref="Id"/> or <see cref="DisplayName"/> equals <paramref name="text"/>, ignoring case and
    /// surrounding white space, or null. Nothing else is accepted, so each model has exactly two spellings.
    /// </summary>
    public static ModelFacts? Find(string? text)
    {
        string trimmed = text?.Trim() ?? "";
        return All.FirstOrDefault(f => string.Equals(f.Id, trimmed, StringComparison.OrdinalIgnoreCase)
                                    || string.Equals(f.DisplayName, trimmed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>What <see cref="Find"/> accepts, for error messages: "simple-rnn, lstm, gru (or SimpleRNN, LSTM, GRU)".</summary>
    public static string Accepted =>
        $"{string.Join(", ", All.Select(f => f.Id))} (or {string.Join(", ", All.Select(f => f.DisplayName))}; case does not matter)";
}
