namespace RnnHelpers.Results;

/// <summary>One way two stores differ for one run file: it is missing on one side, or its numbers differ.</summary>
public sealed record StoreDifference(string FileName, string Problem)
{
    public override string ToString() => $"{FileName}: {Problem}";
}
