using System.Text;
using System.Text.Json;
using Saima.Scoring;

namespace Saima.Cli;

/// <summary>The options of `saima score`, as given on the command line.</summary>
internal sealed record ScoreOptions(
    string Scheme,
    string Data,
    string? Units = null,
    string? Adjustments = null,
    string? Out = null,
    string? Warnings = null,
    string? Explain = null);

/// <summary>
/// `saima score`: reads the scheme and the CSV files, scores, writes the results. Everything that
/// can fail on bad input (reading, parsing, scoring) happens before the first output is opened,
/// and outputs are moved into place only once all of them are written.
/// </summary>
internal static class ScoreCommand
{
    public static void Run(ScoreOptions options, TextWriter stdout)
    {
        CheckOutputs(options);
        Scheme scheme = ReadScheme(options.Scheme);
        if (options.Warnings is not null && (scheme.WarningRules is null || scheme.WarningRules.Count == 0))
        {
            throw new CliInputException(
                $"--warnings {options.Warnings}: {options.Scheme} has no warnings.rules; expected a scheme with \"warnings\": {{ \"rules\": [...] }}, or no --warnings");
        }

        Dataset data = InputFiles.Read(scheme, new InputPaths(options.Data, options.Units, options.Adjustments));
        ScoringResult result;
        try
        {
            result = ScoringEngine.Score(scheme, data, new ScoringOptions { Explain = options.Explain is not null, Warnings = options.Warnings is not null });
        }
        catch (SchemeException e)
        {
            throw SchemeError(options.Scheme, e);
        }
        catch (ScoringException e)
        {
            throw new CliInputException(e.Message);
        }
        catch (DataException e)
        {
            throw CliInputException.At(options.Data, e.Record, e.Column, e.Message);
        }

        using var outputs = new OutputSet();
        if (options.Warnings is not null)
        {
            Write(outputs, options.Warnings, w => ResultFiles.WriteWarnings(w, result));
        }

        if (options.Explain is not null)
        {
            outputs.EnsureDirectory(options.Explain, options.Explain);
            Write(outputs, Path.Combine(options.Explain, "weights.csv"), w => ResultFiles.WriteWeights(w, result));
            Write(outputs, Path.Combine(options.Explain, "treatment.csv"), w => ResultFiles.WriteTreatment(w, result));
            Write(outputs, Path.Combine(options.Explain, "chain.csv"), w => ResultFiles.WriteChain(w, result));
        }

        if (options.Out is not null)
        {
            Write(outputs, options.Out, w => ResultFiles.WriteResults(w, result));
        }
        else
        {
            using var w = new Utf8CsvWriter(StandardOutput.Open(stdout));
            ResultFiles.WriteResults(w, result);
            w.Flush();
        }

        outputs.Commit();
    }

    /// <summary>Writes one output into its temp file; <paramref name="path"/> is also how messages name it.</summary>
    internal static void Write(OutputSet outputs, string path, Action<Utf8CsvWriter> write)
    {
        Stream stream = outputs.Create(path, path);
        try
        {
            using var w = new Utf8CsvWriter(stream);
            write(w);
            w.Flush();
        }
        catch (IOException e)
        {
            throw new CliInputException($"{path}: cannot write the file: {e.Message}");
        }
    }

