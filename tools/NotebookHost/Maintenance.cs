namespace NotebookHost;

/// <summary>The host's modes that change committed notebooks without running them: --tidy and --add-images.</summary>
public static class Maintenance
{
    /// <summary>Applies <paramref name="mode"/> to each notebook in place; 0 on success, 2 on a bad notebook or missing props file.</summary>
    public static async Task<int> RunAsync(string mode, string[] notebooks, TextWriter log)
    {
        foreach (var path in notebooks.Select(Path.GetFullPath))
        {
            NotebookDocument notebook;
            try
            {
                notebook = NotebookDocument.Load(path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                log.WriteLine(e.Message);
                return 2;
            }
            if (mode == "--tidy")
            {
                if (FindUp(Path.GetDirectoryName(path)!, "Directory.Packages.props") is not { } props)
                {
                    log.WriteLine($"{path}: no Directory.Packages.props above it");
                    return 2;
                }
                var changes = NotebookSetup.Tidy(notebook, NotebookSetup.PinnedVersions(props));
                if (changes.Count > 0)
                    notebook.Save(path);
                log.WriteLine($"{Path.GetFileName(path)}: {(changes.Count == 0 ? "already tidy" : string.Join("; ", changes))}");
            }
            else
            {
                var added = await ChartImager.AddImagesAsync(notebook, log);
                if (added > 0)
                    notebook.Save(path);
                log.WriteLine($"{Path.GetFileName(path)}: {added} chart image(s) added");
            }
        }
        return 0;
    }

    private static string? FindUp(string start, string file)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, file)))
                return Path.Combine(dir.FullName, file);
        return null;
    }
}
