namespace RnnHelpers.Models;

/// <summary>The three recurrent layers compared in the workbook.</summary>
public enum RecurrentKind
{
    SimpleRnn,
    Lstm,
    Gru,
}

/// <summary>Names used by notebooks, the CLI and the results store.</summary>
public static class RecurrentKinds
{
    public static IReadOnlyList<RecurrentKind> All { get; } = [RecurrentKind.SimpleRnn, RecurrentKind.Lstm, RecurrentKind.Gru];

    /// <summary>Identifier used in file names and on the command line: simple-rnn, lstm, gru.</summary>
    public static string Id(this RecurrentKind kind) => kind switch
    {
        RecurrentKind.SimpleRnn => "simple-rnn",
        RecurrentKind.Lstm => "lstm",
        RecurrentKind.Gru => "gru",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The Keras layer name: SimpleRNN, LSTM, GRU.</summary>
    public static string DisplayName(this RecurrentKind kind) => kind switch
    {
        RecurrentKind.SimpleRnn => "SimpleRNN",
        RecurrentKind.Lstm => "LSTM",
        RecurrentKind.Gru => "GRU",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parameter count the source article reports for its 64-unit model.</summary>
    public static int ArticleParameterCount(this RecurrentKind kind) => kind switch
    {
        RecurrentKind.SimpleRnn => 6_858,
        RecurrentKind.Lstm => 24_714,
        RecurrentKind.Gru => 18_954,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Test accuracy (percent) the source article reports after 10 epochs ("roughly").</summary>
    public static double ArticleAccuracyPercent(this RecurrentKind kind) => kind switch
    {
        RecurrentKind.SimpleRnn => 96,
        RecurrentKind.Lstm => 96,
        RecurrentKind.Gru => 95,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The model for an identifier, or null for one this workbook does not know.</summary>
    public static RecurrentKind? TryParse(string text)
    {
        try { return Parse(text); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>Position of a model identifier in tables and charts: SimpleRNN, LSTM, GRU, then anything else.</summary>
    public static int SortOrder(string id) => TryParse(id) is { } kind ? (int)kind : int.MaxValue;

    public static RecurrentKind Parse(string text) => text.Trim().ToLowerInvariant().Replace("_", "-") switch
    {
        "simple-rnn" or "simplernn" or "rnn" => RecurrentKind.SimpleRnn,
        "lstm" => RecurrentKind.Lstm,
        "gru" => RecurrentKind.Gru,
        _ => throw new ArgumentException($"Model '{text}' is not known; use simple-rnn, lstm or gru.", "Model"),
    };
}
