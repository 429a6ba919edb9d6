// This file is compiled twice: into RnnHelpers (tests and notebooks call it) and, by
// RoslynCodeTaskFactory, into the MSBuild task of build/TorchSharpNativeFix.targets.
// The task compiler targets netstandard2.0 with an older C# version, so the code keeps
// to plain C# (no records, no Span, no nullable annotations).
#if RNNHELPERS_LIBRARY
#nullable disable
#endif
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace RnnHelpers.Native
{
    /// <summary>What <see cref="ElfVersionPatcher.MarkRequirementWeak"/> did to a file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The requirement was strong and is now marked weak.</summary>
        Patched,
        /// <summary>The requirement was already weak; the file was not touched.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version; the file was not touched.</summary>
        NotRequired,
    }

    /// <summary>Thrown when a file is not the ELF structure the patcher expects.</summary>
    public class ElfFormatException : Exception
    {
        /// <summary><paramref name="problem"/> says what in <paramref name="path"/> is not as expected.</summary>
        public ElfFormatException(string path, string problem)
            : base("ELF file '" + path + "': " + problem)
        {
            FilePath = path;
            Problem = problem;
        }

        /// <summary>The ELF file.</summary>
        public string FilePath { get; private set; }
        /// <summary>What is not as expected.</summary>
        public string Problem { get; private set; }
    }

    /// <summary>
    /// Marks one symbol-version requirement (a Vernaux entry of SHT_GNU_verneed) weak, so the
    /// dynamic loader accepts a system library that lacks that version.
    /// </summary>
    public static class ElfVersionPatcher
    {
        /// <summary>The system C++ runtime's file name.</summary>
        public const string LibStdCxx = "libstdc++.so.6";
        /// <summary>The symbol version libLibTorchSharp.so 0.107 requires (GCC 13's libstdc++); Debian 12 has up to 3.4.30.</summary>
        public const string TorchSharpRequirement = "GLIBCXX_3.4.32";

        /// <summary>GCC 13's iostream references this symbol only to pin the library version.</summary>
        public static readonly string[] TorchSharpAllowedSymbols = { "_ZSt21ios_base_library_initv" };

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const uint ShtDynsym = 11;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>
        /// Marks the requirement <paramref name="version"/> of <paramref name="library"/> weak.
        /// Refuses (ElfFormatException) when any symbol other than <paramref name="allowedSymbols"/>
        /// is bound to that version, because weakening would then hide a real missing symbol.
        /// The file is replaced atomically; a second call is a no-op.
        /// </summary>
        public static ElfPatchOutcome MarkRequirementWeak(string path, string library, string version, string[] allowedSymbols)
        {
            byte[] image = File.ReadAllBytes(path);
            ElfPatchOutcome outcome = PatchImage(path, image, library, version, allowedSymbols);
            if (outcome != ElfPatchOutcome.Patched)
                return outcome;

            string temp = path + ".patch-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(temp, image);
                CopyUnixMode(path, temp);
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                    File.Delete(temp);
            }
            return outcome;
        }

        /// <summary>Whether <paramref name="path"/> holds a strong requirement that MarkRequirementWeak would patch.</summary>
        public static bool HasStrongRequirement(string path, string library, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            int aux = FindVernaux(path, image, library, version);
            return aux >= 0 && (U16(image, aux + 4) & VerFlagWeak) == 0;
        }

        /// <summary>Patches an in-memory image; exposed so tests can check the logic without files.</summary>
        public static ElfPatchOutcome PatchImage(string name, byte[] image, string library, string version, string[] allowedSymbols)
        {
            int aux = FindVernaux(name, image, library, version);
            if (aux < 0)
                return ElfPatchOutcome.NotRequired;
            ushort flags = U16(image, aux + 4);
            if ((flags & VerFlagWeak) != 0)
                return ElfPatchOutcome.AlreadyWeak;

            ushort versionIndex = U16(image, aux + 6);
            CheckOnlyAllowedSymbolsUse(name, image, versionIndex, allowedSymbols);

            ushort weak = (ushort)(flags | VerFlagWeak);
            image[aux + 4] = (byte)(weak & 0xff);
            image[aux + 5] = (byte)(weak >> 8);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>Whether a libstdc++ file defines the given version (e.g. GLIBCXX_3.4.32).</summary>
        public static bool LibraryDefinesVersion(string path, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 1; i + needle.Length <= image.Length; i++)
            {
                if (image[i - 1] != 0)
                    continue;
                int j = 0;
                while (j < needle.Length && image[i + j] == needle[j])
                    j++;
                if (j == needle.Length)
                    return true;
            }
            return false;
        }

        /// <summary>The system libstdc++.so.6 the loader would pick, or null when none of the usual places has one.</summary>
        public static string FindSystemLibStdCxx()
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6",
                "/lib64/libstdc++.so.6",
                "/usr/lib/libstdc++.so.6",
            };
            foreach (string candidate in candidates)
                if (File.Exists(candidate))
                    return candidate;
            return null;
        }

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
            public long EntSize;
        }

        private static int FindVernaux(string name, byte[] image, string library, string version)
        {
            Section[] sections = ReadSections(name, image);
            int verneedIndex = -1;
            for (int i = 0; i < sections.Length; i++)
            {
                if (sections[i].Type == ShtGnuVerneed)
                {
                    verneedIndex = i;
                    break;
                }
            }
            if (verneedIndex < 0)
                return -1;

            Section verneed = sections[verneedIndex];
            if (verneed.Link >= sections.Length)
                throw new ElfFormatException(name, "SHT_GNU_verneed links to string table " + verneed.Link + ", but there are only " + sections.Length + " sections");
            Section strtab = sections[verneed.Link];

            long entry = verneed.Offset;
            for (uint n = 0; n < verneed.Info; n++)
            {
                RequireRange(name, image, entry, 16, "Verneed entry " + n);
                if (entry + 16 > verneed.Offset + verneed.Size)
                    throw new ElfFormatException(name, "Verneed entry " + n + " at offset " + entry + " lies outside its section");
                ushort count = U16(image, (int)entry + 2);
                string file = ReadString(name, image, strtab, U32(image, (int)entry + 4));
                long aux = entry + U32(image, (int)entry + 8);
                for (int a = 0; a < count; a++)
                {
                    RequireRange(name, image, aux, 16, "Vernaux entry " + a + " of " + file);
                    if (aux < verneed.Offset || aux + 16 > verneed.Offset + verneed.Size)
                        throw new ElfFormatException(name, "Vernaux entry " + a + " of " + file + " at offset " + aux + " lies outside its section");
                    string auxName = ReadString(name, image, strtab, U32(image, (int)aux + 8));
                    if (file == library && auxName == version)
                        return (int)aux;
                    uint next = U32(image, (int)aux + 12);
                    if (next == 0)
                        break;
                    aux += next;
                }
                uint nextEntry = U32(image, (int)entry + 12);
                if (nextEntry == 0)
                    break;
                entry += nextEntry;
            }
            return -1;
        }

        private static void CheckOnlyAllowedSymbolsUse(string name, byte[] image, ushort versionIndex, string[] allowedSymbols)
        {
            Section[] sections = ReadSections(name, image);
            Section versym = default(Section);
            Section dynsym = default(Section);
            bool haveVersym = false, haveDynsym = false;
            foreach (Section s in sections)
            {
                if (s.Type == ShtGnuVersym) { versym = s; haveVersym = true; }
                if (s.Type == ShtDynsym) { dynsym = s; haveDynsym = true; }
            }
            if (!haveVersym || !haveDynsym)
                throw new ElfFormatException(name, "has a version requirement but no .gnu.version or .dynsym section");
            if (dynsym.EntSize != 24)
                throw new ElfFormatException(name, ".dynsym entry size is " + dynsym.EntSize + ", expected 24");
            if (dynsym.Link >= sections.Length)
                throw new ElfFormatException(name, ".dynsym links to missing string table " + dynsym.Link);
            RequireRange(name, image, versym.Offset, versym.Size, ".gnu.version");
            RequireRange(name, image, dynsym.Offset, dynsym.Size, ".dynsym");

            long symbols = dynsym.Size / 24;
            if (versym.Size / 2 != symbols)
                throw new ElfFormatException(name, ".gnu.version has " + (versym.Size / 2) + " entries but .dynsym has " + symbols);
            Section dynstr = sections[dynsym.Link];
            var allowed = new HashSet<string>(allowedSymbols);
            for (long i = 0; i < symbols; i++)
            {
                int index = U16(image, (int)(versym.Offset + 2 * i)) & 0x7fff;
                if (index != versionIndex)
                    continue;
                string symbol = ReadString(name, image, dynstr, U32(image, (int)(dynsym.Offset + 24 * i)));
                if (!allowed.Contains(symbol))
                    throw new ElfFormatException(name, "symbol '" + symbol + "' needs the version being weakened; refusing to patch");
            }
        }

        private static Section[] ReadSections(string name, byte[] image)
        {
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                throw new ElfFormatException(name, "not an ELF file (bad magic at offset 0)");
            if (image[4] != 2)
                throw new ElfFormatException(name, "EI_CLASS at offset 4 is " + image[4] + ", expected 2 (64-bit)");
            if (image[5] != 1)
                throw new ElfFormatException(name, "EI_DATA at offset 5 is " + image[5] + ", expected 1 (little-endian)");

            long shoff = (long)U64(image, 0x28);
            ushort shentsize = U16(image, 0x3a);
            ushort shnum = U16(image, 0x3c);
            if (shentsize != 64)
                throw new ElfFormatException(name, "e_shentsize at offset 0x3a is " + shentsize + ", expected 64");
            if (shnum == 0)
                throw new ElfFormatException(name, "e_shnum at offset 0x3c is 0: no section headers");
            RequireRange(name, image, shoff, (long)shnum * 64, "section header table (e_shoff " + shoff + ")");

            var sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                int h = (int)(shoff + 64L * i);
                sections[i] = new Section
                {
                    Type = U32(image, h + 4),
                    Offset = (long)U64(image, h + 24),
                    Size = (long)U64(image, h + 32),
                    Link = U32(image, h + 40),
                    Info = U32(image, h + 44),
                    EntSize = (long)U64(image, h + 56),
                };
                if (sections[i].Type != 8 /* SHT_NOBITS */ && sections[i].Type != 0)
                    RequireRange(name, image, sections[i].Offset, sections[i].Size, "section " + i);
            }
            return sections;
        }

        private static string ReadString(string name, byte[] image, Section strtab, uint offset)
        {
            if (offset >= strtab.Size)
                throw new ElfFormatException(name, "string offset " + offset + " is outside the string table (size " + strtab.Size + ")");
            long start = strtab.Offset + offset;
            long end = start;
            long limit = strtab.Offset + strtab.Size;
            while (end < limit && image[end] != 0)
                end++;
            if (end == limit)
                throw new ElfFormatException(name, "unterminated string at offset " + start);
            return Encoding.ASCII.GetString(image, (int)start, (int)(end - start));
        }

        private static void RequireRange(string name, byte[] image, long offset, long length, string what)
        {
            if (offset < 0 || length < 0 || offset + length > image.Length)
                throw new ElfFormatException(name, what + " at offset " + offset + " with length " + length + " runs past the end of the file (" + image.Length + " bytes)");
        }

        private static void CopyUnixMode(string from, string to)
        {
#if NET7_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(to, File.GetUnixFileMode(from));
#endif
        }

        private static ushort U16(byte[] b, int o) { return (ushort)(b[o] | (b[o + 1] << 8)); }
        private static uint U32(byte[] b, int o) { return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)); }
        private static ulong U64(byte[] b, int o) { return U32(b, o) | ((ulong)U32(b, o + 4) << 32); }
    }

