namespace RnnHelpers.Results;

/// <summary>
/// A claim of the source article checked against the runs: the rule applied (stated before the outcome), the outcome in
/// that rule's words, the evidence with its numbers, and the accuracy measure it rests on (null when none is involved).
/// </summary>
public sealed record Verdict(string Claim, AccuracyMeasure? Measure, string Rule, string Outcome, string Evidence);
