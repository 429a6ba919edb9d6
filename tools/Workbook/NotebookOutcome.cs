namespace Workbook;

/// <summary>The outcome of one notebook: passed or not, how long, and the first error.</summary>
public sealed record NotebookOutcome(string Notebook, bool Passed, TimeSpan Elapsed, string? Error, string OutputPath);
