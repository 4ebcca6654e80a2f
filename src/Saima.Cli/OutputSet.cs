namespace Saima.Cli;

/// <summary>
/// The output files of one command, written all or nothing: each goes to a hidden temp file in
/// its final directory and is renamed into place by <see cref="Commit"/> (a rename within a
/// directory is atomic). Disposing without committing deletes the temp files, and any directory
/// this set created, so a failed run leaves nothing behind.
/// </summary>
internal sealed class OutputSet : IDisposable
{
    private readonly List<(string Temp, string Final, string Shown)> _files = [];
    private readonly List<(MemoryStream Buffer, string Final, string Shown)> _direct = [];
    private readonly List<string> _createdDirectories = [];
    private bool _committed;

    /// <summary>Creates <paramref name="directory"/> (not its parents) unless it exists.</summary>
    public void EnsureDirectory(string directory, string shown)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (Directory.Exists(full))
        {
            return;
        }

        if (File.Exists(full))
        {
            throw new CliInputException($"{shown}: is a file; expected a directory");
        }

        string? parent = Path.GetDirectoryName(full);
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new CliInputException($"{shown}: the directory {parent} does not exist; expected an existing parent directory");
        }

        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{shown}: cannot create the directory: {e.Message}");
        }

        _createdDirectories.Add(full);
    }

    /// <summary>
    /// Opens a temp file that becomes <paramref name="path"/> on <see cref="Commit"/>. A path that is
    /// a device or a symbolic link (<c>/dev/stderr</c>, a link to a file kept elsewhere) must not be
    /// replaced by a rename: its output is kept in memory and written through the path on commit.
    /// </summary>
    public Stream Create(string path, string shown)
    {
        string full = Path.GetFullPath(path);
        if (WriteThrough(full))
        {
            var buffer = new MemoryStream();
            _direct.Add((buffer, full, shown));
            return buffer;
        }

        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            _files.Add((temp, full, shown));
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{shown}: cannot write the file: {e.Message}");
        }
    }

    private static bool WriteThrough(string full)
    {
        if (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal))
        {
            return true;
        }

        var info = new FileInfo(full);
        return info.Exists && info.LinkTarget is not null;
    }

    /// <summary>Moves every temp file into place. Call only after all of them were written and closed.</summary>
    public void Commit()
    {
        foreach ((MemoryStream buffer, string final, string shown) in _direct)
        {
            try
            {
                using var target = new FileStream(final, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                if (target.CanSeek)
                {
                    target.SetLength(0);
                }

                // ToArray works after the writer has closed the buffer.
                target.Write(buffer.ToArray());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"{shown}: cannot write the file: {e.Message}");
            }
        }

        foreach ((string temp, string final, string shown) in _files)
        {
            try
            {
                File.Move(temp, final, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"{shown}: cannot write the file: {e.Message}");
            }
        }

        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        foreach ((string temp, _, _) in _files)
        {
            TryDelete(() => File.Delete(temp));
        }

        for (int i = _createdDirectories.Count - 1; i >= 0; i--)
        {
            string directory = _createdDirectories[i];
            TryDelete(() => Directory.Delete(directory, recursive: false));
        }
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the run already failed and says why; a leftover temp file is hidden.
        }
    }
}
