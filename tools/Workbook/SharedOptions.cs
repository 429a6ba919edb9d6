using System.CommandLine;
using RnnHelpers.Models;

namespace Workbook;

/// <summary>Options that several verbs take, declared once so they read and validate alike.</summary>
public static class SharedOptions
{
    /// <summary><c>--model</c>: a model id or <c>all</c> (default).</summary>
    public static Option<string> Model()
    {
        string[] ids = [.. ModelFacts.All.Select(f => f.Id), "all"];
        var model = new Option<string>("--model") { Description = $"{string.Join(", ", ids[..^1])} or all.", DefaultValueFactory = _ => "all" };
        model.AcceptOnlyFromAmong(ids);
        return model;
    }

    /// <summary>The models an accepted --model value names.</summary>
    public static IReadOnlyList<RecurrentKind> Models(string value) => value == "all" ? RecurrentKinds.All : [RecurrentKinds.Parse(value)];

    /// <summary><c>--dataset</c>: mnist (default) or fashion.</summary>
    public static Option<string> Dataset()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist or fashion.", DefaultValueFactory = _ => "mnist" };
        dataset.AcceptOnlyFromAmong("mnist", "fashion");
        return dataset;
    }

    /// <summary><c>--threads</c>: the run's thread count (<see cref="RnnHelpers.Training.TrainingOptions.Threads"/>; docs/notation.md, "Threads").</summary>
    public static Option<int?> Threads() => new("--threads") { Description = "Row blocks the recurrent kernels split each batch into (libtorch runs single-threaded while training); part of a run's key. Default: all cores. See docs/notation.md, Threads." };
}