#if !RNNHELPERS_LIBRARY
    /// <summary>MSBuild task: weakens TorchSharp's GLIBCXX_3.4.32 requirement where the system libstdc++ lacks it.</summary>
    public class PatchTorchSharpNative : Microsoft.Build.Utilities.Task
    {
        /// <summary>The libLibTorchSharp.so copies to patch.</summary>
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; }

        /// <summary>Patches each file when the system libstdc++ lacks the version; false (with an error logged) when a file is not the expected ELF.</summary>
        public override bool Execute()
        {
            string libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
            if (libstdcxx == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "TorchSharp native fix: no system libstdc++.so.6 found; nothing to do.");
                return true;
            }
            if (ElfVersionPatcher.LibraryDefinesVersion(libstdcxx, ElfVersionPatcher.TorchSharpRequirement))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "TorchSharp native fix: " + libstdcxx + " has " + ElfVersionPatcher.TorchSharpRequirement + "; nothing to do.");
                return true;
            }
            if (Files == null)
                return true;
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path))
                    continue;
                try
                {
                    ElfPatchOutcome outcome = ElfVersionPatcher.MarkRequirementWeak(path, ElfVersionPatcher.LibStdCxx,
                        ElfVersionPatcher.TorchSharpRequirement, ElfVersionPatcher.TorchSharpAllowedSymbols);
                    Log.LogMessage(outcome == ElfPatchOutcome.Patched ? Microsoft.Build.Framework.MessageImportance.High : Microsoft.Build.Framework.MessageImportance.Low,
                        "TorchSharp native fix: " + path + ": " + outcome);
                }
                catch (ElfFormatException e)
                {
                    Log.LogError(e.Message);
                }
                catch (IOException e)
                {
                    Log.LogError("TorchSharp native fix: cannot patch " + path + ": " + e.Message);
                }
                catch (UnauthorizedAccessException e)
                {
                    Log.LogError("TorchSharp native fix: cannot patch " + path + ": " + e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
