using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;
using NotebookHost;

// Usage: NotebookHost <notebook.ipynb> <output.ipynb> [--inject CODE] [--cell-timeout SECONDS] [--prepare-only]
//        NotebookHost --tidy <notebook.ipynb>...        (setup cells in step with Directory.Packages.props; see NotebookSetup)
//        NotebookHost --add-images <notebook.ipynb>...  (static images for chart outputs that have none; nothing is run)
// Exit codes: 0 all cells ran, 1 a cell failed, 3 a cell timed out, 2 bad arguments or notebook.
var log = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true }; // the kernel redirects Console while a cell runs
if (args.Length >= 2 && args[0] is "--tidy" or "--add-images")
    return await Maintenance.RunAsync(args[0], args[1..], log);
if (args.Length < 2)
{
    log.WriteLine("usage: NotebookHost <notebook.ipynb> <output.ipynb> [--inject CODE] [--cell-timeout SECONDS] [--prepare-only]");
    log.WriteLine("       NotebookHost --tidy|--add-images <notebook.ipynb>...");
    return 2;
}
string input = Path.GetFullPath(args[0]), output = Path.GetFullPath(args[1]);
string? inject = null;
bool prepareOnly = false;
var cellTimeout = TimeSpan.FromMinutes(30);
for (int i = 2; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--inject" when i + 1 < args.Length: inject = args[++i]; break;
        case "--prepare-only": prepareOnly = true; break;
        case "--cell-timeout" when i + 1 < args.Length && double.TryParse(args[i + 1], out var s) && s > 0: cellTimeout = TimeSpan.FromSeconds(s); i++; break;
        default: log.WriteLine($"unknown or incomplete argument '{args[i]}'"); return 2;
    }
}

NotebookDocument notebook;
try
{
    notebook = NotebookDocument.Load(input);
    if (inject is not null)
        notebook.InjectParameters(inject);
}
catch (Exception e) when (e is InvalidDataException or IOException)
{
    log.WriteLine(e.Message);
    return 2;
}

if (prepareOnly)
{
    // Writes the notebook with the profile's parameters injected, for another kernel (dotnet-repl, VS Code) to run.
    notebook.Save(output);
    return 0;
}

var assemblyPaths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
AssemblyLoadContext.Default.Resolving += (context, name) =>
    name.Name is not null && assemblyPaths.TryGetValue(name.Name, out var path) ? context.LoadFromAssemblyPath(path) : null;

var composite = new CompositeKernel();
var loadedExtensions = new HashSet<string>();
var csharp = new CSharpKernel()
    .UseKernelHelpers()
    .UseNugetDirective(async (kernel, references) =>
    {
        foreach (var reference in references)
            foreach (var path in reference.AssemblyPaths)
                assemblyPaths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
        // Like the VS Code kernel: a package's interactive-extensions/dotnet assemblies extend the kernel (Plotly's chart formatter).
        foreach (var reference in references)
        {
            var folder = Path.Combine(reference.PackageRoot, "interactive-extensions", "dotnet");
            if (!Directory.Exists(folder) || !loadedExtensions.Add(folder))
                continue;
            foreach (var dll in Directory.GetFiles(folder, "*.dll"))
            {
                var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
                foreach (var type in assembly.GetExportedTypes().Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null))
                    await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(composite);
            }
        }
    }, false);
composite.Add(csharp, ["c#", "C#"]);
composite.DefaultKernelName = csharp.Name;

int executionCount = 0, cellNumber = 0;
var clock = Stopwatch.StartNew();
foreach (var node in notebook.Cells)
{
    var cell = (JsonObject)node!;
    cellNumber++;
    if (!NotebookDocument.IsCode(cell))
        continue;
    var code = NotebookDocument.Source(cell);
    var recorder = new CellRecorder(++executionCount, $"{Path.GetFileName(input)}/{(string?)cell["id"] ?? cellNumber.ToString()}");
    using (composite.KernelEvents.Subscribe(e => { if (Environment.GetEnvironmentVariable("NOTEBOOKHOST_TRACE") == "1") log.WriteLine($"    event {e.GetType().Name} {(e as Microsoft.DotNet.Interactive.Events.DisplayEvent)?.ValueId}"); recorder.On(e); }))
    {
        var cellClock = Stopwatch.StartNew();
        var run = composite.SendAsync(new SubmitCode(code, csharp.Name));
        bool finished = await Task.WhenAny(run, Task.Delay(cellTimeout)) == run;
        if (!finished)
            recorder.Fail("CellTimeout", $"Cell {cellNumber} did not finish within {cellTimeout.TotalSeconds:0} s and was stopped.");
        else if (run.Result.Events.OfType<Microsoft.DotNet.Interactive.Events.CommandFailed>().FirstOrDefault() is { } failed && recorder.Failure is null)
            recorder.Fail("CommandFailed", failed.Message);

        cell["outputs"] = recorder.Outputs;
        cell["execution_count"] = executionCount;
        log.WriteLine($"  cell {cellNumber}: {(recorder.Failure is null ? "ok" : "FAILED")} ({cellClock.Elapsed.TotalSeconds:F1} s)");
        if (recorder.Failure is not null)
        {
            notebook.Save(output);
            log.WriteLine($"{Path.GetFileName(input)}: cell {cellNumber} failed: {recorder.Failure}");
            log.Flush();
            // A hung cell's thread cannot be stopped; ending the process is the only clean stop.
            Environment.Exit(finished ? 1 : 3);
        }
    }
}

var images = await ChartImager.AddImagesAsync(notebook, log);
if (output == input)
    notebook.RemoveInjectedParameters(); // a notebook executed in place is committed: the profile's values are the runner's, not the notebook's
notebook.Save(output);
log.WriteLine($"{Path.GetFileName(input)}: {executionCount} code cells ran, {images} chart image(s) rendered, in {clock.Elapsed.TotalSeconds:F1} s");
return 0;
