using System.Buffers.Binary;
using System.Text;
using RnnHelpers.Native;

namespace RnnHelpers.Tests;

public class ElfVersionPatcherTests
{
    private const string Lib = ElfVersionPatcher.LibStdCxx;
    private const string Version = ElfVersionPatcher.TorchSharpRequirement;
    private static readonly string[] Allowed = ElfVersionPatcher.TorchSharpAllowedSymbols;

    [Fact]
    public void Marks_the_requirement_weak_and_changes_nothing_else()
    {
        using var dir = new TempDir();
        var path = dir.File("lib.so");
        var original = SyntheticElf.Build();
        File.WriteAllBytes(path, original);

        Assert.True(ElfVersionPatcher.HasStrongRequirement(path, Lib, Version));
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatcher.MarkRequirementWeak(path, Lib, Version, Allowed));

        var patched = File.ReadAllBytes(path);
        Assert.False(ElfVersionPatcher.HasStrongRequirement(path, Lib, Version));
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal([SyntheticElf.NewVersionFlagsOffset], differing);
        Assert.Equal(2, patched[SyntheticElf.NewVersionFlagsOffset]);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
    }

    [Fact]
    public void Second_run_is_a_no_op()
    {
        using var dir = new TempDir();
        var path = dir.File("lib.so");
        File.WriteAllBytes(path, SyntheticElf.Build());
        ElfVersionPatcher.MarkRequirementWeak(path, Lib, Version, Allowed);
        var once = File.ReadAllBytes(path);
        var stamp = File.GetLastWriteTimeUtc(path);

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatcher.MarkRequirementWeak(path, Lib, Version, Allowed));
        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Library_without_the_requirement_is_left_alone()
    {
        var image = SyntheticElf.Build(includeNewVersion: false);
        var copy = (byte[])image.Clone();
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionPatcher.PatchImage("x.so", image, Lib, Version, Allowed));
        Assert.Equal(copy, image);
    }

    [Fact]
    public void Refuses_when_another_symbol_needs_the_version()
    {
        var image = SyntheticElf.Build(otherSymbolNeedsNewVersion: true);
        var copy = (byte[])image.Clone();
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.PatchImage("x.so", image, Lib, Version, Allowed));
        Assert.Contains("other_symbol", e.Message);
        Assert.Equal(copy, image);
    }

    [Theory]
    [InlineData(0, "bad magic")]
    [InlineData(4, "EI_CLASS")]
    [InlineData(5, "EI_DATA")]
    public void Rejects_headers_that_are_not_elf64_little_endian(int offset, string expected)
    {
        var image = SyntheticElf.Build();
        image[offset] = 9;
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.PatchImage("x.so", image, Lib, Version, Allowed));
        Assert.Contains(expected, e.Message);
        Assert.Contains("x.so", e.Message);
    }

    [Fact]
    public void Rejects_a_truncated_file_and_leaves_it_untouched()
    {
        using var dir = new TempDir();
        var path = dir.File("lib.so");
        var image = SyntheticElf.Build()[..200];
        File.WriteAllBytes(path, image);
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MarkRequirementWeak(path, Lib, Version, Allowed));
        Assert.Contains("runs past the end", e.Message);
        Assert.Equal(image, File.ReadAllBytes(path));
    }

    [Fact]
    public void Rejects_a_string_offset_outside_the_string_table()
    {
        var image = SyntheticElf.Build();
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(SyntheticElf.NewVersionFlagsOffset + 4), 0xffff);
        Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.PatchImage("x.so", image, Lib, Version, Allowed));
    }

    [Fact]
    public void Detects_whether_a_libstdcxx_defines_a_version()
    {
        using var dir = new TempDir();
        var path = dir.File("libstdc++.so.6");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0"));
        Assert.True(ElfVersionPatcher.LibraryDefinesVersion(path, "GLIBCXX_3.4.30"));
        Assert.False(ElfVersionPatcher.LibraryDefinesVersion(path, "GLIBCXX_3.4.3"));
        Assert.False(ElfVersionPatcher.LibraryDefinesVersion(path, Version));
    }

    [Fact]
    public void The_build_patched_the_nuget_cache_copy_that_notebooks_load()
    {
        var system = ElfVersionPatcher.FindSystemLibStdCxx();
        if (!OperatingSystem.IsLinux() || system is null || ElfVersionPatcher.LibraryDefinesVersion(system, Version))
            return; // nothing to patch on this system
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(cached), $"{cached} not found");
        Assert.False(ElfVersionPatcher.HasStrongRequirement(cached, Lib, Version), $"{cached} still requires {Version}");
    }

    [Fact]
    public void The_torchsharp_library_this_process_loads_is_loadable_here()
    {
        // Either the system libstdc++ has the version, or the build marked the requirement weak.
        var system = ElfVersionPatcher.FindSystemLibStdCxx();
        var native = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || system is null || !File.Exists(native))
            return;
        if (!ElfVersionPatcher.LibraryDefinesVersion(system, Version))
            Assert.False(ElfVersionPatcher.HasStrongRequirement(native, Lib, Version));
        RnnHelpers.Native.TorchRuntime.EnsureInitialized();
        using var t = TorchSharp.torch.ones(2, 2);
        Assert.Equal(4f, t.sum().item<float>());
    }
}

