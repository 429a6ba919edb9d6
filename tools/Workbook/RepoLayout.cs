using System.Reflection;

namespace Workbook;

/// <summary>Where things are in the repository, found from the running binary or the current folder.</summary>
public static class RepoLayout
{
    /// <summary>The repository root (<see cref="RnnHelpers.RepositoryRoot"/>).</summary>
    public static string Root { get; } = RnnHelpers.RepositoryRoot.Find();

    /// <summary>The notebooks folder.</summary>
    public static string Notebooks => Path.Combine(Root, "notebooks");
    /// <summary>The data folder.</summary>
    public static string Data => Path.Combine(Root, "data");
    /// <summary>The committed results folder.</summary>
    public static string Results => Path.Combine(Root, "results");

    /// <summary>The build configuration of this tool (Debug or Release), so the host it starts is of the same build.</summary>
    public static string Configuration =>
        typeof(RepoLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";

    /// <summary>The kernel host built beside this tool.</summary>
    public static string NotebookHost => Path.Combine(Root, "tools", "NotebookHost", "bin", Configuration, "net10.0", "NotebookHost.dll");

    /// <summary>The library build the notebooks reference with #r.</summary>
    public static string NotebookLibrary => Path.Combine(Root, "lib", "RnnHelpers", "bin", "Debug", "net10.0", "RnnHelpers.dll");
}
