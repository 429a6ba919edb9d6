namespace RnnHelpers.Data;

/// <summary>The two standard splits.</summary>
public enum Split
{
    Train,
    Test,
}
