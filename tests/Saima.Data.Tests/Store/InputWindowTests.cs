using Microsoft.EntityFrameworkCore;
using System.Globalization;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Tests.Store;

/// <summary>
/// A period's inputs are read by window (the period, the one before it, a year earlier for growth,
/// back to the last usable value for `previous` imputation), not from the whole history: the rows
/// read stay the same however many periods the store holds, and the scores are those of the whole history.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class InputWindowTests(Stores stores)
{
    /// <summary>A cumulative level with targets, its derived growth, a ratio to a denominator, `previous` imputation, tracks.</summary>
    private const string Json = """
        { "name": "窗口检验",
          "steps": { "impute": { "method": "previous" } },
          "indicators": [
            { "code": "Rev", "parent": "Economy", "cumulative": true,
              "normalise": { "method": "completion", "full": 15, "atTarget": 0.8, "perPoint": 0.2, "cap": 1.2, "floor": 6 } },
            { "code": "RevG", "parent": "Economy" },
            { "code": "Rd", "parent": "Innovation", "denominator": "Gdp" } ],
          "groups": [
            { "code": "Total" },
            { "code": "Economy", "parent": "Total", "weight": 0.6 },
            { "code": "Innovation", "parent": "Total", "weight": 0.4 } ],
          "tracks": { "compare": "track", "overrides": { "城区": { "weights": { "RevG": 2 } } } },
          "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "red" } ] } }
        """;

    private static readonly IndicatorSpec[] Indicators =
    [
        new("Rev", "一般公共预算收入（累计）") { Cumulative = true },
        new("RevG", "一般公共预算收入增速") { GrowthOf = "Rev" },
        new("Rd", "研发经费支出"),
        new("Gdp", "地区生产总值"),
    ];

    private static readonly string[] Units = ["C01", "C02", "C03", "C04"];

    /// <summary>24 months, 2024-01 to 2025-12: every figure of every unit (three reported indicators).</summary>
    private static readonly string[] Months = Enumerable.Range(0, 24).Select(m => new DateTime(2024, 1, 1).AddMonths(m).ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadInputs_Month24Of24_ReadsNoMoreFigureRowsThanAnEarlierMonth(StoreProvider provider)
    {
        using var w = Store24(provider, gaps: false);
        long version = w.Schemes.CurrentVersion(w.Scheme.Id).Id;
        DateTimeOffset now = w.Clock.GetUtcNow();

        ScoringInputs month13 = ScoringInputs.Load(w.Db, version, "2025-01", now);
        ScoringInputs month14 = ScoringInputs.Load(w.Db, version, "2025-02", now);
        ScoringInputs month24 = ScoringInputs.Load(w.Db, version, "2025-12", now);
        ScoringInputs all24 = ScoringInputs.Load(w.Db, version, "2025-12", now, InputHistory.All);

        // The period and the one before it (4 units × 3 reported indicators each), and the levels
        // (Rev) of the same two months a year earlier for the growth: the same for month 14 and 24.
        month24.FigureRowsRead.ShouldBe((2 * 4 * 3) + (2 * 4));
        month14.FigureRowsRead.ShouldBe(month24.FigureRowsRead);
        all24.FigureRowsRead.ShouldBe(24 * 4 * 3);

        // Month 13's previous month, 2024-12, has no growth (there is no 2023): `previous` imputation
        // of the growth reaches back over every month of 2024, as it would from the whole history.
        month13.Dataset.Periods.Length.ShouldBe(13);
        month13.FigureRowsRead.ShouldBeGreaterThan(month24.FigureRowsRead);
        month24.Dataset.Periods.Select(p => p.Period.ToString()).ShouldBe(["2025-11", "2025-12"]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadInputs_PreviousImputation_ReadsBackToTheLastUsableValueOnly(StoreProvider provider)
    {
        using var w = Store24(provider, gaps: true);
        long version = w.Schemes.CurrentVersion(w.Scheme.Id).Id;

        // C04 reported no Rd from 2025-09 on, and C03 no Gdp in 2025-10 and 2025-11: imputation for
        // 2025-11 and 2025-12 reaches back to 2025-08 and no further.
        ScoringInputs month24 = ScoringInputs.Load(w.Db, version, "2025-12", w.Clock.GetUtcNow());

        month24.Dataset.Periods.Select(p => p.Period.ToString()).ShouldBe(["2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Compute_ReadByWindow_ScoresEveryMonthToTheBitAsTheWholeHistoryDoes(StoreProvider provider)
    {
        using var w = Store24(provider, gaps: true);
        long version = w.Schemes.CurrentVersion(w.Scheme.Id).Id;
        DateTimeOffset now = w.Clock.GetUtcNow();
        int compared = 0;
        foreach (string month in Months)
        {
            ResultService.Computed window = ResultService.Run(ScoringInputs.Load(w.Db, version, month, now));
            ResultService.Computed all = ResultService.Run(ScoringInputs.Load(w.Db, version, month, now, InputHistory.All));

            window.Rows.Count.ShouldBe(all.Rows.Count);
            for (int r = 0; r < all.Rows.Count; r++)
            {
                ResultRow a = all.Rows[r], b = window.Rows[r];
                (b.UnitId, b.Node, b.Rank, b.TrackRank, b.RankChange).ShouldBe((a.UnitId, a.Node, a.Rank, a.TrackRank, a.RankChange), month);
                ResultService.SameBits(b.Value, a.Value).ShouldBeTrue(month);
                ResultService.SameBits(b.Score, a.Score).ShouldBeTrue(month);
                compared++;
            }

            window.Warnings.Select(x => (x.UnitId, x.Indicator, x.Level, x.Completion, x.Gap))
                .ShouldBe(all.Warnings.Select(x => (x.UnitId, x.Indicator, x.Level, x.Completion, x.Gap)), month);
        }

        compared.ShouldBe(24 * 4 * 6);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Recompute_SetHashedOverTheWholeHistory_IsStillIdentical(StoreProvider provider)
    {
        using var w = Store24(provider, gaps: true);
        long version = w.Schemes.CurrentVersion(w.Scheme.Id).Id;
        DateTimeOffset now = w.Clock.GetUtcNow();

        // A set stored the way results were computed before inputs were read by window.
        ScoringInputs all = ScoringInputs.Load(w.Db, version, "2025-12", now, InputHistory.All);
        ResultService.Computed computed = ResultService.Run(all);
        var set = new ResultSet { SchemeId = w.Scheme.Id, SchemeVersionId = version, Period = "2025-12", ComputedAt = now, ComputedBy = "office", InputHash = all.InputHash, ExplainJson = computed.ExplainJson };
        w.Db.ResultSets.Add(set);
        w.Db.SaveChanges();
        ResultPartitions.AddEmpty(w.Db, set.Id);
        w.Db.ResultRows.AddRange(computed.Rows.Select(r => new ResultRow { ResultSetId = set.Id, UnitId = r.UnitId, Node = r.Node, Value = r.Value, Score = r.Score, Rank = r.Rank, TrackRank = r.TrackRank, RankChange = r.RankChange }));
        w.Db.WarningResults.AddRange(computed.Warnings.Select(x => new WarningResult { ResultSetId = set.Id, UnitId = x.UnitId, Indicator = x.Indicator, Value = x.Value, Target = x.Target, Completion = x.Completion, Expected = x.Expected, Gap = x.Gap, Level = x.Level }));
        w.Db.SaveChanges();

        RecomputeReport report = w.Results.Recompute(set.Id);

        report.SameInputs.ShouldBeTrue();
        report.Identical.ShouldBeTrue();
        ScoringInputs.Load(w.Db, version, "2025-12", now).InputHash.ShouldNotBe(all.InputHash);
    }

    /// <summary>
    /// C01–C02 in 城区, C03–C04 in 县; targets for 2024 and 2025; every figure of 24 months
    /// published in bulk (as an import of the books would be), with gaps when asked.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LoadInputs_InsideATransaction_ReadsTheSame_AndLeavesThePlannerAsItWas(StoreProvider provider)
    {
        using var w = Store24(provider, gaps: true);
        long version = w.Schemes.CurrentVersion(w.Scheme.Id).Id;
        DateTimeOffset now = w.Clock.GetUtcNow();
        ScoringInputs outside = ScoringInputs.Load(w.Db, version, "2025-12", now);

        using var tx = w.Db.Database.BeginTransaction();
        string Setting(string name) => provider == StoreProvider.Postgres
            ? w.Db.Database.SqlQuery<string>($"SELECT current_setting({name}) AS \"Value\"").AsEnumerable().Single()
            : "-";
        (string, string) before = (Setting("enable_seqscan"), Setting("jit"));
        ScoringInputs inside = ScoringInputs.Load(w.Db, version, "2025-12", now);

        // A publication reads its figures with sequential scans off on PostgreSQL, for those reads only.
        (Setting("enable_seqscan"), Setting("jit")).ShouldBe(before);
        inside.InputHash.ShouldBe(outside.InputHash);
        inside.FigureRowsRead.ShouldBe(outside.FigureRowsRead);
        tx.Rollback();
    }

    private World Store24(StoreProvider provider, bool gaps)
    {
        var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(Json, Indicators, ["城区", "城区", "县", "县"]);
        for (int u = 0; u < 4; u++)
        {
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(Units[u]), w.Indicator("Rev"), 2024, 100 + (50 * u));
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(Units[u]), w.Indicator("Rev"), 2025, 120 + (50 * u));
        }

        var random = new Random(13);
        DateTimeOffset at = w.Clock.GetUtcNow();
        for (int m = 0; m < Months.Length; m++)
        {
            for (int u = 0; u < 4; u++)
            {
                foreach (string code in new[] { "Rev", "Rd", "Gdp" })
                {
                    bool missing = gaps && ((Units[u] == "C04" && code == "Rd" && m >= 20) || (Units[u] == "C03" && code == "Gdp" && m is 21 or 22));
                    double value = code switch
                    {
                        "Rev" => Math.Round((10 + (5 * u) + random.NextDouble()) * ((m % 12) + 1), 2),
                        "Rd" => Math.Round(5 + (3 * u) + (random.NextDouble() * 4), 2),
                        _ => Math.Round(700 + (400 * u) + (random.NextDouble() * 100), 1),
                    };
                    w.Db.Figures.Add(new Figure
                    {
                        SchemeId = w.Scheme.Id, UnitId = w.Unit(Units[u]), IndicatorId = w.Indicator(code), Period = Months[m],
                        Value = missing ? null : value, Status = FigureStatus.Published, EnteredBy = "import", EnteredAt = at,
                    });
                }
            }
        }

        w.Db.SaveChanges();
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        return w;
    }
}
