using System.Globalization;

namespace RnnHelpers.Results;

/// <summary>
/// One field in which two stored records differ, as <see cref="RecordDifferences"/> finds it: the field's path
/// (e.g. <c>history[2].testAccuracy</c>) and each side as stored (JSON text, <c>(absent)</c>, or <c>N entries</c>
/// when two lists differ in length).
/// </summary>
public sealed record FieldDifference(string Path, string Left, string Right)
{
    /// <summary>|left − right| in the field's own units when both sides are numbers; otherwise +∞.</summary>
    public double Size =>
        double.TryParse(Left, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) &&
        double.TryParse(Right, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            ? Math.Abs(a - b)
            : double.PositiveInfinity;

    /// <summary><c>path: left vs right</c>, e.g. <c>history[2].testAccuracy: 0.91 vs 0.92</c>.</summary>
    public override string ToString() => $"{Path}: {Left} vs {Right}";
}
