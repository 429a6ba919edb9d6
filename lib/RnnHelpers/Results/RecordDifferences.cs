using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnHelpers.Results;

/// <summary>
/// The one walk over two stored records' fields, shared by <see cref="StoreMerge"/> (the first difference) and
/// <see cref="RunComparison"/> (the largest one). Records are compared as stored (round-trip JSON with
/// <see cref="ResultsStore.Json"/>), so equal means bit-identical; fields named in <see cref="IgnoredFields"/> are
/// skipped at any depth, because they describe the machine and the moment, not the run.
/// </summary>
public static class RecordDifferences
{
    /// <summary>JSON fields (at any depth) left out: wall time, throughput, memory, where and when a run was made.</summary>
    public static IReadOnlySet<string> IgnoredFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "provenance", "seconds", "samplesPerSecond", "evalSeconds", "rssMegabytes", "meanEpochSeconds", "wallSeconds", "startedAt",
    };

    /// <summary>
    /// Every field in which <paramref name="left"/> and <paramref name="right"/> differ, in stored order, lazily (take
    /// the first to stop early). Paths start at the value's own fields (<c>history[2].testAccuracy</c> for a
    /// <see cref="RunRecord"/>, <c>testAccuracy</c> for an <see cref="Training.EpochRecord"/>).
    /// </summary>
    public static IEnumerable<FieldDifference> Of<T>(T left, T right) =>
        Walk(JsonSerializer.SerializeToNode(left, ResultsStore.Json), JsonSerializer.SerializeToNode(right, ResultsStore.Json), "");

    private static IEnumerable<FieldDifference> Walk(JsonNode? left, JsonNode? right, string path)
    {
        switch (left, right)
        {
            case (null, null):
                yield break;
            case (JsonObject l, JsonObject r):
                foreach (var name in l.Select(p => p.Key).Concat(r.Select(p => p.Key)).Distinct())
                {
                    if (IgnoredFields.Contains(name))
                        continue;
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!l.ContainsKey(name) || !r.ContainsKey(name))
                        yield return new FieldDifference(child, Show(l[name], l.ContainsKey(name)), Show(r[name], r.ContainsKey(name)));
                    else
                        foreach (var found in Walk(l[name], r[name], child))
                            yield return found;
                }
                yield break;
            case (JsonArray l, JsonArray r):
                for (int i = 0; i < Math.Min(l.Count, r.Count); i++)
                    foreach (var found in Walk(l[i], r[i], $"{path}[{i}]"))
                        yield return found;
                if (l.Count != r.Count)
                    yield return new FieldDifference(path, $"{l.Count} entries", $"{r.Count}");
                yield break;
            default:
                var (a, b) = (left?.ToJsonString() ?? "null", right?.ToJsonString() ?? "null");
                if (a != b)
                    yield return new FieldDifference(path, a, b);
                yield break;
        }
    }

    private static string Show(JsonNode? node, bool present) => present ? node?.ToJsonString() ?? "null" : "(absent)";
}
