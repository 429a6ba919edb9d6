namespace RnnHelpers.Benchmarks;

/// <summary>One performance target checked against a benchmark run.</summary>
public sealed record TargetCheck(string Target, string Measured, bool Met);
