using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Demo;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// A publication writes its rows, warnings and traces straight from the engine's arrays
/// (<see cref="ResultTable"/>), hashes its digest from them and its inputs in pieces: what it stores
/// must be exactly what the rows as objects, the digest over them and the hash of the whole input
/// text give, on a store of a few hundred units.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class StreamedPublicationTests(Stores stores)
{
    /// <summary>300 counties × 12 indicators, two months (the first published and scored), no townships.</summary>
    private static readonly DemoScaleSize Size = new(Counties: 300, CountyIndicators: 12, Townships: 0, TownshipIndicators: 0);

    private StoreOptions Store(StoreProvider provider) =>
        stores.NewCopyOf(provider, "streamed-publication-300", s => { DemoCity.BuildScale(s, Size, new DemoOptions { Months = 2 }); });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publication_StoresExactlyTheRowsWarningsTracesAndHashesOfADirectComputation(StoreProvider provider)
    {
        using SaimaDb db = SaimaDb.Open(Store(provider));
        ResultSet set = db.ResultSets.AsNoTracking().Single();

        // The direct computation: every row and warning as an object, the input text kept whole.
        ScoringInputs inputs = ScoringInputs.Load(db, set.SchemeVersionId, set.Period, set.ComputedAt);
        ResultService.Computed direct = ResultService.Run(inputs);

        direct.Rows.Count.ShouldBe(300 * inputs.Scheme.NodeCount);
        direct.Warnings.Count.ShouldBeGreaterThan(300);
        set.InputHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputs.CanonicalText!))));
        set.ExplainJson.ShouldBe(direct.ExplainJson);

        var stored = db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.Id).ToList();
        stored.Count.ShouldBe(direct.Rows.Count);
        var byKey = stored.ToDictionary(r => (r.UnitId, r.Node));
        foreach (ResultRow r in direct.Rows)
        {
            ResultRow s = byKey[(r.UnitId, r.Node)];
            (s.Rank, s.TrackRank, s.RankChange).ShouldBe((r.Rank, r.TrackRank, r.RankChange));
            ResultService.SameBits(s.Value, r.Value).ShouldBeTrue();
            ResultService.SameBits(s.Score, r.Score).ShouldBeTrue();
        }

        var storedWarnings = db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == set.Id).ToList();
        storedWarnings.Count.ShouldBe(direct.Warnings.Count);
        var warningByKey = storedWarnings.ToDictionary(w => (w.UnitId, w.Indicator));
        foreach (WarningResult w in direct.Warnings)
        {
            WarningResult s = warningByKey[(w.UnitId, w.Indicator)];
            s.Level.ShouldBe(w.Level);
            ResultService.SameBits(s.Completion, w.Completion).ShouldBeTrue();
            ResultService.SameBits(s.Gap, w.Gap).ShouldBeTrue();
        }

        // The digest over the objects (sorted as a list) is the one over the arrays, and the chain holds it.
        string digest = AuditChain.Digest(direct.Rows, direct.Warnings);
        AuditChain.Digest(direct.Table).ShouldBe(digest);
        set.Hash.ShouldBe(HashChain.Link(AuditChain.ResultsName, set.ChainSeq!.Value, PreviousHash(db, set), AuditChain.Canonical(set, digest)));
        AuditChain.VerifyResults(db).Intact.ShouldBeTrue();

        // Each unit's trace, written one at a time, is the one made from the objects.
        var traces = db.UnitTraces.AsNoTracking().Where(t => t.ResultSetId == set.Id).ToDictionary(t => t.UnitId, t => t.Trace);
        traces.Count.ShouldBe(300);
        foreach (UnitTraceRow t in direct.Traces)
        {
            traces[t.UnitId].ShouldBe(t.Trace);
        }

        new ResultService(db, TimeProvider.System).Recompute(set.Id).Identical.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publication_UnitsWhoseIdsAreNotInCodeOrder_DigestsInIdOrderAsTheObjectsDo(StoreProvider provider)
    {
        using SaimaDb db = SaimaDb.Open(Store(provider));
        ResultSet first = db.ResultSets.AsNoTracking().Single();

        // Codes in the reverse order of the ids: the engine's units (by code) run against the digest's order (by id).
        var counties = db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == first.SchemeId).Select(su => su.UnitId).ToList();
        long top = counties.Max();
        foreach (long id in counties)
        {
            db.Database.ExecuteSql($"UPDATE units SET code = {"R" + (top - id).ToString("D6", CultureInfo.InvariantCulture)} WHERE id = {id}");
        }

        ResultSet again = new ResultService(db, TimeProvider.System).Compute(Actor.Office("office.wang"), first.SchemeVersionId, first.Period);

        ScoringInputs inputs = ScoringInputs.Load(db, again.SchemeVersionId, again.Period, again.ComputedAt);
        ResultService.Computed direct = ResultService.Run(inputs);
        direct.Table.UnitId(0).ShouldBe(top);
        direct.Warnings.Count.ShouldBeGreaterThan(300);
        again.InputHash.ShouldBe(inputs.InputHash);
        AuditChain.Digest(direct.Table).ShouldBe(AuditChain.Digest(direct.Rows, direct.Warnings));
        AuditChain.VerifyResults(db).Intact.ShouldBeTrue();
        new ResultService(db, TimeProvider.System).Recompute(again.Id).Identical.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publication_ReadsInputsWithoutKeepingTheirText_TheSameHash(StoreProvider provider)
    {
        using SaimaDb db = SaimaDb.Open(Store(provider));
        ResultSet set = db.ResultSets.AsNoTracking().Single();

        ScoringInputs kept = ScoringInputs.Load(db, set.SchemeVersionId, set.Period, set.ComputedAt);
        ScoringInputs asStored = ScoringInputs.LoadAsStored(db, set);

        asStored.CanonicalText.ShouldBeNull();
        kept.CanonicalText!.Length.ShouldBeGreaterThan(3 * 32_768); // hashed in several pieces
        asStored.InputHash.ShouldBe(kept.InputHash);
        asStored.InputHash.ShouldBe(set.InputHash);
    }

    private static string PreviousHash(SaimaDb db, ResultSet set) =>
        db.ResultSets.AsNoTracking().Where(r => r.ChainSeq == set.ChainSeq - 1).Select(r => r.Hash).SingleOrDefault() ?? HashChain.Genesis;
}
