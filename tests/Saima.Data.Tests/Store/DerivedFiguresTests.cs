using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class DerivedFiguresTests(Stores stores)
{
    [Theory]
    [InlineData(125.0, 100.0, 25.0)] // 1.25 − 1 = 0.25, exact in binary
    [InlineData(300.0, 200.0, 50.0)]
    [InlineData(60.0, 80.0, -25.0)] // a fall: 0.75 − 1
    [InlineData(110.0, 100.0, 10.000000000000009)] // 110/100 is the double just above 1.1: (1.1000000000000001 − 1)·100
    [InlineData(0.0, 50.0, -100.0)]
    [InlineData(90.0, 0.0, null)] // growth from 0 has no rate
    [InlineData(null, 100.0, null)]
    [InlineData(100.0, null, null)]
    public void Growth_LevelAndLevelYearEarlier_IsPercentChangeOrMissing(double? level, double? earlier, double? expected)
    {
        DerivedFigures.Growth(level, earlier).ShouldBe(expected);
    }

    [Theory]
    [InlineData("2025-06", "2024-06")]
    [InlineData("2025-01", "2024-01")]
    [InlineData("2025-Q2", "2024-Q2")]
    [InlineData("2025", "2024")]
    public void YearEarlier_Period_IsTheSamePeriodOfThePreviousYear(string period, string expected)
    {
        DerivedFigures.YearEarlier(period).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Current_StoredLevels_DeriveGrowthPerUnit(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2024-06", ("C01", 100), ("C02", 200), ("C03", 80), ("C04", 0));
        w.Open("2025-06");
        w.Report("C01", World.Revenue, "2025-06", 125);
        w.Report("C03", World.Revenue, "2025-06", 60);
        w.Report("C04", World.Revenue, "2025-06", 90);
        Figure draft = w.Figures.SaveDraft(w.ReporterOf("C02"), w.Scheme.Id, w.Unit("C02"), w.Indicator(World.Revenue), "2025-06", 250);

        var derived = DerivedFigures.Current(w.Db, w.Scheme.Id, "2025-06");

        // C01 125/100 → 25; C02 draft 250/200 → 25 (intake sees drafts too); C03 60/80 → −25; C04 90/0 → missing.
        derived.Select(d => (d.UnitId, d.IndicatorId, d.Value, d.Level, d.LevelYearEarlier)).ShouldBe(new (long, long, double?, double?, double?)[]
        {
            (w.Unit("C01"), w.Indicator(World.RevenueGrowth), 25, 125, 100),
            (w.Unit("C02"), w.Indicator(World.RevenueGrowth), 25, 250, 200),
            (w.Unit("C03"), w.Indicator(World.RevenueGrowth), -25, 60, 80),
            (w.Unit("C04"), w.Indicator(World.RevenueGrowth), null, 90, 0),
        });

        // Scoring reads published levels only: after C02 is approved at 300 and the period published, its growth is 50.
        w.Figures.SaveDraft(w.ReporterOf("C02"), w.Scheme.Id, w.Unit("C02"), w.Indicator(World.Revenue), "2025-06", 300);
        w.Figures.Submit(w.ReporterOf("C02"), draft.Id);
        w.Figures.Approve(w.Reviewer, draft.Id);
        Publication p = w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06");
        ScoringInputs inputs = ScoringInputs.Load(w.Db, p.Results.SchemeVersionId, "2025-06", p.Results.ComputedAt);
        PeriodData june = inputs.Dataset.Periods[^1];
        june.Period.ToString().ShouldBe("2025-06");
        int revG = inputs.Scheme.NodeIndex("RevG");
        june.Values[revG].ShouldBe(new[] { 25, 50, -25, double.NaN });
        inputs.CanonicalText!.ShouldContain("figure 2025-06\tC02\tRevG\t50\t\n");
        inputs.CanonicalText!.ShouldNotContain("figure 2025-06\tC04\tRevG");
        inputs.Dataset.Periods[0].Values[revG].ShouldAllBe(v => double.IsNaN(v));
    }
}
