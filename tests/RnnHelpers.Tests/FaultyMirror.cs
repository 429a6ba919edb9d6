using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RnnHelpers.Tests;

/// <summary>How a <see cref="FaultyMirror"/> answers.</summary>
public enum MirrorFault
{
    /// <summary>Serves the files.</summary>
    None,
    /// <summary>HTTP 200 with an HTML error page.</summary>
    HtmlPage,
    /// <summary>Announces the whole length, sends half, closes.</summary>
    HalfThenClose,
    /// <summary>Sends the headers and a few bytes, then nothing.</summary>
    StallAfterHeaders,
    /// <summary>Sends a byte every 200 ms: never idle, never done.</summary>
    Trickle,
}

/// <summary>A loopback HTTP/1.1 server on a raw socket, so it can misbehave mid-body. Counts the requests it gets.</summary>
public sealed class FaultyMirror : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly IReadOnlyDictionary<string, byte[]> files;
    private int requests;

    public FaultyMirror(MirrorFault fault, IReadOnlyDictionary<string, byte[]> files)
    {
        Fault = fault;
        this.files = files;
        listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        _ = Task.Run(AcceptAsync);
    }

    public MirrorFault Fault { get; }
    public string Url { get; }
    public int Requests => Volatile.Read(ref requests);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(stop.Token) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(stop.Token))) { }
                Interlocked.Increment(ref requests);
                var name = Path.GetFileName(requestLine.Split(' ')[1]);
                if (Fault == MirrorFault.HtmlPage)
                {
                    var page = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><h1>Bandwidth limit exceeded</h1></body></html>");
                    await Send(stream, "200 OK", "text/html", page.Length, page);
                    return;
                }
                if (!files.TryGetValue(name, out var body))
                {
                    await Send(stream, "404 Not Found", "text/plain", 0, ReadOnlyMemory<byte>.Empty);
                    return;
                }
                switch (Fault)
                {
                    case MirrorFault.HalfThenClose:
                        await Send(stream, "200 OK", "application/gzip", body.Length, body.AsMemory(0, body.Length / 2));
                        return; // closes with half the announced length sent
                    case MirrorFault.StallAfterHeaders:
                        await Send(stream, "200 OK", "application/gzip", body.Length, body.AsMemory(0, 16));
                        await Task.Delay(Timeout.Infinite, stop.Token);
                        return;
                    case MirrorFault.Trickle:
                        await Send(stream, "200 OK", "application/gzip", body.Length, body.AsMemory(0, 16));
                        for (int at = 16; at < body.Length; at++)
                        {
                            await Task.Delay(200, stop.Token);
                            await stream.WriteAsync(body.AsMemory(at, 1), stop.Token);
                        }
                        return;
                    default:
                        await Send(stream, "200 OK", "application/gzip", body.Length, body);
                        return;
                }
            }
            catch (Exception) { } // the client gave up: expected for the faults
        }
    }

    private async Task Send(NetworkStream stream, string status, string type, long length, ReadOnlyMemory<byte> body)
    {
        var head = $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
        await stream.WriteAsync(body, stop.Token);
        await stream.FlushAsync(stop.Token);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
