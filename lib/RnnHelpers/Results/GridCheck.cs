namespace RnnHelpers.Results;

/// <summary>
/// A store held against a grid: the grid's runs it holds (each read and validated), the ones it lacks,
/// and run files it holds that the grid does not name (other sweeps; not an error).
/// </summary>
public sealed record GridCheck(IReadOnlyList<string> Present, IReadOnlyList<string> Missing, IReadOnlyList<string> Extra)
{
    public bool Complete => Missing.Count == 0;
}
