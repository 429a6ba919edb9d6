namespace RnnHelpers.Results;

/// <summary>One way two stores differ for one run file: it is missing on one side, or its numbers differ.</summary>
public sealed record StoreDifference(string FileName, string Problem)
{
    /// <summary><c>file: problem</c>.</summary>
    public override string ToString() => $"{FileName}: {Problem}";
}
