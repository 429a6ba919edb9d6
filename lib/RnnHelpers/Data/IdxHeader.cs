namespace RnnHelpers.Data;

/// <summary>The parsed header of an IDX file.</summary>
public sealed record IdxHeader(int Magic, int Count, IReadOnlyList<int> Dimensions, bool Gzipped)
{
    /// <summary>Magic number of an IDX file of unsigned-byte images, [n, rows, columns].</summary>
    public const int ImagesMagic = 2051;
    /// <summary>Magic number of an IDX file of unsigned-byte labels, [n].</summary>
    public const int LabelsMagic = 2049;

    /// <summary>Bytes of payload the header promises.</summary>
    public long PayloadLength => Dimensions.Aggregate((long)Count, (acc, d) => acc > int.MaxValue ? long.MaxValue : acc * d);

    /// <summary>Header length in bytes: magic, count and one int32 per extra dimension.</summary>
    public int HeaderLength => 8 + 4 * Dimensions.Count;
}
