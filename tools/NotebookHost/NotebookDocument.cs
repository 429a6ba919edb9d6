using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookHost;

/// <summary>An .ipynb file kept as JSON so that cell ids, metadata and anything unknown survive a round trip.</summary>
public sealed class NotebookDocument
{
    private NotebookDocument(string path, JsonObject root)
    {
        Path = path;
        Root = root;
    }

    public string Path { get; }
    public JsonObject Root { get; }
    public JsonArray Cells => (JsonArray)Root["cells"]!;

    public static NotebookDocument Load(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
        if (node is not JsonObject root || root["cells"] is not JsonArray || root["nbformat"] is null)
            throw new InvalidDataException($"{path}: not an nbformat notebook (no 'cells' or 'nbformat').");
        return new NotebookDocument(path, root);
    }

    public static string Source(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonValue text => text.GetValue<string>(),
        _ => "",
    };

    public static bool IsCode(JsonObject cell) => (string?)cell["cell_type"] == "code";

    public static bool HasTag(JsonObject cell, string tag) =>
        cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == tag);

    /// <summary>Inserts a code cell after the cell tagged "parameters" (papermill's convention).</summary>
    public void InjectParameters(string code)
    {
        // A notebook executed in place already carries the last run's injected cell; replace it.
        RemoveInjectedParameters();
        int index = Cells.Select((c, i) => (c, i)).Where(p => HasTag((JsonObject)p.c!, "parameters")).Select(p => p.i).DefaultIfEmpty(-1).First();
        if (index < 0)
            throw new InvalidDataException($"{Path}: no cell is tagged 'parameters', so profile values cannot be injected.");
        var cell = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = "injected-parameters",
            ["metadata"] = new JsonObject
            {
                ["tags"] = new JsonArray("injected-parameters"),
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
            },
            ["outputs"] = new JsonArray(),
            ["source"] = code,
        };
        Cells.Insert(index + 1, cell);
    }

    /// <summary>Removes the runner's injected-parameters cell, if any.</summary>
    public void RemoveInjectedParameters()
    {
        for (int i = Cells.Count - 1; i >= 0; i--)
            if (HasTag((JsonObject)Cells[i]!, "injected-parameters"))
                Cells.RemoveAt(i);
    }

    public void Save(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        // Relaxed escaping keeps HTML outputs readable in diffs (the default escapes every < and ').
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(temp, Root.ToJsonString(options) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
