using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Schemes designed by the office on both stores: a draft becomes the engine's JSON and a stored
/// scheme (units picked by kind and parent, tracks, dimensions, rules in Chinese); a draft the
/// engine or the checks refuse stores nothing and names the field; a copy takes units, tracks,
/// indicators, rules and (when asked) targets, never periods, figures or results; sources are set
/// and audited; reporters and departments see what is theirs to enter; units are added.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class SchemeDesignerTests(Stores stores)
{
    private static SchemeDraft Draft(string code = "N1") => new(code, "新方案", "month")
    {
        NameEn = "New scheme",
        Aggregate = "sum",
        Picks = [new UnitPick(UnitKind.County, "CITY", "县"), new UnitPick(UnitKind.District, "CITY", "区")],
        Dimensions = [new DimensionDraft("Econ", "经济发展", 0.6), new DimensionDraft("Eco", "生态环境", 0.4)],
        Indicators =
        [
            new IndicatorDraft("GDP", "地区生产总值增速") { Dimension = "Econ", Rule = "完成率计分", RuleParams = "满分=10, 达标系数=0.8, 每点=0.5, 封顶=1.2", SourceUnitCode = "TJJ", UnitOfMeasure = "%", IsPublic = true },
            new IndicatorDraft("FAI", "固定资产投资") { Dimension = "Econ", Rule = "rankPoints", RuleParams = "first=10, step=0.5", Weight = 2, Cumulative = true },
            new IndicatorDraft("PM25", "PM2.5浓度") { Dimension = "Eco", Direction = -1, Rule = "分档计分", RuleParams = "分档界限=35/50/75, 各档得分=10/6/3/0", Frequency = "quarter", MinPlausible = 0, MaxPlausible = 500 },
        ],
    };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_StoresTheDraftAsTheEngineReadsIt_Audited(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var designer = new SchemeDesigner(w.Db, w.Clock);

        AssessmentScheme scheme = await designer.CreateAsync(w.Office, Draft());

        using SaimaDb db = SaimaDb.Open(w.Store);
        var members = db.SchemeUnits.Where(s => s.SchemeId == scheme.Id).Join(db.Units, s => s.UnitId, u => u.Id, (s, u) => new { u.Code, s.Track }).OrderBy(m => m.Code).ToList();
        members.Select(m => $"{m.Code}:{m.Track}").ShouldBe(["C01:区", "C02:县", "C03:县", "C04:县"]);
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme.Id).OrderBy(i => i.SortOrder).ToList();
        indicators.Select(i => i.Code).ShouldBe(["GDP", "FAI", "PM25"]);
        indicators[0].SourceUnitId.ShouldBe(w.Unit("TJJ"));
        indicators[0].Dimension.ShouldBe("Econ");
        indicators[1].Cumulative.ShouldBeTrue();
        indicators[2].Direction.ShouldBe(-1);
        indicators[2].Frequency.ShouldBe("quarter");
        indicators[2].MaxPlausible.ShouldBe(500);

        Scheme parsed = SchemeParser.Parse(db.SchemeVersions.Single(v => v.SchemeId == scheme.Id).Json);
        parsed.Indicators[0].Normalise!.Method.ShouldBe(NormaliseMethod.Completion);
        parsed.Indicators[0].Normalise!.Cap.ShouldBe(1.2);
        parsed.Indicators[1].Normalise!.Method.ShouldBe(NormaliseMethod.RankPoints);
        parsed.Indicators[1].Weight.ShouldBe(2);
        parsed.Indicators[2].Normalise!.Points.ShouldBe([10d, 6, 3, 0]);
        parsed.Groups.Single(g => g.Code == "Econ").Weight.ShouldBe(0.6);
        parsed.Steps.Aggregate.Method.ShouldBe(AggregateMethod.Sum);
        parsed.Tracks.ShouldNotBeNull();
        db.Audit.Count(a => a.Entity == AuditLog.SchemeEntity && a.EntityKey == "N1" && a.Field == "json").ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EngineRefusal_StoresNothing_AndNamesTheRulesField(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var designer = new SchemeDesigner(w.Db, w.Clock);
        SchemeDraft draft = Draft() with
        {
            // Four bands need three bounds: only the engine knows.
            Indicators = [Draft().Indicators[0], Draft().Indicators[1], Draft().Indicators[2] with { RuleParams = "分档界限=35/50, 各档得分=10/6/3/0" }],
        };

        var e = await Should.ThrowAsync<SchemeDraftException>(() => designer.CreateAsync(w.Office, draft));

        DraftError error = e.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(DraftError.Engine);
        error.Field.ShouldBe("Inds[2].RuleParams");
        error.Args[0].ShouldBe("$.indicators[2].normalise.points");
        e.Code.ShouldBe(WorkflowCodes.SchemeDraftInvalid);
        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Schemes.Count().ShouldBe(0);
        db.Indicators.Count().ShouldBe(0);
        db.SchemeVersions.Count().ShouldBe(0);
        db.Audit.Count(a => a.Entity == AuditLog.SchemeEntity).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FieldChecks_NameEveryBadField_BeforeTheEngine(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var designer = new SchemeDesigner(w.Db, w.Clock);
        SchemeDraft draft = Draft() with
        {
            Name = " ",
            Picks = [new UnitPick(null, "NOPE", null)],
            Indicators =
            [
                new IndicatorDraft("GDP", "增速") { Dimension = "Social", Rule = "完成率计分", RuleParams = "满分=10" },
                new IndicatorDraft("GDP", "重复") { SourceUnitCode = "C01", Weight = -1 },
                new IndicatorDraft("X", "未知规则") { Rule = "神秘计分" },
            ],
        };

        var e = await Should.ThrowAsync<SchemeDraftException>(() => designer.CheckAsync(w.Office, draft));

        var byField = e.Errors.ToDictionary(x => x.Field, x => x.Code);
        byField["Name"].ShouldBe(DraftError.Missing);
        byField["Picks[0].Parent"].ShouldBe(DraftError.NoUnit);
        byField["Inds[0].Dimension"].ShouldBe(DraftError.NoDimension);
        byField["Inds[0].RuleParams"].ShouldBe(DraftError.RuleParamMissing);
        byField["Inds[1].Code"].ShouldBe(DraftError.Twice);
        byField["Inds[1].Source"].ShouldBe(DraftError.NotDepartment);
        byField["Inds[1].Weight"].ShouldBe(DraftError.BadWeight);
        byField["Inds[2].Rule"].ShouldBe(DraftError.RuleUnknown);
        await Should.ThrowAsync<AccessDeniedException>(() => designer.CheckAsync(w.ReporterOf("C01"), Draft()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Copy_TakesUnitsTracksIndicatorsRulesAndTargets_NeverPeriodsFiguresOrResults(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var designer = new SchemeDesigner(w.Db, w.Clock);
        AssessmentScheme old = await designer.CreateAsync(w.Office, Draft("Y2025"));
        long gdp = w.Db.Indicators.Single(i => i.SchemeId == old.Id && i.Code == "GDP").Id;
        w.Schemes.SetTarget(w.Office, old.Id, w.Unit("C02"), gdp, 2025, 7.5);
        w.Schemes.SetTarget(w.Office, old.Id, w.Unit("C03"), gdp, 2024, 6);
        await w.Periods.OpenAsync(w.Office, old.Id, "2025-06", w.Clock.GetUtcNow().AddDays(10));
        w.Figures.SaveDraft(w.ReporterOf("C02"), old.Id, w.Unit("C02"), w.Db.Indicators.Single(i => i.SchemeId == old.Id && i.Code == "FAI").Id, "2025-06", 12);
        int periods = w.Db.Periods.Count(), figures = w.Db.Figures.Count();

        AssessmentScheme copy = await designer.CopyAsync(w.Office, "Y2025", new SchemeCopy("Y2026", "2026年新方案") { NameEn = "New scheme 2026", TargetsFrom = 2025, TargetsTo = 2026 });

        using SaimaDb db = SaimaDb.Open(w.Store);
        copy.Frequency.ShouldBe("month");
        db.SchemeUnits.Where(s => s.SchemeId == copy.Id).OrderBy(s => s.UnitId).Select(s => s.UnitId + ":" + s.Track).ToList()
            .ShouldBe(db.SchemeUnits.Where(s => s.SchemeId == old.Id).OrderBy(s => s.UnitId).Select(s => s.UnitId + ":" + s.Track).ToList());
        var indicators = db.Indicators.Where(i => i.SchemeId == copy.Id).OrderBy(i => i.SortOrder).ToList();
        indicators.Select(i => $"{i.Code}/{i.Direction}/{i.Cumulative}/{i.Frequency}/{i.SourceUnitId}/{i.MaxPlausible}")
            .ShouldBe(db.Indicators.Where(i => i.SchemeId == old.Id).OrderBy(i => i.SortOrder).Select(i => $"{i.Code}/{i.Direction}/{i.Cumulative}/{i.Frequency}/{i.SourceUnitId}/{i.MaxPlausible}").ToList());
        SchemeVersion v = db.SchemeVersions.Single(x => x.SchemeId == copy.Id);
        v.Version.ShouldBe(1);
        SchemeParser.Parse(v.Json).Name.ShouldBe("2026年新方案");
        SchemeParser.Parse(v.Json).Indicators[0].Normalise!.Method.ShouldBe(NormaliseMethod.Completion);
        var targets = db.Targets.Where(t => t.SchemeId == copy.Id).ToList();
        targets.ShouldHaveSingleItem().Year.ShouldBe(2026);
        targets[0].Value.ShouldBe(7.5);
        targets[0].IndicatorId.ShouldBe(indicators[0].Id);
        db.Periods.Count(p => p.SchemeId == copy.Id).ShouldBe(0);
        db.Figures.Count(f => f.SchemeId == copy.Id).ShouldBe(0);
        db.ResultSets.Count(r => r.SchemeId == copy.Id).ShouldBe(0);
        (db.Periods.Count(), db.Figures.Count()).ShouldBe((periods, figures));
        db.Audit.Single(a => a.EntityKey == "Y2026" && a.Field == "copy_of").NewValue.ShouldBe("Y2025 v1");

        // Without targets asked, none; a taken code stores nothing.
        AssessmentScheme bare = await designer.CopyAsync(w.Office, "Y2025", new SchemeCopy("Y2026b", "无目标副本"));
        db.Targets.Count(t => t.SchemeId == bare.Id).ShouldBe(0);
        var taken = await Should.ThrowAsync<SchemeDraftException>(() => designer.CopyAsync(w.Office, "Y2025", new SchemeCopy("Y2026", "重复")));
        taken.Errors.ShouldHaveSingleItem().Code.ShouldBe(DraftError.Taken);
        db.Schemes.Count().ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Sources_AreSetAndAudited_AndEachReaderSeesWhatIsTheirs(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var designer = new SchemeDesigner(w.Db, w.Clock);
        await designer.CreateAsync(w.Office, Draft());

        await designer.SetSourceAsync(w.Office, "N1", "FAI", "TJJ");
        await designer.SetSourceAsync(w.Office, "N1", "GDP", null);
        var notDept = await Should.ThrowAsync<WorkflowException>(() => designer.SetSourceAsync(w.Office, "N1", "PM25", "C01"));
        notDept.Code.ShouldBe(WorkflowCodes.NotDepartment);
        (await Should.ThrowAsync<AccessDeniedException>(() => designer.SetSourceAsync(w.ReporterOf("C01"), "N1", "PM25", "TJJ"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);

        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Indicators.Where(i => i.Code == "FAI").Select(i => i.SourceUnitId).Single().ShouldBe(w.Unit("TJJ"));
        db.Indicators.Where(i => i.Code == "GDP").Select(i => i.SourceUnitId).Single().ShouldBeNull();
        db.Audit.Where(a => a.Field == "source").OrderBy(a => a.Id).Select(a => $"{a.EntityKey}:{a.OldValue}->{a.NewValue}").ToList()
            .ShouldBe(["N1/FAI:->TJJ", "N1/GDP:TJJ->"]);

        var reporter = await new SchemeDesigner(db, w.Clock).MineAsync(w.ReporterOf("C02"));
        reporter.Select(r => $"{r.IndicatorCode}:{r.Mine}:{r.SourceCode}").ShouldBe(["GDP:True:", "FAI:False:TJJ", "PM25:True:"]);
        var department = await new SchemeDesigner(db, w.Clock).MineAsync(Actor.Department("dept.tjj", w.Unit("TJJ")));
        department.ShouldHaveSingleItem().IndicatorCode.ShouldBe("FAI");
        department[0].UnitCount.ShouldBe(4);
        (await new SchemeDesigner(db, w.Clock).MineAsync(w.Office)).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Units_AreAddedAudited_AndListedByPage(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var units = new UnitAdmin(w.Db, w.Clock);
        for (int k = 0; k < 60; k++)
        {
            await units.AddAsync(w.Office, $"T{k:000}", $"乡镇{k}", null, UnitKind.Township, "C02");
        }

        (await Should.ThrowAsync<WorkflowException>(() => units.AddAsync(w.Office, "T001", "重复", null, UnitKind.Township, null))).Code.ShouldBe(WorkflowCodes.UnitCodeTaken);
        (await Should.ThrowAsync<NotFoundException>(() => units.AddAsync(w.Office, "T999", "无上级", null, UnitKind.Township, "NOPE"))).Code.ShouldBe(WorkflowCodes.NoUnit);
        await Should.ThrowAsync<AccessDeniedException>(() => units.AddAsync(w.ReporterOf("C01"), "T998", "越权", null, UnitKind.Township, null));

        UnitPage first = await units.ListAsync(UnitKind.Township, "C02", null, 1);
        first.Total.ShouldBe(60);
        first.Rows.Count.ShouldBe(UnitAdmin.PageSize);
        UnitPage second = await units.ListAsync(UnitKind.Township, "C02", null, 2);
        second.Rows.Select(r => r.Code).ShouldBe(Enumerable.Range(50, 10).Select(k => $"T{k:000}"));
        second.Rows[0].ParentCode.ShouldBe("C02");
        (await units.ListAsync(null, null, "乡镇59", 1)).Rows.ShouldHaveSingleItem().Code.ShouldBe("T059");
        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Units.Count(u => u.Code == "T998" || u.Code == "T999").ShouldBe(0);
        db.Audit.Count(a => a.Entity == AuditLog.UnitEntity && a.EntityKey.StartsWith("T0")).ShouldBe(60);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task IndicatorFile_MadeByLibreOffice_BecomesADraftTheStoreAccepts(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        (IReadOnlyList<DimensionDraft> dims, IReadOnlyList<IndicatorDraft> inds) = IndicatorSheet.Read(IntakeFile.Read(Saima.Data.Tests.Intake.IndicatorSheetTests.Fixture("indicators_good.lo.xlsx")));

        AssessmentScheme s = await new SchemeDesigner(w.Db, w.Clock).CreateAsync(w.Office, new SchemeDraft("IMP", "导入方案", "month")
        {
            Picks = [new UnitPick(UnitKind.County, null, null)],
            Dimensions = dims,
            Indicators = inds,
        });

        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Indicators.Count(i => i.SchemeId == s.Id).ShouldBe(4);
        db.Indicators.Single(i => i.SchemeId == s.Id && i.Code == "GDP").SourceUnitId.ShouldBe(w.Unit("TJJ"));
        db.SchemeUnits.Count(u => u.SchemeId == s.Id).ShouldBe(3);
    }
}
