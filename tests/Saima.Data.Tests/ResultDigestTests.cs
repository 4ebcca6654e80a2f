using System.Security.Cryptography;
using System.Text;
using Saima.Data.Store;

namespace Saima.Data.Tests;

/// <summary>
/// A result set's digest is hashed in pieces (a township scheme's rows would make a canonical text
/// of hundreds of megabytes): it must stay the SHA-256 of the whole text, or every stored chain
/// would stop verifying.
/// </summary>
public sealed class ResultDigestTests
{
    [Fact]
    public void Digest_HashedInPieces_IsTheHashOfTheWholeCanonicalText()
    {
        var rng = new Random(7);
        string[] nodes = ["Total", "Econ", "GDP", "指标甲", "REV"];
        var rows = new List<ResultRow>();
        for (long unit = 1; unit <= 3_001; unit++)
        {
            foreach (string node in nodes)
            {
                rows.Add(new ResultRow
                {
                    UnitId = 3_002 - unit,
                    Node = node,
                    Value = rng.Next(4) == 0 ? null : rng.NextDouble() * 100,
                    Score = -0.0 + (rng.NextDouble() * 100),
                    Rank = (int)unit,
                    TrackRank = rng.Next(3) == 0 ? null : rng.Next(1, 100),
                    RankChange = rng.Next(-5, 5),
                });
            }
        }

        var warnings = Enumerable.Range(1, 5_000).Select(i => new WarningResult
        {
            UnitId = i % 97, Indicator = "GDP" + (i % 13).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Value = i, Target = i * 1.5, Completion = null, Expected = 0.5, Gap = -i, Level = i % 2 == 0 ? "红色" : null,
        }).ToList();

        // The whole text at once, as the digest was computed before it was hashed in pieces.
        var form = HashChain.Canonical();
        foreach (ResultRow r in rows.OrderBy(r => r.UnitId).ThenBy(r => r.Node, StringComparer.Ordinal))
        {
            form.Add(r.UnitId).Add(r.Node).Add(r.Value).Add(r.Score).Add(r.Rank).Add(r.TrackRank).Add(r.RankChange);
        }

        form.Add("warnings");
        foreach (WarningResult w in warnings.OrderBy(w => w.UnitId).ThenBy(w => w.Indicator, StringComparer.Ordinal))
        {
            form.Add(w.UnitId).Add(w.Indicator).Add(w.Value).Add(w.Target).Add(w.Completion).Add(w.Expected).Add(w.Gap).Add(w.Level);
        }

        string whole = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(form.ToString())));

        AuditChain.Digest(rows, warnings).ShouldBe(whole);
        AuditChain.Digest(rows.Take(7), []).ShouldNotBe(whole);
    }
}
