using System.Text;

namespace RnnHelpers.Data;

/// <summary>
/// Names what a file that is not an IDX (or gzip) file looks like, from its first bytes, so an error can
/// tell the user what they have: an HTML page served instead of a download, a Git LFS pointer, a text or
/// CSV export, or an IDX header written in little-endian byte order.
/// </summary>
public static class ContentSniffer
{
    /// <summary>Bytes worth reading from the start of a file for <see cref="Describe"/>.</summary>
    public const int HeadLength = 512;

    /// <summary>
    /// A short description ("an HTML page", "a Git LFS pointer ...", ...) with what to do about it, or null when
    /// the bytes look like none of the known wrong kinds (e.g. a big-endian IDX header or gzip data).
    /// </summary>
    public static string? Describe(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[0] is >= 1 and <= 3 && head[1] == 0x08 && head[2] == 0 && head[3] == 0)
            return $"an IDX header written in little-endian byte order (magic bytes {head[0]:x2} {head[1]:x2} 00 00, " +
                   $"expected 00 00 08 {head[0]:x2}): the file was written byte-swapped; IDX stores every header integer big-endian";
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            return null;
        if (!LooksLikeText(head))
            return null;
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith("version https://git-lfs", StringComparison.Ordinal))
            return "a Git LFS pointer, not the file itself: fetch the real content with 'git lfs pull' (or download the file directly)";
        if (text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase) ||
            text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<head", StringComparison.OrdinalIgnoreCase))
            return "an HTML/XML page (an error or login page served in place of the file)";
        if (text.StartsWith('{') || text.StartsWith('['))
            return "JSON text, not a binary IDX file";
        var firstLine = text.Split('\n')[0];
        if (firstLine.Count(c => c == ',') >= 2 || firstLine.Count(c => c == ';') >= 2 || firstLine.Count(c => c == '\t') >= 2)
            return "a text/CSV export, not a binary IDX file: use the original IDX files (raw or .gz), not a CSV conversion";
        return "plain text, not a binary IDX file";
    }

    /// <summary><see cref="Describe(ReadOnlySpan{byte})"/> of a file's first bytes; null if it cannot be read.</summary>
    public static string? DescribeFile(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var head = new byte[HeadLength];
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Describe(head.AsSpan(0, n));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Printable ASCII, whitespace or UTF-8 continuation bytes only; IDX headers start with two zero bytes.
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0)
            return false;
        foreach (var b in head)
            if (b < 0x09 || (b > 0x0d && b < 0x20) || b == 0x7f)
                return false;
        return true;
    }
}
