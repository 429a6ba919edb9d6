using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookHost;

/// <summary>
/// Turns kernel events of one cell into nbformat outputs. A display that is updated in place
/// (progress) is stored once, in its final state.
/// </summary>
public sealed partial class CellRecorder(int executionCount, string cellKey = "")
{
    private readonly object _gate = new();
    private readonly JsonArray _outputs = [];
    private readonly Dictionary<string, JsonObject> _displays = [];
    private readonly Dictionary<string, JsonObject> _claimed = [];
    private readonly HashSet<string> _packageReports = [];

    public string? Failure { get; private set; }

    public JsonArray Outputs
    {
        get { lock (_gate) return StableIds((JsonArray)_outputs.DeepClone()); }
    }

    /// <summary>
    /// Chart outputs carry a fresh random GUID per run (their div id). Replacing each with a GUID
    /// derived from the cell and its position keeps re-executed notebooks diffable.
    /// </summary>
    private JsonArray StableIds(JsonArray outputs)
    {
        var json = outputs.ToJsonString();
        var map = new Dictionary<string, string>();
        json = GuidPattern().Replace(json, m =>
        {
            if (!map.TryGetValue(m.Value, out var stable))
            {
                var hash = MD5.HashData(Encoding.UTF8.GetBytes($"{cellKey}/{map.Count}"));
                map[m.Value] = stable = new Guid(hash).ToString();
            }
            return stable;
        });
        foreach (var (random, stable) in map)
            json = json.Replace(random.Replace("-", ""), stable.Replace("-", ""));
        return JsonNode.Parse(json)!.AsArray();
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();

    public void On(KernelEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    AppendStream("stdout", Text(o.FormattedValues));
                    break;
                case StandardErrorValueProduced o:
                    AppendStream("stderr", Text(o.FormattedValues));
                    break;
                case ReturnValueProduced r:
                    _outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result",
                        ["execution_count"] = executionCount,
                        ["data"] = Data(r.FormattedValues),
                        ["metadata"] = new JsonObject(),
                    });
                    break;
                // The kernel's report of a #r "nuget:" cell repeats the cell's own pinned versions; it is not the
                // notebook's content, and left in, readers and checks would take its Plotly.NET line for a chart.
                case DisplayedValueUpdated u when IsPackageReport(u.FormattedValues) || u.ValueId is not null && _packageReports.Contains(u.ValueId):
                    break;
                case DisplayedValueProduced d when IsPackageReport(d.FormattedValues):
                    if (d.ValueId is not null)
                        _packageReports.Add(d.ValueId);
                    break;
                case DisplayedValueUpdated u when u.ValueId is not null && Target(u.ValueId) is { } shown:
                    shown["data"] = Data(u.FormattedValues);
                    break;
                case DisplayedValueProduced d:
                    var output = new JsonObject { ["output_type"] = "display_data", ["data"] = Data(d.FormattedValues), ["metadata"] = new JsonObject() };
                    _outputs.Add(output);
                    if (d.ValueId is not null)
                        _displays[d.ValueId] = output;
                    break;
                case CommandFailed f when Failure is null:
                    Fail(f.Exception?.GetType().Name ?? "CommandFailed", f.Message);
                    break;
            }
        }
    }

    public void Fail(string name, string message)
    {
        lock (_gate)
        {
            Failure = message;
            _outputs.Add(new JsonObject
            {
                ["output_type"] = "error",
                ["ename"] = name,
                ["evalue"] = message,
                ["traceback"] = new JsonArray(message.Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            });
        }
    }

    /// <summary>
    /// The output an update replaces. In this kernel version the id on an update can differ from
    /// the id its display was produced with, so an unknown id binds to the latest display not yet
    /// claimed by another update (displays are updated in the order they were made).
    /// </summary>
    private JsonObject? Target(string valueId)
    {
        if (_displays.TryGetValue(valueId, out var known))
            return known;
        var claimed = _claimed.Values.ToHashSet();
        var latest = _outputs.OfType<JsonObject>().LastOrDefault(o => (string?)o["output_type"] == "display_data" && !claimed.Contains(o));
        if (latest is not null)
            _claimed[valueId] = _displays[valueId] = latest;
        return latest;
    }

    private void AppendStream(string name, string text)
    {
        if (_outputs.Count > 0 && _outputs[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
            last["text"] = (string?)last["text"] + text;
        else
            _outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
    }

    /// <summary>
    /// Whether an output bundle is the kernel's list of packages a <c>#r "nuget:"</c> cell installs, in either of its
    /// states: "Installing Packages" while it restores, "Installed Packages" once done (a run can end with either).
    /// </summary>
    public static bool IsPackageReport(JsonObject data) =>
        data["text/html"] is { } html && IsPackageReport(html.ToString());

    private static bool IsPackageReport(IReadOnlyCollection<FormattedValue> values) =>
        values.Any(v => v.MimeType == "text/html" && IsPackageReport(v.Value));

    private static bool IsPackageReport(string html) => PackageReportMarkers.Any(html.Contains);

    /// <summary>The headings of the kernel's package report, while installing and once installed.</summary>
    private static readonly string[] PackageReportMarkers = ["<strong>Installing Packages</strong>", "<strong>Installed Packages</strong>"];

    private static string Text(IReadOnlyCollection<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    private static JsonObject Data(IReadOnlyCollection<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values.Where(v => !v.SuppressDisplay))
            data[v.MimeType] = v.Value;
        return data;
    }
}
