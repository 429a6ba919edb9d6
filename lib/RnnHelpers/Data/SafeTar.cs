using System.Formats.Tar;
using System.IO.Compression;

namespace RnnHelpers.Data;

/// <summary>Tar extraction that refuses entries escaping the destination (<c>../</c>, absolute paths, links).</summary>
public static class SafeTar
{
    /// <summary>Extracts a .tar.gz into <paramref name="destination"/>; <see cref="UnsafeArchiveEntryException"/> for an entry that escapes it, <see cref="DatasetException"/> for a damaged archive.</summary>
    public static void ExtractGzip(string tarballPath, string destination)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        using var file = File.OpenRead(tarballPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        Extract(tarballPath, gzip, root);
    }

    /// <summary>Extracts a tar stream into <paramref name="root"/>; <see cref="UnsafeArchiveEntryException"/> for an entry that escapes it.</summary>
    public static void Extract(string archiveName, Stream tar, string root)
    {
        root = Path.GetFullPath(root);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        using var reader = new TarReader(tar);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.Replace('\\', '/');
                if (name.Length == 0 || Path.IsPathRooted(name) || name.StartsWith('/'))
                    throw new UnsafeArchiveEntryException(archiveName, entry.Name);
                var target = Path.GetFullPath(Path.Combine(root, name));
                if (!target.StartsWith(prefix, StringComparison.Ordinal))
                    throw new UnsafeArchiveEntryException(archiveName, entry.Name);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        entry.ExtractToFile(target, overwrite: true);
                        break;
                    default:
                        break; // Links and devices are never needed for dataset files; skipping them avoids link escapes.
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(archiveName, $"is not a valid tar.gz archive: {e.Message}", e);
        }
    }
}