/// <summary>Builds a minimal ELF64 shared object with .dynstr, .dynsym, .gnu.version and .gnu.version_r.</summary>
internal static class SyntheticElf
{
    private const int VerneedOffset = 0x300;

    /// <summary>Byte offset of vna_flags of the GLIBCXX_3.4.32 Vernaux entry.</summary>
    public const int NewVersionFlagsOffset = VerneedOffset + 16 + 16 + 16 + 16 + 4;

    public static byte[] Build(bool includeNewVersion = true, bool otherSymbolNeedsNewVersion = false)
    {
        var image = new byte[0x400 + 5 * 64];
        var strings = new List<byte> { 0 };
        int Str(string s) { int at = strings.Count; strings.AddRange(Encoding.ASCII.GetBytes(s)); strings.Add(0); return at; }
        int libc = Str("libc.so.6"), glibc = Str("GLIBC_2.34"), libstdcxx = Str("libstdc++.so.6");
        int v30 = Str("GLIBCXX_3.4.30"), v32 = Str(includeNewVersion ? "GLIBCXX_3.4.32" : "GLIBCXX_3.4.29");
        int iosInit = Str("_ZSt21ios_base_library_initv"), other = Str("other_symbol");

        // ELF header
        image[0] = 0x7f; image[1] = (byte)'E'; image[2] = (byte)'L'; image[3] = (byte)'F';
        image[4] = 2; image[5] = 1; image[6] = 1;
        W16(image, 0x10, 3); W16(image, 0x12, 62); W32(image, 0x14, 1);
        W64(image, 0x28, 0x400); W16(image, 0x34, 64); W16(image, 0x3a, 64); W16(image, 0x3c, 5);

        // .dynstr at 0x100
        strings.ToArray().CopyTo(image, 0x100);
        // .dynsym at 0x200: null, ios_base_library_init, other_symbol
        W32(image, 0x200 + 24, (uint)iosInit);
        W32(image, 0x200 + 48, (uint)other);
        // .gnu.version at 0x280
        W16(image, 0x280, 0); W16(image, 0x282, 4); W16(image, 0x284, (ushort)(otherSymbolNeedsNewVersion ? 4 : 3));
        // .gnu.version_r at 0x300: libc (1 aux) then libstdc++ (2 aux)
        int e1 = VerneedOffset, e2 = VerneedOffset + 32;
        W16(image, e1, 1); W16(image, e1 + 2, 1); W32(image, e1 + 4, (uint)libc); W32(image, e1 + 8, 16); W32(image, e1 + 12, 32);
        W32(image, e1 + 16 + 4, 0); W16(image, e1 + 16 + 6, 2); W32(image, e1 + 16 + 8, (uint)glibc);
        W16(image, e2, 1); W16(image, e2 + 2, 2); W32(image, e2 + 4, (uint)libstdcxx); W32(image, e2 + 8, 16); W32(image, e2 + 12, 0);
        W16(image, e2 + 16 + 6, 3); W32(image, e2 + 16 + 8, (uint)v30); W32(image, e2 + 16 + 12, 16);
        W16(image, e2 + 32 + 6, 4); W32(image, e2 + 32 + 8, (uint)v32);

        // Section headers at 0x400: null, dynstr, dynsym, versym, verneed
        Section(image, 1, 3, 0x100, 0x100, 0, 0, 0);
        Section(image, 2, 11, 0x200, 72, 1, 1, 24);
        Section(image, 3, 0x6fffffff, 0x280, 6, 2, 0, 2);
        Section(image, 4, 0x6ffffffe, VerneedOffset, 80, 1, 2, 0);
        return image;
    }

    private static void Section(byte[] image, int index, uint type, long offset, long size, uint link, uint info, long entsize)
    {
        int h = 0x400 + 64 * index;
        W32(image, h + 4, type); W64(image, h + 24, (ulong)offset); W64(image, h + 32, (ulong)size);
        W32(image, h + 40, link); W32(image, h + 44, info); W64(image, h + 56, (ulong)entsize);
    }

    private static void W16(byte[] b, int o, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(o), v);
    private static void W32(byte[] b, int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), v);
    private static void W64(byte[] b, int o, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(o), v);
}
