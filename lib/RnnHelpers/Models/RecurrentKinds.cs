namespace RnnHelpers.Models;

/// <summary>Lookups into <see cref="ModelFacts"/> under the names notebooks, the CLI and the results store use.</summary>
public static class RecurrentKinds
{
    /// <summary>SimpleRNN, LSTM, GRU: the order of tables and charts.</summary>
    public static IReadOnlyList<RecurrentKind> All { get; } = [.. ModelFacts.All.Select(f => f.Kind)];

    /// <summary>The model's row of facts.</summary>
    public static ModelFacts Facts(this RecurrentKind kind) => ModelFacts.Of(kind);

    /// <summary>Identifier used in file names and on the command line: simple-rnn, lstm, gru.</summary>
    public static string Id(this RecurrentKind kind) => ModelFacts.Of(kind).Id;

    /// <summary>The Keras class name: SimpleRNN, LSTM, GRU.</summary>
    public static string DisplayName(this RecurrentKind kind) => ModelFacts.Of(kind).DisplayName;

    /// <summary>Parameter count the source article reports for its 64-unit model.</summary>
    public static int ArticleParameterCount(this RecurrentKind kind) => ModelFacts.Of(kind).ArticleParameterCount;

    /// <summary>Test accuracy (percent) the source article reports after 10 epochs ("roughly").</summary>
    public static double ArticleAccuracyPercent(this RecurrentKind kind) => ModelFacts.Of(kind).ArticleAccuracyPercent;

    /// <summary>The model named by its id or display name (any case), or null for any other text.</summary>
    public static RecurrentKind? TryParse(string text) => ModelFacts.Find(text)?.Kind;

    /// <summary>Position of a model identifier in tables and charts: SimpleRNN, LSTM, GRU, then anything else.</summary>
    public static int SortOrder(string id) => TryParse(id) is { } kind ? (int)kind : int.MaxValue;

    /// <summary>The model named by its id or display name, in any case ("lstm", "LSTM", "simple-rnn", "SimpleRNN").</summary>
    /// <exception cref="ArgumentException">For any other text; the message lists what is accepted.</exception>
    public static RecurrentKind Parse(string text) =>
        TryParse(text) ?? throw new ArgumentException($"Model '{text}' is not known; use {ModelFacts.Accepted}.", "Model");
}
