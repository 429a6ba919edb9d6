namespace RnnHelpers.Models;

/// <summary>One row of a Keras-style model summary.</summary>
public sealed record LayerSummary(string Name, string Type, string OutputShape, long Parameters, long NonTrainable);
