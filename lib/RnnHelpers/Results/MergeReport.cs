namespace RnnHelpers.Results;

/// <summary>What a merge did: run files copied into the target, and runs it already held with identical numbers.</summary>
public sealed record MergeReport(string Target, IReadOnlyList<string> Copied, IReadOnlyList<string> Identical);
