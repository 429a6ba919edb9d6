namespace RnnHelpers;

/// <summary>
/// The one way the tools and tests find the repository: the nearest folder that holds global.json, lib/ and
/// notebooks/, looked for at and above the running binary first (bin/ sits inside the repository), then the
/// current folder (for a binary started from elsewhere, such as a published tool).
/// </summary>
public static class RepositoryRoot
{
    /// <summary>The root above <see cref="AppContext.BaseDirectory"/> or, failing that, the current folder.</summary>
    /// <exception cref="InvalidOperationException">Neither lies inside the repository.</exception>
    public static string Find() => Find(AppContext.BaseDirectory, Environment.CurrentDirectory);

    /// <summary>The root at or above the first of <paramref name="starts"/> that lies inside the repository (absolute path, no trailing separator).</summary>
    /// <exception cref="InvalidOperationException">None of them does; the message names the folders searched.</exception>
    public static string Find(params string[] starts) =>
        TryFind(starts) ?? throw new InvalidOperationException(
            $"Cannot find the repository root (a folder with global.json, lib/ and notebooks/) at or above {string.Join(" or ", starts)}.");

    /// <summary>As <see cref="Find(string[])"/>, but null when none of <paramref name="starts"/> lies inside the repository.</summary>
    public static string? TryFind(params string[] starts)
    {
        foreach (var start in starts)
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (IsRoot(dir.FullName))
                    return dir.FullName.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return null;
    }

    private static bool IsRoot(string dir) =>
        File.Exists(Path.Combine(dir, "global.json")) && Directory.Exists(Path.Combine(dir, "lib")) && Directory.Exists(Path.Combine(dir, "notebooks"));
}
