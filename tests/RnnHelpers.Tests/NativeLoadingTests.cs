using RnnHelpers.Native;

namespace RnnHelpers.Tests;

/// <summary>Which libtorch the runtime loads from a NuGet package cache holding several versions.</summary>
public class NativeLoadingTests
{
    private static void Nuspec(string root, string id, string version, string dependencies, string description = "")
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, id, version)).FullName;
        File.WriteAllText(Path.Combine(dir, id + ".nuspec"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                <description>{description}</description>
                <dependencies><group targetFramework="net8.0">{dependencies}</group></dependencies>
              </metadata>
            </package>
            """);
    }

    private static void LibTorch(string root, string version)
    {
        var native = Directory.CreateDirectory(Path.Combine(root, "libtorch-cpu-linux-x64", version, "runtimes", "linux-x64", "native")).FullName;
        File.WriteAllBytes(Path.Combine(native, "libtorch_cpu.so"), []);
    }

    private static string Version(string? nativeDir) => Path.GetFileName(Path.GetFullPath(Path.Combine(nativeDir!, "..", "..", "..")));

    [Fact]
    public void With_2_5_1_beside_2_10_0_the_version_torchsharp_depends_on_is_loaded()
    {
        using var cache = new TempDir();
        Nuspec(cache.Path, "torchsharp-cpu", "0.107.0", """<dependency id="libtorch-cpu" version="2.10.0" /><dependency id="TorchSharp" version="0.107.0" />""");
        Nuspec(cache.Path, "libtorch-cpu", "2.10.0", """<dependency id="libtorch-cpu-linux-x64" version="2.10.0" />""");
        LibTorch(cache.Path, "2.5.1");  // sorts above 2.10.0 as text
        LibTorch(cache.Path, "2.10.0");
        LibTorch(cache.Path, "2.9.0");

        Assert.Equal("2.10.0", Version(TorchRuntime.LibTorchDirectory(cache.Path, "0.107.0")));
    }

    [Fact]
    public void Without_torchsharp_cpu_the_version_in_torchsharps_own_nuspec_is_used()
    {
        using var cache = new TempDir();
        Nuspec(cache.Path, "torchsharp", "0.107.0", "",
            ".NET Bindings for Torch. Requires reference to one of libtorch-cpu, libtorch-cuda-12.8 version 2.10.0.0 to execute.");
        LibTorch(cache.Path, "2.5.1");
        LibTorch(cache.Path, "2.10.0");

        Assert.Equal("2.10.0", Version(TorchRuntime.LibTorchDirectory(cache.Path, "0.107.0")));
    }

    [Fact]
    public void A_cache_without_the_needed_version_is_a_clear_error_not_another_version()
    {
        using var cache = new TempDir();
        Nuspec(cache.Path, "torchsharp-cpu", "0.107.0", """<dependency id="libtorch-cpu" version="[2.10.0]" />""");
        LibTorch(cache.Path, "2.5.1");

        var e = Assert.Throws<TorchNativeException>(() => TorchRuntime.LibTorchDirectory(cache.Path, "0.107.0"));
        Assert.Contains("needs libtorch-cpu-linux-x64 2.10.0", e.Message);
        Assert.Contains("found 2.5.1", e.Message);
    }

    [Fact]
    public void Several_versions_and_no_metadata_is_a_clear_error()
    {
        using var cache = new TempDir();
        LibTorch(cache.Path, "2.5.1");
        LibTorch(cache.Path, "2.10.0");
        var e = Assert.Throws<TorchNativeException>(() => TorchRuntime.LibTorchDirectory(cache.Path, "0.107.0"));
        Assert.Contains("2.5.1, 2.10.0", e.Message.Replace("2.10.0, 2.5.1", "2.5.1, 2.10.0"));
    }

    [Fact]
    public void The_real_package_cache_names_the_libtorch_this_torchsharp_ships_with()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3);
        if (!Directory.Exists(Path.Combine(root, "torchsharp", version)))
            return; // restored elsewhere
        Assert.Equal("2.10.0", TorchRuntime.RequiredLibTorchVersion(root, version));
    }

    // The bench keeps libtorch's LSTM in its fast mode by telling glibc to keep freed memory; on this project's Linux
    // machines (glibc) both settings must take, or the peer's times fall back to the luck of the run.
    [Fact]
    public void Glibc_accepts_the_allocator_settings_the_bench_asks_for()
    {
        if (GlibcMalloc.Version() is null)
            return; // not Linux, or another C library: the bench says so in its log and leaves the allocator alone
        Assert.True(GlibcMalloc.KeepFreedMemory());
    }
}
