namespace Workbook;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    /// <summary>Calls the handler on the reporting thread.</summary>
    public void Report(T value) => report(value);
}
