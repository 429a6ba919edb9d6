using System.Text.RegularExpressions;

namespace RnnHelpers.Tests;

/// <summary>
/// The layout rule of lib/ and tools/: each public type lives in a file named after it, so a newcomer finds
/// <c>DataOptions</c> in DataOptions.cs. Two exceptions, listed here by name rather than by pattern:
/// a small companion that only makes sense beside the file's type (ExperimentRun, what Experiment.Run returns),
/// a family of exceptions in a plural-named file (DatasetExceptions.cs: the errors data acquisition throws),
/// and ElfVersionPatcher.cs, which build/TorchSharpNativeFix.targets compiles on its own as one source file
/// into an MSBuild task, so the types it needs cannot live elsewhere.
/// </summary>
public class LayoutTests
{
    /// <summary>File (relative to the repository root, forward slashes) → the public types it may hold besides its own.</summary>
    private static readonly Dictionary<string, string[]> AllowedCompanions = new()
    {
        ["lib/RnnHelpers/Experiment.cs"] = ["ExperimentRun"],
        ["lib/RnnHelpers/Data/DatasetExceptions.cs"] =
            ["DatasetException", "IdxFormatException", "ChecksumMismatchException", "DatasetUnavailableException", "UnsafeArchiveEntryException"],
        // One source file for the inline MSBuild task (RoslynCodeTaskFactory takes a single Code Source).
        ["lib/RnnHelpers/Native/ElfVersionPatcher.cs"] = ["ElfPatchOutcome", "ElfFormatException", "PatchTorchSharpNative"],
    };

    // A type declaration at the start of a line: modifiers, the kind, then the name (a delegate has a return type first).
    private static readonly Regex Declaration = new(
        @"^[ \t]*public\s+(?:(?:sealed|static|abstract|readonly|unsafe|partial|ref|new)\s+)*" +
        @"(?:(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+(?<name>\w+)|delegate\s+[\w<>\[\]?,.\s]+?\s+(?<name>\w+)\s*[<(])",
        RegexOptions.Multiline);

    [Fact]
    public void Every_public_type_lives_in_a_file_named_after_it()
    {
        var misplaced = new List<string>();
        foreach (var file in SourceFiles())
        {
            string relative = Path.GetRelativePath(Repo.Root, file).Replace('\\', '/');
            string expected = Path.GetFileNameWithoutExtension(file);
            var allowed = AllowedCompanions.GetValueOrDefault(relative, []);
            foreach (var name in TopLevelPublicTypes(File.ReadAllText(file)))
                if (name != expected && !allowed.Contains(name))
                    misplaced.Add($"{relative}: public type {name} belongs in {name}.cs");
        }
        Assert.True(misplaced.Count == 0, "Public types in files of another name:\n" + string.Join("\n", misplaced));
    }

    [Fact]
    public void The_allowed_companions_still_exist_where_listed()
    {
        foreach (var (file, companions) in AllowedCompanions)
        {
            var types = TopLevelPublicTypes(File.ReadAllText(Path.Combine(Repo.Root, file))).ToList();
            Assert.All(companions, c => Assert.Contains(c, types));
        }
    }

    [Fact]
    public void The_scanner_sees_top_level_types_and_skips_nested_ones_comments_and_strings()
    {
        const string source = """
            namespace A;
            /// <summary>public class InDocComment</summary>
            public sealed record Outer(int X)
            {
                public sealed class Nested { }
                private const string S = "public class InString { }";
                private string T => $"{(X == 1 ? "}" : $"{X}{{")} '}}'";
                private const char C = '{';
            }
            // public class InComment
            public static partial class Second { }
            public delegate void Handler<T>(T value);
            public readonly record struct Third(int Y);
            internal class Hidden { }
            """;
        Assert.Equal(["Outer", "Second", "Handler", "Third"], TopLevelPublicTypes(source));
        Assert.Equal(["Inner"], TopLevelPublicTypes("namespace B\n{\n    public enum Inner { A }\n}\n"));
    }

    private static IEnumerable<string> SourceFiles() =>
        new[] { "lib", "tools" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repo.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Public types declared directly in a namespace (file-scoped or one block namespace), in source order.
    /// Comments and string contents are blanked first, so braces and keywords in them do not count;
    /// then a declaration counts when it starts at the namespace's brace depth.
    /// </summary>
    internal static IReadOnlyList<string> TopLevelPublicTypes(string source)
    {
        string code = Blank(source);
        bool blockNamespace = Regex.IsMatch(code, @"^\s*namespace\s+[\w.]+\s*\{", RegexOptions.Multiline);
        int topDepth = blockNamespace ? 1 : 0;
        var depthAt = new int[code.Length + 1];
        for (int i = 0, depth = 0; i < code.Length; i++)
        {
            depthAt[i] = depth;
            if (code[i] == '{') depth++;
            else if (code[i] == '}') depth--;
        }
        return [.. Declaration.Matches(code).Where(m => depthAt[m.Index] == topDepth).Select(m => m.Groups["name"].Value)];
    }

    /// <summary>The source with comments and string and character literals (holes included) replaced by spaces, newlines kept.</summary>
    private static string Blank(string s)
    {
        var chars = s.ToCharArray();
        int i = 0;
        while (i < s.Length)
        {
            int end = i;
            if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/')
                end = s.IndexOf('\n', i) is var n && n >= 0 ? n : s.Length;
            else if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '*')
                end = s.IndexOf("*/", i + 2, StringComparison.Ordinal) is var c && c >= 0 ? c + 2 : s.Length;
            else if (s[i] is '"' or '\'')
                end = SkipLiteral(s, i);
            if (end == i) { i++; continue; }
            for (int k = i; k < end; k++)
                if (chars[k] != '\n') chars[k] = ' ';
            i = end;
        }
        return new string(chars);
    }

    /// <summary>
    /// The index just past the string or character literal whose opening quote is at <paramref name="i"/>:
    /// regular, verbatim (@), raw (three or more quotes) and interpolated ($), where an interpolation hole
    /// may hold braces and literals of its own.
    /// </summary>
    private static int SkipLiteral(string s, int i)
    {
        char quote = s[i];
        string prefix = s[Math.Max(0, i - 2)..i];
        bool verbatim = prefix.EndsWith('@') || prefix == "@$";
        bool interpolated = prefix.EndsWith('$') || prefix == "$@";
        if (quote == '"' && i + 2 < s.Length && s[i + 1] == '"' && s[i + 2] == '"')
        {
            int run = 0;
            while (i + run < s.Length && s[i + run] == '"') run++;
            int close = s.IndexOf(new string('"', run), i + run, StringComparison.Ordinal);
            return close < 0 ? s.Length : close + run;
        }
        int j = i + 1;
        while (j < s.Length)
        {
            char ch = s[j];
            if (ch == '\\' && !verbatim) { j += 2; continue; }
            if (ch == quote)
            {
                if (verbatim && j + 1 < s.Length && s[j + 1] == quote) { j += 2; continue; }
                return j + 1;
            }
            if (ch == '\n' && !verbatim) return j;
            if (interpolated && ch == '{')
            {
                if (j + 1 < s.Length && s[j + 1] == '{') { j += 2; continue; }
                // A hole: code up to the matching brace.
                int depth = 1;
                j++;
                while (j < s.Length && depth > 0)
                {
                    if (s[j] is '"' or '\'') { j = SkipLiteral(s, j); continue; }
                    if (s[j] == '{') depth++;
                    else if (s[j] == '}') depth--;
                    j++;
                }
                continue;
            }
            j++;
        }
        return s.Length;
    }
}
