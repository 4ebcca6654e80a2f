using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class PublishCheckTests(Stores stores)
{
    /// <summary>
    /// Period 2025-06 of S1 (revenue and its derived growth, four counties): C01 and C02 approved
    /// (C01's flagged out of range), C03 a draft, C04 nothing.
    /// </summary>
    /// <remarks>Seeded once per provider; each test gets a copy of its own.</remarks>
    private World HalfDone(StoreProvider provider) => World.CopyOf(stores, provider, "publish-check-half-done", w =>
    {
        w.CreateScheme();
        w.Open("2025-06");
        w.Report("C01", World.Revenue, "2025-06", 10);
        w.Report("C02", World.Revenue, "2025-06", 30);
        w.Figures.SaveDraft(w.ReporterOf("C03"), w.Scheme.Id, w.Unit("C03"), w.Indicator(World.Revenue), "2025-06", 20);
        Figure c01 = w.CurrentFigure("C01", World.Revenue, "2025-06");
        c01.Flags = FigureFlags.OutOfRange;
        w.Db.SaveChanges();
    });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Load_HalfDonePeriod_CountsExpectedMissingUnapprovedApprovedAndFlagged_WithoutDerivedGrowth(StoreProvider provider)
    {
        using World w = HalfDone(provider);

        PublishSummary s = PublishCheck.Load(w.Db, w.Scheme.Id, "2025-06");

        (s.Units, s.Expected, s.Missing, s.Draft, s.Submitted, s.Returned, s.Approved, s.OutOfRange).ShouldBe((4, 4, 1, 1, 0, 0, 2, 1));
        s.NeedsMissingRule.ShouldBeTrue();
        s.MissingList.Select(m => (m.UnitCode, m.IndicatorCode)).ShouldBe(new[] { ("C04", World.Revenue) });
        s.UnapprovedList.Select(o => (o.UnitCode, o.IndicatorCode, o.Status)).ShouldBe(new[] { ("C03", World.Revenue, FigureStatus.Draft) });
        s.PerUnit.Select(u => (u.UnitCode, u.Expected, u.Missing, u.Unapproved, u.Approved)).ShouldBe(new[]
        {
            ("C03", 1, 0, 1, 0), ("C04", 1, 1, 0, 0), ("C01", 1, 0, 0, 1), ("C02", 1, 0, 0, 1),
        });
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Load_ListsAreCappedAtFifty_ButCountsCoverAll(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        IndicatorSpec[] many = Enumerable.Range(1, 15).Select(i => new IndicatorSpec($"I{i:00}", $"指标{i}") { Dimension = "Total" }).ToArray();
        string json = "{ \"indicators\": [" + string.Join(", ", many.Select(i => $"{{ \"code\": \"{i.Code}\", \"parent\": \"Total\" }}")) + "], \"groups\": [ { \"code\": \"Total\" } ] }";
        w.CreateScheme(json, many);
        w.Open("2025-06");

        PublishSummary s = PublishCheck.Load(w.Db, w.Scheme.Id, "2025-06");

        (s.Expected, s.Missing, s.MissingList.Count).ShouldBe((60, 60, PublishCheck.Listed));
        s.MissingList[0].ShouldBe(new MissingFigure("C01", "青山区", "I01", "指标1"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_WithMissingFigures_NeedsAChoice_AndZeroIsRecorded_AndGivenToTheEngine(StoreProvider provider)
    {
        using World w = HalfDone(provider);

        Should.Throw<OutstandingFiguresException>(() => w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", MissingRules.Zero));
        Figure c03 = w.CurrentFigure("C03", World.Revenue, "2025-06");
        w.Figures.Submit(w.ReporterOf("C03"), c03.Id);
        w.Figures.Approve(w.Reviewer, c03.Id);
        await w.Periods.CloseIntakeAsync(w.Office, w.Scheme.Id, "2025-06");

        WorkflowException none = Should.Throw<WorkflowException>(() => w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06"));
        none.Code.ShouldBe(WorkflowCodes.MissingRuleRequired);
        none.Args.ShouldBe(new[] { "2025-06", "1" });
        Should.Throw<WorkflowException>(() => w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", "average")).Code.ShouldBe(WorkflowCodes.MissingRuleUnknown);
        w.Db.Periods.AsNoTracking().Single().Status.ShouldBe(PeriodStatus.Closed);

        w.Clock.Advance(TimeSpan.FromMinutes(5));
        Publication published = w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", MissingRules.Zero);

        published.FiguresPublished.ShouldBe(3);
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        ReportingPeriod p = fresh.Periods.Single();
        (p.Status, p.MissingRule).ShouldBe((PeriodStatus.Published, MissingRules.Zero));
        fresh.Audit.Where(a => a.Entity == "period" && a.Action == "publish").OrderBy(a => a.Id).ToList()
            .Select(a => (a.Field, a.OldValue, a.NewValue, a.Reason)).ShouldBe(new[]
            {
                ((string?)"status", (string?)"closed", (string?)"published", (string?)"scheme version 1"),
                ("missing_rule", null, "zero", "1 figure(s) missing"),
            });
        ScoringInputs inputs = ScoringInputs.Load(fresh, published.Results.SchemeVersionId, "2025-06", published.Results.ComputedAt);
        inputs.CanonicalText!.ShouldContain("figure 2025-06\tC04\tRev\t0\t\n");
        inputs.CanonicalText!.ShouldContain("figure 2025-06\tC03\tRev\t20\t\n");
        inputs.CanonicalText!.ShouldNotContain("\tRevG\t");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publish_WithTheSchemesRule_LeavesTheMissingFigureOut_ForTheEngineToImpute(StoreProvider provider)
    {
        using World w = HalfDone(provider);
        Figure c03 = w.CurrentFigure("C03", World.Revenue, "2025-06");
        w.Figures.Submit(w.ReporterOf("C03"), c03.Id);
        w.Figures.Approve(w.Reviewer, c03.Id);

        Publication published = w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", MissingRules.Scheme);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Periods.Single().MissingRule.ShouldBe(MissingRules.Scheme);
        ScoringInputs inputs = ScoringInputs.Load(fresh, published.Results.SchemeVersionId, "2025-06", published.Results.ComputedAt);
        inputs.CanonicalText!.ShouldNotContain("\tC04\tRev\t");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publish_ZeroInOnePeriod_DoesNotFillAnotherPeriod(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.Open("2025-05");
        w.Report("C01", World.Revenue, "2025-05", 10);
        w.Report("C02", World.Revenue, "2025-05", 12);
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        w.Figures.Publish(w.Office, w.Scheme.Id, "2025-05", MissingRules.Scheme);
        w.Open("2025-06");
        w.Report("C01", World.Revenue, "2025-06", 11);
        w.Report("C02", World.Revenue, "2025-06", 13);
        w.Clock.Advance(TimeSpan.FromMinutes(1));

        Publication june = w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", MissingRules.Zero);

        string text = ScoringInputs.Load(w.Db, june.Results.SchemeVersionId, "2025-06", june.Results.ComputedAt).CanonicalText!;
        text.ShouldContain("figure 2025-06\tC03\tRev\t0\t\n");
        text.ShouldContain("figure 2025-06\tC04\tRev\t0\t\n");
        text.ShouldNotContain("figure 2025-05\tC03");
        text.ShouldNotContain("figure 2025-05\tC04");
    }
}
