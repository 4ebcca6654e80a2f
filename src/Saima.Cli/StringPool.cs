using System.Runtime.CompilerServices;

namespace Saima.Cli;

/// <summary>
/// Interns the codes of an input file: a long-format file repeats the same few thousand unit,
/// indicator and period codes on every row, so each row looks its codes up here by span instead
/// of allocating three strings. Remembers the last code per column, since rows of the same unit
/// usually follow one another.
/// </summary>
internal sealed class StringPool
{
    private string?[] _entries = new string?[256];
    private int[] _hashes = new int[256];
    private int _count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<char> text, ref string? last)
    {
        if (last is not null && text.SequenceEqual(last))
        {
            return last;
        }

        last = Get(text);
        return last;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<char> text)
    {
        int hash = Hash(text);
        int mask = _entries.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            string? entry = _entries[i];
            if (entry is null)
            {
                string s = text.ToString();
                _entries[i] = s;
                _hashes[i] = hash;
                if (++_count * 2 > _entries.Length)
                {
                    Grow();
                }

                return s;
            }

            if (_hashes[i] == hash && text.SequenceEqual(entry))
            {
                return entry;
            }
        }
    }

    /// <summary>FNV-1a: the keys come from the user's own files, so flooding is not a concern.</summary>
    private static int Hash(ReadOnlySpan<char> text)
    {
        uint h = 2166136261;
        foreach (char c in text)
        {
            h = (h ^ c) * 16777619;
        }

        return (int)(h ^ (h >> 15));
    }

    private void Grow()
    {
        string?[] entries = _entries;
        int[] hashes = _hashes;
        _entries = new string?[entries.Length * 2];
        _hashes = new int[entries.Length * 2];
        int mask = _entries.Length - 1;
        for (int j = 0; j < entries.Length; j++)
        {
            if (entries[j] is string s)
            {
                int i = hashes[j] & mask;
                while (_entries[i] is not null)
                {
                    i = (i + 1) & mask;
                }

                _entries[i] = s;
                _hashes[i] = hashes[j];
            }
        }
    }
}
