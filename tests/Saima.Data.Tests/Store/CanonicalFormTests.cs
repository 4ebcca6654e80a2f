using System.Security.Cryptography;
using System.Text;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// A chained record's canonical form hashed in pieces (as a result set's digest is) gives the
/// SHA-256 of the whole text's UTF-8, whatever the pieces and however the text's characters fall
/// across the builder's chunks: Chinese names, and characters outside the basic plane whose two
/// halves may land in different chunks.
/// </summary>
public sealed class CanonicalFormTests
{
    private static readonly string[] Fields =
    [
        "县", "赛马比拼", "😀", "a😀b", "𠀀𠀁", "ASCII only", string.Empty, "🏇 horse 🏇", "x",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(5000)]
    public void PiecesHashed_EqualTheWholeTextHashed(int fieldsPerPiece)
    {
        for (int offset = 0; offset < 40; offset++)
        {
            var form = HashChain.Canonical();
            var whole = new StringBuilder();
            using var pieces = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int n = 0;
            // A prefix of varying length shifts where the builder's chunks end relative to the surrogate pairs.
            form.Add(new string('p', offset));
            for (int i = 0; i < 3000; i++)
            {
                form.Add(Fields[i % Fields.Length] + string.Concat(Enumerable.Repeat("😀", i % 5))).Add(i).Add(i % 3 == 0 ? null : (double?)(i / 7.0));
                if (++n % fieldsPerPiece == 0)
                {
                    whole.Append(form.ToString());
                    form.FlushTo(pieces);
                }
            }

            whole.Append(form.ToString());
            form.FlushTo(pieces);
            byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(whole.ToString()));
            Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(pieces.GetHashAndReset()));
        }
    }

    [Fact]
    public void FlushTo_EmptiesTheForm()
    {
        var form = HashChain.Canonical();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        form.Add("赛马");
        form.FlushTo(hash);
        Assert.Equal(string.Empty, form.ToString());
        form.Add("B");
        Assert.Equal("1:B\n", form.ToString());
    }
}
