using System.Globalization;

namespace RnnHelpers.Results;

/// <summary>
/// One part of a grid split into <see cref="Count"/> parts: <c>i/n</c> with shards numbered 0..n-1,
/// as a Slurm array <c>--array=0-(n-1)</c> numbers its tasks.
/// </summary>
public readonly record struct Shard
{
    /// <summary>Shard <paramref name="index"/> (from 0) of <paramref name="count"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> is below 1 or <paramref name="index"/> outside 0..count − 1.</exception>
    public Shard(int index, int count)
    {
        if (count < 1)
            throw new ArgumentException($"shard {index}/{count}: the number of shards must be at least 1.");
        if (index < 0 || index >= count)
            throw new ArgumentException($"shard {index}/{count}: the index must be in 0..{count - 1} (shards are numbered from 0).");
        Index = index;
        Count = count;
    }

    /// <summary>This shard's number, from 0.</summary>
    public int Index { get; }

    /// <summary>How many shards the grid is split into.</summary>
    public int Count { get; }

    /// <summary>The whole grid as one shard.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Reads <c>i/n</c>, e.g. <c>2/4</c> (the third of four shards).</summary>
    public static Shard Parse(string text)
    {
        var parts = (text ?? "").Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new ArgumentException($"shard '{text}': expected i/n with 0 <= i < n, e.g. 0/4.");
        return new Shard(index, count);
    }

    /// <summary><c>i/n</c>, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => $"{Index}/{Count}";
}
