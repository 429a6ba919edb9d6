using System.Diagnostics;

namespace RnnHelpers.Data;

/// <summary>
/// An HTTP(S) mirror serving <c>&lt;name&gt;.gz</c>. Every wait is bounded: the response headers by
/// <c>headersTimeout</c>, each read of the body by <c>idleTimeout</c> (a mirror that sends headers and then stalls
/// is given up), and the whole source by the caller's token (the per-source deadline). While a read waits,
/// progress reports say so every <c>progressInterval</c>.
/// </summary>
public sealed class HttpMirrorSource(string baseUrl, HttpClient client, TimeSpan headersTimeout, TimeSpan? idleTimeout = null, TimeSpan? progressInterval = null) : IDatasetSource
{
    private readonly TimeSpan idle = idleTimeout ?? TimeSpan.FromSeconds(30);
    private readonly TimeSpan interval = progressInterval ?? TimeSpan.FromSeconds(5);

    /// <summary>What the source is, for messages.</summary>
    public string Description => $"mirror {baseUrl}";

    /// <summary>Downloads the file (gzipped, as mirrors serve it) into <paramref name="stagingDir"/>; <see cref="SourceFileMissingException"/> on HTTP 404, <see cref="DatasetException"/> on a timeout, stall or other failure.</summary>
    public async Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        var url = baseUrl + file.Name + ".gz";
        var target = Path.Combine(stagingDir, file.Name + ".gz");
        progress?.Report(new AcquisitionProgress(file.Name, Description, 0, null, "connect"));
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(headersTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DatasetException(url, $"sent no response headers within {headersTimeout.TotalSeconds:0.#} s");
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                throw new SourceFileMissingException(url, "HTTP 404: the mirror does not have this file");
            response.EnsureSuccessStatusCode();
            long? total = response.Content.Headers.ContentLength;
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            var buffer = new byte[1 << 16];
            long bytes = 0, reported = 0;
            while (true)
            {
                int n = await ReadWithIdleTimeoutAsync(body, buffer, url, file, bytes, total, progress, ct).ConfigureAwait(false);
                if (n == 0)
                    break;
                if (bytes == 0 && !(n >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b))
                {
                    // An answer that is not gzip (an error page with status 200) is refused at once, by what it is.
                    string what = ContentSniffer.Describe(buffer.AsSpan(0, Math.Min(n, ContentSniffer.HeadLength))) ?? "data that is not gzip";
                    throw new DatasetException(url, $"answered HTTP {(int)response.StatusCode} ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}) with {what}");
                }
                await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                bytes += n;
                if (bytes - reported >= 1 << 20)
                {
                    progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total, "download"));
                    reported = bytes;
                }
            }
            if (total is long expected && bytes != expected)
                throw new DatasetException(url, $"closed the connection after {bytes} of {expected} bytes");
            progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total, "download"));
            return target;
        }
    }

    private async Task<int> ReadWithIdleTimeoutAsync(Stream body, byte[] buffer, string url, DatasetFile file, long bytes, long? total,
        IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        using var idleLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idleLimit.CancelAfter(idle);
        var read = body.ReadAsync(buffer, idleLimit.Token).AsTask();
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        using var stopDelays = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (!idleLimit.IsCancellationRequested && await Task.WhenAny(read, Task.Delay(interval, stopDelays.Token)).ConfigureAwait(false) != read)
                progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total,
                    $"waiting: no data for {waiting.Elapsed.TotalSeconds:0} s (gives up after {idle.TotalSeconds:0} s)"));
            return await read.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DatasetException(url, $"stalled: no data for {idle.TotalSeconds:0.#} s after {bytes} bytes{(total is long t ? $" of {t}" : "")}");
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new DatasetException(url, $"closed the connection after {bytes} bytes{(total is long t ? $" of {t}" : "")}: {e.Message}", e);
        }
        finally
        {
            stopDelays.Cancel();
        }
    }
}
