using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Saima.Cli;

/// <summary>
/// Writes CSV as the file contract wants it: UTF-8 without a BOM, <c>\n</c> line ends, RFC 4180
/// quoting where a field needs it, numbers in invariant culture and shortest round-trip form
/// (NaN written as an empty field). Formats straight into a pooled byte buffer: no string per
/// number, which is what makes 660,000 result rows cheap.
/// </summary>
internal sealed class Utf8CsvWriter : IDisposable
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer;
    private int _count;

    public Utf8CsvWriter(Stream stream, bool ownsStream = true, int bufferSize = 1 << 16)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        // At least room for any number, so that Ensure(32) always makes enough space.
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, 256));
    }

    /// <summary>A field as it appears in the file (quoted if needed), encoded once for reuse on many rows.</summary>
    public static byte[] Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (text.AsSpan().IndexOfAny(NeedsQuotes) < 0)
        {
            return Utf8.GetBytes(text);
        }

        return Utf8.GetBytes("\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
    }

    /// <summary>Writes a header row: names separated by commas, then a line end.</summary>
    public void Header(params string[] names)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (i > 0)
            {
                Comma();
            }

            Text(names[i]);
        }

        EndRow();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _count)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                _stream.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_count));
        _count += bytes.Length;
    }

    public void Text(string? text) => Raw(Encode(text));

    /// <summary>
    /// Room for at least <paramref name="bytes"/> bytes, to fill directly and then
    /// <see cref="Advance"/> past (for rows whose maximum length is known).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<byte> GetSpan(int bytes)
    {
        if (bytes > _buffer.Length)
        {
            Flush();
            byte[] bigger = ArrayPool<byte>.Shared.Rent(bytes);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        Ensure(bytes);
        return _buffer.AsSpan(_count);
    }

    public void Advance(int bytes) => _count += bytes;

    /// <summary>Formats a number into <paramref name="destination"/> (nothing for NaN); returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return 0;
        }

        value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>Formats a rank into <paramref name="destination"/> (nothing for a missing rank); returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FormatRank(int rank, Span<byte> destination)
    {
        if (rank == Saima.Scoring.PeriodResult.NoRank)
        {
            return 0;
        }

        rank.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        return written;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Comma()
    {
        Ensure(1);
        _buffer[_count++] = (byte)',';
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EndRow()
    {
        Ensure(1);
        _buffer[_count++] = (byte)'\n';
    }

    /// <summary>Shortest round-trip text of the number; an empty field for NaN (missing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Number(double value)
    {
        Ensure(32);
        _count += Format(value, _buffer.AsSpan(_count));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Integer(int value)
    {
        Ensure(16);
        value.TryFormat(_buffer.AsSpan(_count), out int written, default, CultureInfo.InvariantCulture);
        _count += written;
    }

    public void Flush()
    {
        if (_count > 0)
        {
            _stream.Write(_buffer, 0, _count);
            _count = 0;
        }

        _stream.Flush();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Ensure(int bytes)
    {
        if (_buffer.Length - _count < bytes)
        {
            _stream.Write(_buffer, 0, _count);
            _count = 0;
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
