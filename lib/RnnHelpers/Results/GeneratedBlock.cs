namespace RnnHelpers.Results;

/// <summary>
/// Generated text inside a hand-written Markdown file, between two marker lines (HTML comments, so they do not
/// render). Everything outside the markers is kept as written; the text between them is replaced whole.
/// Used for the README's results tables and bench/RESULTS.md.
/// </summary>
/// <param name="StartMarker">The line that opens the block, e.g. <c>&lt;!-- bench:start ... --&gt;</c>.</param>
/// <param name="EndMarker">The line that closes it.</param>
/// <param name="Description">What the block holds, for the error when a document lacks it ("README results block").</param>
public sealed record GeneratedBlock(string StartMarker, string EndMarker, string Description)
{
    /// <summary>Whether <paramref name="document"/> holds the start marker and, after it, the end marker.</summary>
    public bool IsIn(string document) => TryFind(document) is not null;

    /// <summary>
    /// <paramref name="document"/> with the text between the markers replaced by <paramref name="content"/>
    /// (trailing white space trimmed, one newline after each marker).
    /// </summary>
    /// <exception cref="InvalidDataException">The document lacks either marker, or they are in the wrong order.</exception>
    public string Replace(string document, string content)
    {
        var (start, end) = Find(document);
        return document[..(start + StartMarker.Length)] + "\n" + content.TrimEnd() + "\n" + document[end..];
    }

    /// <summary>The text currently between the markers, trimmed.</summary>
    /// <exception cref="InvalidDataException">The document lacks either marker, or they are in the wrong order.</exception>
    public string Extract(string document)
    {
        var (start, end) = Find(document);
        return document[(start + StartMarker.Length)..end].Trim();
    }

    /// <summary>The markers around <paramref name="content"/>, for a document that does not have the block yet.</summary>
    public string Wrap(string content) => StartMarker + "\n" + content.TrimEnd() + "\n" + EndMarker + "\n";

    private (int Start, int End) Find(string document) =>
        TryFind(document) ?? throw new InvalidDataException($"{Description}: no block between '{StartMarker}' and '{EndMarker}'.");

    private (int Start, int End)? TryFind(string document)
    {
        int start = document.IndexOf(StartMarker, StringComparison.Ordinal), end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        return start < 0 || end < start ? null : (start, end);
    }
}
