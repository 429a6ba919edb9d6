namespace RnnHelpers.Results;

/// <summary>
/// A store held against a grid: the grid's runs it holds (each read and validated), the ones it lacks,
/// and run files it holds that the grid does not name (other sweeps; not an error).
/// </summary>
public sealed record GridCheck(IReadOnlyList<string> Present, IReadOnlyList<string> Missing, IReadOnlyList<string> Extra)
{
    /// <summary>True when no run of the grid is missing (extra runs do not count against it).</summary>
    public bool Complete => Missing.Count == 0;
}
