using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RnnHelpers.Data;
using RnnHelpers.Results;

namespace RnnHelpers.Tests;

/// <summary>Processes killed with SIGKILL at the worst moment, then run again.</summary>
public class InterruptionTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        start.ArgumentList.Add(Cli.WorkbookDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return false;
    }

    [Fact]
    public void Training_killed_mid_epoch_resumes_to_the_uninterrupted_history()
    {
        using var dir = new TempDir();
        // Epochs long enough that the kill below lands inside the second one, however fast the kernels get: on 4,000
        // images an epoch took a tenth of a second, and the run could finish before the kill.
        string[] grid = ["train", "--model", "gru", "--seeds", "3", "--epochs", "4", "--train-limit", "20000", "--test-limit", "500"];
        var reference = Cli.Run(TimeSpan.FromMinutes(5), [.. grid, "--results", dir.File("reference")]);
        Assert.True(reference.ExitCode == 0, reference.Output);

        var results = dir.File("interrupted");
        var checkpoints = Path.Combine(results, "checkpoints");
        using (var victim = Start([.. grid, "--results", results]))
        {
            // Wait for the first epoch's checkpoint, then let the second epoch get under way before the kill.
            Assert.True(WaitFor(() => Directory.Exists(checkpoints) && Directory.GetFiles(checkpoints, "*.checkpoint.json").Length > 0, TimeSpan.FromMinutes(3)), "no checkpoint appeared");
            Thread.Sleep(100);
            Assert.False(victim.HasExited, "the run ended before the kill: lengthen its epochs");
            victim.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
            victim.WaitForExit();
        }
        Assert.Empty(Directory.GetFiles(results, "*.json")); // the run was not finished, so no result was written

        var resumed = Cli.Run(TimeSpan.FromMinutes(5), [.. grid, "--results", results, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Output);

        var expected = ResultsStore.Load(Directory.GetFiles(dir.File("reference"), "*.json").Single());
        var actual = ResultsStore.Load(Directory.GetFiles(results, "*.json").Single());
        static object Numbers(RnnHelpers.Training.EpochRecord e) => (e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy);
        Assert.Equal(expected.History.Select(Numbers), actual.History.Select(Numbers));
        Assert.Empty(Directory.GetFiles(checkpoints)); // checkpoint removed once the run is stored
    }

    [Fact]
    public void A_download_killed_midway_is_never_trusted_and_the_next_run_ends_verified()
    {
        using var dir = new TempDir();
        var served = Directory.CreateDirectory(dir.File("served")).FullName;
        foreach (var path in new[] { mnist.Paths.TrainImages, mnist.Paths.TrainLabels, mnist.Paths.TestImages, mnist.Paths.TestLabels })
            File.WriteAllBytes(Path.Combine(served, Path.GetFileName(path) + ".gz"), IdxWriter.Gzip(File.ReadAllBytes(path)));

        using var server = new SlowFileServer(served, bytesPerSecond: 2_000_000);
        var dataDir = dir.File("data");
        string[] fetch = ["data", "fetch", "--dataset", "mnist", "--data-dir", dataDir, "--mirror", server.Url, "--no-packages"];
        var folder = Path.Combine(dataDir, "mnist");

        using (var victim = Start(fetch))
        {
            bool midway = WaitFor(() => Directory.Exists(folder) &&
                Directory.GetFiles(folder, "*.gz", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 500_000), TimeSpan.FromMinutes(2));
            Assert.True(midway, "the download never got under way");
            victim.Kill(entireProcessTree: true);
            victim.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(folder, "train-images-idx3-ubyte")), "a partial download was moved into place");

        server.BytesPerSecond = long.MaxValue;
        var again = Cli.Run(TimeSpan.FromMinutes(3), fetch);
        Assert.True(again.ExitCode == 0, again.Output);
        foreach (var file in DatasetCatalog.Mnist.Files)
            Assert.Equal(file.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(folder, file.Name)));
        Assert.Equal(4, Directory.GetFileSystemEntries(folder).Length); // the interrupted attempt's leftovers are gone
    }
}

/// <summary>A loopback HTTP server that serves a folder's files at a limited rate.</summary>
public sealed class SlowFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly CancellationTokenSource _stop = new();

    public SlowFileServer(string root, long bytesPerSecond)
    {
        _root = root;
        BytesPerSecond = bytesPerSecond;
        int port = FreePort();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public long BytesPerSecond { get; set; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                var path = Path.Combine(_root, Path.GetFileName(context.Request.Url!.AbsolutePath));
                try
                {
                    if (!File.Exists(path)) { context.Response.StatusCode = 404; return; }
                    var bytes = await File.ReadAllBytesAsync(path);
                    context.Response.ContentLength64 = bytes.Length;
                    for (int at = 0; at < bytes.Length; at += 65536)
                    {
                        int n = Math.Min(65536, bytes.Length - at);
                        await context.Response.OutputStream.WriteAsync(bytes.AsMemory(at, n), _stop.Token);
                        if (BytesPerSecond < long.MaxValue)
                            await Task.Delay(TimeSpan.FromSeconds(n / (double)BytesPerSecond), _stop.Token);
                    }
                }
                catch (Exception) { } // the client went away: expected when it is killed
                finally
                {
                    try { context.Response.Close(); } catch (Exception) { }
                }
            });
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
