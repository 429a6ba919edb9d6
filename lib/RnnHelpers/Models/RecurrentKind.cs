namespace RnnHelpers.Models;

/// <summary>The three recurrent layers compared in the workbook; their names and facts are in <see cref="ModelFacts"/>.</summary>
public enum RecurrentKind
{
    SimpleRnn,
    Lstm,
    Gru,
}
