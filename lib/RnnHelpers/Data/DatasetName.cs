namespace RnnHelpers.Data;

/// <summary>The datasets the workbook knows how to acquire.</summary>
public enum DatasetName
{
    Mnist,
    FashionMnist,
}
