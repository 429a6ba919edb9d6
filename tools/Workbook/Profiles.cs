namespace Workbook;

/// <summary>Parameter values a profile injects after each notebook's parameters cell.</summary>
public static class Profiles
{
    /// <summary>The profile names <c>--profile</c> accepts.</summary>
    public static readonly string[] Names = ["smoke", "full"];

    /// <summary>Assignments to the parameters-cell variables; <paramref name="resultsDir"/> null keeps the notebook's own.</summary>
    public static ParameterInjection Injection(string profile, string? resultsDir) => profile switch
    {
        "smoke" => new([new("Epochs", 1), new("TrainLimit", 2000), new("TestLimit", 500), new("ResultsDir", resultsDir)]),
        "full" => new([new("Epochs", 10), new("TrainLimit", null), new("TestLimit", null),
            .. resultsDir is null ? Array.Empty<KeyValuePair<string, object?>>() : [new("ResultsDir", resultsDir)]]),
        _ => throw new ArgumentException($"Profile '{profile}' is not known; use smoke or full.", nameof(profile)),
    };
}