    internal static Scheme ReadScheme(string path)
    {
        string json = ReadJsonText(path, "a UTF-8 JSON scheme");
        try
        {
            return SchemeParser.Parse(json);
        }
        catch (SchemeException e)
        {
            throw SchemeError(path, e);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}" : "JSON";
            throw new CliInputException($"{path}: {where}: not valid JSON: {e.Message}");
        }
    }

    /// <summary>Reads a UTF-8 JSON file whole; <paramref name="expected"/> says what it should be.</summary>
    internal static string ReadJsonText(string path, string expected)
    {
        try
        {
            return File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        }
        catch (DecoderFallbackException)
        {
            throw new CliInputException($"{path}: the file is not UTF-8 text; expected {expected}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliInputException($"{path}: cannot read the file: {e.Message}");
        }
    }

    internal static CliInputException SchemeError(string path, SchemeException e) => new($"{path}: {e.Path}: {e.Reason}");

    /// <summary>
    /// Refuses outputs that would overwrite an input or each other, or whose directory does not
    /// exist, before any work is done.
    /// </summary>
    private static void CheckOutputs(ScoreOptions o)
    {
        var inputs = new List<(string Option, string Path)> { ("--scheme", o.Scheme), ("--data", o.Data) };
        if (o.Units is not null)
        {
            inputs.Add(("--units", o.Units));
        }

        if (o.Adjustments is not null)
        {
            inputs.Add(("--adjustments", o.Adjustments));
        }

        var outputs = new List<(string Option, string Path)>();
        if (o.Out is not null)
        {
            outputs.Add(("--out", o.Out));
        }

        if (o.Warnings is not null)
        {
            outputs.Add(("--warnings", o.Warnings));
        }

        if (o.Explain is not null)
        {
            if (File.Exists(o.Explain))
            {
                throw new CliInputException($"--explain {o.Explain}: is a file; expected a directory");
            }

            string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.Explain)));
            if (parent is not null && !Directory.Exists(parent))
            {
                throw new CliInputException($"--explain {o.Explain}: the directory {parent} does not exist; expected an existing parent directory");
            }

            foreach (string name in (string[])["weights.csv", "treatment.csv", "chain.csv"])
            {
                outputs.Add(("--explain", Path.Combine(o.Explain, name)));
            }
        }

        CheckPaths(inputs, outputs);
    }

    /// <summary>
    /// Refuses outputs that are directories, would overwrite an input or each other, or (except
    /// <c>--explain</c>'s files) lie in a directory that does not exist.
    /// </summary>
    internal static void CheckPaths(IReadOnlyList<(string Option, string Path)> inputs, IReadOnlyList<(string Option, string Path)> outputs)
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            (string option, string path) = outputs[i];
            string full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                throw new CliInputException($"{option} {path}: is a directory; expected a file name");
            }

            foreach ((string inOption, string inPath) in inputs)
            {
                if (SamePath(full, inPath))
                {
                    throw new CliInputException($"{option} {path}: is also the {inOption} file; expected an output that does not overwrite an input");
                }
            }

            for (int j = 0; j < i; j++)
            {
                if (SamePath(full, outputs[j].Path))
                {
                    throw new CliInputException($"{option} {path}: is also the {outputs[j].Option} output; expected different files");
                }
            }

            string? directory = Path.GetDirectoryName(full);
            if (option != "--explain" && directory is not null && !Directory.Exists(directory))
            {
                throw new CliInputException($"{option} {path}: the directory {directory} does not exist; expected an existing directory");
            }
        }
    }

    private static bool SamePath(string full, string other) =>
        string.Equals(full, Path.GetFullPath(other), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
}

/// <summary>Raw UTF-8 access to the standard output the CLI was given.</summary>
internal static class StandardOutput
{
    /// <summary>
    /// A stream onto <paramref name="stdout"/>: its underlying stream when it is a UTF-8
    /// <see cref="StreamWriter"/> (as in Program.cs), so bytes go out unconverted; otherwise a
    /// stream that decodes into the writer (as for a test's StringWriter).
    /// </summary>
    public static Stream Open(TextWriter stdout)
    {
        if (stdout is StreamWriter { Encoding: UTF8Encoding } sw)
        {
            sw.Flush();
            return new NonClosingStream(sw.BaseStream);
        }

        return new TextWriterStream(stdout);
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }

    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private char[] _chars = new char[4096];

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => writer.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int needed = _decoder.GetCharCount(buffer, flush: false);
            if (needed > _chars.Length)
            {
                _chars = new char[needed];
            }

            int n = _decoder.GetChars(buffer, _chars, flush: false);
            writer.Write(_chars, 0, n);
        }
    }
}
