using System.CommandLine;

namespace Workbook;

/// <summary><c>export --html DIR [NOTEBOOK...]</c>: the offline HTML edition of the executed notebooks.</summary>
public static class ExportCommand
{
    /// <summary>The <c>export</c> verb.</summary>
    public static Command Create()
    {
        var html = new Option<string>("--html") { Description = "Folder to write the static site into (index.html, one page per notebook, assets/).", Required = true };
        var notebooks = new Argument<string[]>("NOTEBOOK") { Arity = ArgumentArity.ZeroOrMore, Description = "Executed notebooks (default: every notebooks/*.ipynb, in order)." };
        var command = new Command("export", "Write an offline HTML edition of the executed notebooks: charts, equations and navigation, no network request.") { html, notebooks };
        command.SetAction(r => Export(r.GetValue(html)!, r.GetValue(notebooks) ?? []));
        return command;
    }

    private static int Export(string outDir, string[] notebooks)
    {
        var list = notebooks.Length > 0
            ? notebooks.Select(Path.GetFullPath).ToArray()
            : Directory.GetFiles(RepoLayout.Notebooks, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
        if (list.Length == 0)
        {
            Console.Error.WriteLine("No notebooks to export.");
            return 2;
        }
        if (list.FirstOrDefault(n => !File.Exists(n)) is { } missing)
        {
            Console.Error.WriteLine($"{missing}: not found.");
            return 2;
        }
        string katex;
        try
        {
            katex = KatexVendor.Ensure();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"KaTeX (for the equations) is not available: {e.Message}");
            return 1;
        }
        try
        {
            var pages = new HtmlEdition(outDir, katex).Build(Path.Combine(RepoLayout.Root, "README.md"), list);
            Console.WriteLine($"wrote {pages.Count} pages to {Path.GetFullPath(outDir)}; open {Path.Combine(Path.GetFullPath(outDir), "index.html")}");
            return 0;
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
