using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The rules of entering figures, once, at the door every figure passes (<see cref="FigureEntry"/>):
/// the form, the upload, the API and the command line only translate to and from it.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class FigureEntryTests(Stores stores)
{
    private const string Scheme = "S1";

    /// <summary>Revenue (year to date, plausible 0–1000), a quarterly indicator, and the derived growth.</summary>
    private const string Json = """
        { "name": "县域赛马",
          "indicators": [
            { "code": "Rev",  "name": "一般公共预算收入", "parent": "Total", "cumulative": true },
            { "code": "Q",    "name": "季度指标", "parent": "Total" },
            { "code": "RevG", "name": "一般公共预算收入增速", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ] }
        """;

    private static readonly IndicatorSpec[] Indicators =
    [
        new(World.Revenue, "一般公共预算收入") { UnitOfMeasure = "亿元", Dimension = "Total", Cumulative = true, MinPlausible = 0, MaxPlausible = 1000 },
        new("Q", "季度指标") { Dimension = "Total", Frequency = "quarter" },
        new(World.RevenueGrowth, "一般公共预算收入增速") { UnitOfMeasure = "%", GrowthOf = World.Revenue, Dimension = "Total" },
    ];

    private static World Create(Stores stores, StoreProvider provider)
    {
        var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(Json, Indicators);
        w.Open("2025-05");
        w.Open("2025-06");
        return w;
    }

    private static Task<EntryResult> Save(World w, Actor actor, EntryMode mode, params FigureInput[] items) =>
        new FigureEntry(w.Db, w.Clock).SaveAsync(actor, new EntryRequest(Scheme, items, mode));

    private static int CurrentFigures(World w)
    {
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        return fresh.Figures.Count(f => f.IsCurrent);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_BatchWithBadItems_StoresNothingAndNamesEachItemFieldAndCode(StoreProvider provider)
    {
        using World w = Create(stores, provider);

        EntryResult r = await Save(w, w.Office, EntryMode.Draft,
            new FigureInput("C01", "Rev", "2025-06", 120.5),
            new FigureInput("C99", "Rev", "2025-06", 1),
            new FigureInput("C02", "RevG", "2025-06", 3),
            new FigureInput("C02", "Q", "2025-05", 3),
            new FigureInput("C03", "Rev", "2025-06", "十二"),
            new FigureInput("C04", "Rev", "2025-13", 1),
            new FigureInput("C01", "Rev", "2025-06", 121),
            new FigureInput("C04", "Rev", "2025-06", "1,234.5"));

        r.Accepted.ShouldBeFalse();
        r.Errors.Select(e => (e.Index, e.Field, e.Code)).ShouldBe(
        [
            (1, EntryField.Unit, WorkflowCodes.NoUnit),
            (2, EntryField.Indicator, WorkflowCodes.DerivedNotEntered),
            (3, EntryField.Indicator, WorkflowCodes.NotDue),
            (4, EntryField.Value, WorkflowCodes.NotANumber),
            (5, EntryField.Period, WorkflowCodes.PeriodFormat),
            (6, EntryField.Item, WorkflowCodes.Duplicate),
            (7, EntryField.Explanation, WorkflowCodes.OutOfRange),
        ]);
        r.Errors.Single(e => e.Index == 7).Zh.ShouldBe("数值 1234.5 亿元 超出指标“Rev”的合理范围 [0, 1000]；如数据无误，请填写说明");
        r.Errors.Single(e => e.Index == 4).En.ShouldBe("'十二' is not a number");
        CurrentFigures(w).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_OutOfRangeWithExplanation_IsStoredFlaggedAndTheReviewerSeesTheExplanation(StoreProvider provider)
    {
        using World w = Create(stores, provider);
        Actor reporter = w.ReporterOf("C01");

        EntryResult r = await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", "1,200", "  新增大项目入库，已与财政局核对  "));

        r.Accepted.ShouldBeTrue();
        (r.Created, r.Submitted, r.Flagged).ShouldBe((1, 1, 1));
        Figure f = w.CurrentFigure("C01", "Rev", "2025-06");
        f.Value.ShouldBe(1200);
        f.Status.ShouldBe(FigureStatus.Submitted);
        f.Flags.ShouldBe(FigureFlags.OutOfRange);
        f.Explanation.ShouldBe("新增大项目入库，已与财政局核对");
        w.Figures.Approve(w.Reviewer, f.Id).Status.ShouldBe(FigureStatus.Approved);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_YearToDateBelowLastMonth_NeedsAnExplanation(StoreProvider provider)
    {
        using World w = Create(stores, provider);
        Actor reporter = w.ReporterOf("C01");
        (await Save(w, reporter, EntryMode.Draft, new FigureInput("C01", "Rev", "2025-05", 80))).Accepted.ShouldBeTrue();

        EntryResult refused = await Save(w, reporter, EntryMode.Draft, new FigureInput("C01", "Rev", "2025-06", 70));
        EntryResult explained = await Save(w, reporter, EntryMode.Draft, new FigureInput("C01", "Rev", "2025-06", 70, "5月数据含一次性退税，6月已冲回"));

        refused.Errors.Single().Code.ShouldBe(WorkflowCodes.YearToDateFalls);
        refused.Errors.Single().En.ShouldStartWith("year-to-date value 70 is lower than 80");
        explained.Accepted.ShouldBeTrue();
        w.CurrentFigure("C01", "Rev", "2025-06").Flags.ShouldBe(FigureFlags.YearToDateFalls);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Submit_ReturnedFigureUnchanged_NeedsAnExplanation_ChangedOrExplainedGoesBack(StoreProvider provider)
    {
        using World w = Create(stores, provider);
        Actor reporter = w.ReporterOf("C01");
        (await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 115))).Accepted.ShouldBeTrue();
        Figure f = w.CurrentFigure("C01", "Rev", "2025-06");
        w.Figures.Return(w.Reviewer, f.Id, "与财政局快报不一致，请核实");

        EntryResult unchanged = await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 115));
        var byId = Should.Throw<WorkflowException>(() => w.Figures.Submit(reporter, f.Id));
        EntryResult explained = await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 115, "已核实：快报口径不含基金收入"));

        unchanged.Errors.Single().Code.ShouldBe(WorkflowCodes.ReturnedUnchanged);
        byId.Code.ShouldBe(WorkflowCodes.ReturnedUnchanged);
        explained.Accepted.ShouldBeTrue();
        Figure after = w.CurrentFigure("C01", "Rev", "2025-06");
        (after.Status, after.ReturnedValue, after.Comment).ShouldBe((FigureStatus.Submitted, (double?)null, "与财政局快报不一致，请核实"));

        // Returned again: a changed value needs no explanation.
        w.Figures.Return(w.Reviewer, f.Id, "请再核实");
        (await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 112))).Accepted.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_ScopeOfTheActor_ReporterOwnUnitDepartmentOwnIndicators(StoreProvider provider)
    {
        using World w = Create(stores, provider);

        EntryResult other = await Save(w, w.ReporterOf("C01"), EntryMode.Draft, new FigureInput("C02", "Rev", "2025-06", 1));
        EntryResult department = await Save(w, Actor.Department("tjj.li", w.Unit("TJJ")), EntryMode.Draft, new FigureInput("C02", "Rev", "2025-06", 1));
        EntryResult leader = await Save(w, Actor.Leader("leader.chen"), EntryMode.Draft, new FigureInput("C02", "Rev", "2025-06", 1));

        other.Errors.Single().Code.ShouldBe(WorkflowCodes.OtherUnit);
        other.Errors.Single().IsAccess.ShouldBeTrue();
        department.Errors.Single().Code.ShouldBe(WorkflowCodes.NotSource);
        leader.Errors.Single().Code.ShouldBe(WorkflowCodes.CannotEnter);
        CurrentFigures(w).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_SubmittedOrPublishedFigure_IsNeverOverwritten(StoreProvider provider)
    {
        using World w = Create(stores, provider);
        Actor reporter = w.ReporterOf("C01");
        (await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 100))).Accepted.ShouldBeTrue();

        EntryResult r = await Save(w, reporter, EntryMode.Draft, new FigureInput("C01", "Rev", "2025-06", 101));

        r.Errors.Single().Code.ShouldBe(WorkflowCodes.EditSubmitted);
        w.CurrentFigure("C01", "Rev", "2025-06").Value.ShouldBe(100);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_IntakeClosed_RefusesUnitsButTheOfficeEntersAndReviewGoesOn(StoreProvider provider)
    {
        using World w = Create(stores, provider);
        Actor reporter = w.ReporterOf("C01");
        (await Save(w, reporter, EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 100))).Accepted.ShouldBeTrue();
        await w.Periods.CloseIntakeAsync(w.Office, w.Scheme.Id, "2025-06");

        EntryResult unit = await Save(w, w.ReporterOf("C02"), EntryMode.Draft, new FigureInput("C02", "Rev", "2025-06", 90));
        EntryResult office = await Save(w, w.Office, EntryMode.Draft, new FigureInput("C02", "Rev", "2025-06", 90));

        unit.Errors.Single().Code.ShouldBe(WorkflowCodes.IntakeClosed);
        office.Accepted.ShouldBeTrue();
        w.Figures.Approve(w.Reviewer, w.CurrentFigure("C01", "Rev", "2025-06").Id).Status.ShouldBe(FigureStatus.Approved);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Approve_FlaggedWithoutExplanation_IsRefused_TheRangeIsCheckedAgain(StoreProvider provider)
    {
        using World w = Create(stores, provider);
        (await Save(w, w.ReporterOf("C01"), EntryMode.Submit, new FigureInput("C01", "Rev", "2025-06", 900))).Accepted.ShouldBeTrue();

        // The office narrows the plausible range after the figure was submitted.
        await w.Db.Indicators.Where(i => i.Code == "Rev").ExecuteUpdateAsync(s => s.SetProperty(i => i.MaxPlausible, 500.0));
        w.Db.ChangeTracker.Clear();
        Figure f = w.CurrentFigure("C01", "Rev", "2025-06");

        Should.Throw<WorkflowException>(() => w.Figures.Approve(w.Reviewer, f.Id)).Code.ShouldBe(WorkflowCodes.FlaggedNoExplanation);
        w.CurrentFigure("C01", "Rev", "2025-06").Status.ShouldBe(FigureStatus.Submitted);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Save_LargeBatch_TakesTheBulkPathAndAuditsEveryFigure(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        for (int i = 0; i < 300; i++)
        {
            w.Schemes.AddUnit(w.Office, $"T{i:000}", $"乡镇{i}", UnitKind.Township, "C01");
        }

        var spec = new NewScheme("S1", "乡镇赛马", "month", [.. Enumerable.Range(0, 300).Select(i => new SchemeUnitSpec($"T{i:000}"))], Indicators, Json);
        w.Schemes.CreateScheme(w.Office, spec);
        await w.Periods.OpenAsync(w.Office, w.Db.Schemes.Single().Id, "2025-06", w.Clock.GetUtcNow().AddDays(10));

        EntryResult r = await Save(w, w.Office, EntryMode.Draft, [.. Enumerable.Range(0, 300).Select(i => new FigureInput($"T{i:000}", "Rev", "2025-06", i + 0.5))]);

        r.Accepted.ShouldBeTrue();
        r.Created.ShouldBe(300);
        r.FigureIds.Distinct().Count().ShouldBe(300);
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Figures.Where(f => f.Id == r.FigureIds[299]).Select(f => f.Value).Single().ShouldBe(299.5);
        fresh.Audit.Count(a => a.Action == "create" && a.Field == "value").ShouldBe(300);
    }
}
