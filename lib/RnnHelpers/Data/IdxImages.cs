namespace RnnHelpers.Data;

/// <summary>Images of an IDX3 file: <c>Count</c> images of <c>Rows</c> x <c>Columns</c> bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);
