using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Api;
using Saima.Web.Features.Shared;

namespace Saima.Web.Tests;

/// <summary>
/// The store of the access tests, built the way the office builds one (SchemeService,
/// FigureWorkflow): two counties CA and CB, a township below each (TA1 under CA, TB1 under CB)
/// and a statistics bureau DS (a source department) that supplies AIR and EMP for every unit.
/// Scheme T: 2025-05 published, 2025-07 open with unpublished figures whose values (7xxx.5) and
/// preview results (score 12.34) no page may show outside the scope, 2025-08 open and empty
/// (where the matrix's entry posts go). Scheme P: 2025-05 fully approved, ready for the
/// office's publish cell. Scheme Z: the administration's own (CA in track t1, CB in t2,
/// indicators X and Y, Y supplied by DS), with an open empty period 2025-06 whose reminders went
/// to CA, CB and DS: what the /admin/schemes/Z, remind and read cells change, so that no other
/// line reads it. The user <see cref="AdminTarget"/> is the one the /admin/users/{name} cells edit.
/// Scheme W (<see cref="ApiScheme"/>): the HTTP API's writes, a period per kind of write so that
/// they do not meet: 2025-05 fully approved (publish), 2025-06 open and empty (save figures),
/// 2025-07 drafts with values of CA/X, CB/Y and TB1/X (submit), 2025-08 submitted figures of
/// TA1/X and TB1/X (review); X is entered by the units, Y supplied by DS.
/// </summary>
internal static class AccessData
{
    /// <summary>The deadline of every period the seed opens (a period needs one): 18:00 Beijing time, 31 December 2025.</summary>
    public static readonly DateTimeOffset SeedDeadline = new(2025, 12, 31, 10, 0, 0, TimeSpan.Zero);

    public const string Json = """
        {"name": "访问测试",
         "indicators": [
           {"code": "GDP", "name": "地区生产总值", "parent": "Econ"},
           {"code": "REV", "name": "一般公共预算收入", "parent": "Econ"},
           {"code": "AIR", "name": "空气优良天数比例", "parent": "Eco"},
           {"code": "EMP", "name": "城镇新增就业人数", "parent": "Eco"}],
         "groups": [
           {"code": "Total", "name": "综合得分"},
           {"code": "Econ", "name": "经济发展", "parent": "Total", "weight": 0.5},
           {"code": "Eco", "name": "生态民生", "parent": "Total", "weight": 0.5}]}
        """;

    private const string PublishJson = """
        {"name": "待发布方案",
         "indicators": [{"code": "X", "name": "待发布指标", "parent": "Total", "weight": 1, "direction": 1}],
         "groups": [{"code": "Total", "name": "综合得分"}]}
        """;

    /// <summary>The rules of <see cref="AdminScheme"/> as seeded (valid to apply again).</summary>
    public const string AdminRules = """
        {"name": "管理测试方案",
         "indicators": [
           {"code": "X", "name": "管理指标甲", "parent": "Total", "weight": 1, "direction": 1},
           {"code": "Y", "name": "管理指标乙", "parent": "Total", "weight": 1, "direction": 1}],
         "groups": [{"code": "Total", "name": "综合得分"}]}
        """;

    /// <summary>The scheme the /admin/schemes/{code} cells change (its rules, tracks, indicators and targets).</summary>
    public const string AdminScheme = "Z";

    /// <summary>The open period of <see cref="AdminScheme"/>, with reminders to CA, CB and DS.</summary>
    public const string AdminPeriod = "2025-06";

    /// <summary>The scheme the API's write cells change (see the class summary for its periods).</summary>
    public const string ApiScheme = "W";

    /// <summary>The rules of <see cref="ApiScheme"/>.</summary>
    private const string ApiRules = """
        {"name": "接口测试方案",
         "indicators": [
           {"code": "X", "name": "接口指标甲", "parent": "Total", "weight": 1, "direction": 1},
           {"code": "Y", "name": "接口指标乙", "parent": "Total", "weight": 1, "direction": 1}],
         "groups": [{"code": "Total", "name": "综合得分"}]}
        """;

    /// <summary>The reasons of the seeded bonus and penalty items of scheme Z that the /admin/adjustments cells approve, reject and withdraw.</summary>
    public const string AdjustApprove = "访问矩阵通过";

    public const string AdjustReject = "访问矩阵驳回";

    public const string AdjustWithdraw = "访问矩阵撤回";

    /// <summary>The id of the seeded bonus or penalty item with this reason.</summary>
    public static long AdjustmentId(StoreOptions store, string reason)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.Adjustments.Single(a => a.Reason == reason).Id;
    }

    /// <summary>The user the /admin/users/{name} cells lock, unlock, reset and save (a leader nobody signs in as).</summary>
    public const string AdminTarget = "m.admin.target";

    /// <summary>The units of scheme T, in code order.</summary>
    public static readonly string[] Units = ["CA", "CB", "TA1", "TB1"];

    /// <summary>Who entered the seeded figures (never one of the test users, so four eyes allow them to review).</summary>
    public static string ReporterOf(string unit) => "seed.rep." + unit.ToLowerInvariant();

    public const string DepartmentSeeder = "seed.dept";

    /// <summary>
    /// The unpublished figures of 2025-07: unit, indicator, value, submitted (else draft).
    /// Values are 7000 + 100 × (unit's place) + indicator's place + 0.5, so that each is unique
    /// and can be looked for in a page.
    /// </summary>
    public static readonly (string Unit, string Indicator, double Value, bool Submitted)[] Open =
    [
        ("CA", "GDP", 7101.5, false), ("CA", "REV", 7102.5, true), ("CA", "AIR", 7103.5, true), ("CA", "EMP", 7104.5, false),
        ("CB", "GDP", 7201.5, true), ("CB", "REV", 7202.5, false), ("CB", "AIR", 7203.5, true),
        ("TA1", "GDP", 7301.5, true), ("TA1", "REV", 7302.5, true), ("TA1", "AIR", 7303.5, true),
        ("TB1", "GDP", 7401.5, true), ("TB1", "REV", 7402.5, true), ("TB1", "AIR", 7403.5, true),
    ];

    /// <summary>Published values of 2025-05 (unit's place × 10 + indicator's place), e.g. 11 for CA/GDP, 24 for CB/EMP.</summary>
    public static double PublishedValue(string unit, string indicator) =>
        (10 * (Array.IndexOf(Units, unit) + 1)) + Array.IndexOf(Indicators, indicator) + 1;

    public static readonly string[] Indicators = ["GDP", "REV", "AIR", "EMP"];

    public static void Seed(StoreOptions store)
    {
        SeedStore(store);
        AccessArenaData.Seed(store);
        AccessListData.Seed(store);
        AccessReportData.Seed(store);
        AccessProjectData.Seed(store);

        // A map with a feature for each unit of T, so that the map's data answers.
        MapTests.InsertMap(store, "access-test", "访问测试", Units);
    }

    private static void SeedStore(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        TimeProvider clock = TimeProvider.System;
        var schemes = new SchemeService(db, clock);
        var periods = new PeriodService(db, clock);
        var figures = new FigureWorkflow(db, clock);
        Actor office = Actor.Office("seed.office");
        Actor reviewer = Actor.Reviewer("seed.reviewer");
        schemes.AddUnit(office, "CITY", "澜川市", UnitKind.City, nameEn: "Lanchuan");
        schemes.AddUnit(office, "CA", "甲县", UnitKind.County, "CITY", "County A");
        schemes.AddUnit(office, "CB", "乙县", UnitKind.County, "CITY", "County B");
        schemes.AddUnit(office, "TA1", "甲一镇", UnitKind.Township, "CA", "Town A1");
        schemes.AddUnit(office, "TB1", "乙一镇", UnitKind.Township, "CB", "Town B1");
        Unit ds = schemes.AddUnit(office, "DS", "市统计局", UnitKind.Department, "CITY", "Statistics Bureau");
        var ids = db.Units.ToDictionary(u => u.Code, u => u.Id);

        AssessmentScheme scheme = schemes.CreateScheme(office, new NewScheme("T", "访问测试", "month",
            Units.Select(c => new SchemeUnitSpec(c)).ToList(),
            [
                new("GDP", "地区生产总值") { NameEn = "Gross domestic product", Dimension = "Econ", IsPublic = true },
                new("REV", "一般公共预算收入") { NameEn = "Public budget revenue", Dimension = "Econ" },
                new("AIR", "空气优良天数比例") { NameEn = "Good-air days", Dimension = "Eco", SourceUnitCode = "DS" },
                new("EMP", "城镇新增就业人数") { NameEn = "New urban jobs", Dimension = "Eco", SourceUnitCode = "DS" },
            ],
            Json) { NameEn = "Access test" });
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme.Id).ToDictionary(i => i.Code, i => i.Id);

        periods.OpenAsync(office, scheme.Id, "2025-05", SeedDeadline).GetAwaiter().GetResult();
        foreach (string unit in Units)
        {
            foreach (string indicator in Indicators)
            {
                Actor by = EnteredBy(unit, indicator);
                Figure f = figures.SaveDraft(by, scheme.Id, ids[unit], indicators[indicator], "2025-05", PublishedValue(unit, indicator));
                figures.Submit(by, f.Id);
                figures.Approve(reviewer, f.Id);
            }
        }

        figures.Publish(office, scheme.Id, "2025-05");

        periods.OpenAsync(office, scheme.Id, "2025-07", SeedDeadline).GetAwaiter().GetResult();
        foreach ((string unit, string indicator, double value, bool submitted) in Open)
        {
            Actor by = EnteredBy(unit, indicator);
            Figure f = figures.SaveDraft(by, scheme.Id, ids[unit], indicators[indicator], "2025-07", value);
            if (submitted)
            {
                figures.Submit(by, f.Id);
            }
        }

        // Results as a preview might store them for the open period: no page may show them.
        long version = schemes.CurrentVersion(scheme.Id).Id;
        var preview = new ResultSet { SchemeId = scheme.Id, SchemeVersionId = version, Period = "2025-07", ComputedAt = DateTimeOffset.UnixEpoch, ComputedBy = "seed.office", InputHash = "open" };
        db.ResultSets.Add(preview);
        db.SaveChanges();
        ResultPartitions.AddEmpty(db, preview.Id);
        foreach (string unit in Units)
        {
            db.ResultRows.Add(new ResultRow { ResultSetId = preview.Id, UnitId = ids[unit], Node = "Total", Score = 12.34, Rank = 1 });
            db.ResultRows.Add(new ResultRow { ResultSetId = preview.Id, UnitId = ids[unit], Node = "GDP", Value = 7777.5, Score = 12.34, Rank = 1 });
        }

        db.SaveChanges();
        periods.OpenAsync(office, scheme.Id, "2025-08", SeedDeadline).GetAwaiter().GetResult();

        // Scheme P: everything approved in 2025-05, for the one publish that succeeds.
        AssessmentScheme p = schemes.CreateScheme(office, new NewScheme("P", "待发布方案", "month",
            [new SchemeUnitSpec("CA"), new SchemeUnitSpec("CB")], [new("X", "待发布指标")], PublishJson));
        long x = db.Indicators.Single(i => i.SchemeId == p.Id).Id;
        periods.OpenAsync(office, p.Id, "2025-05", SeedDeadline).GetAwaiter().GetResult();
        foreach (string unit in new[] { "CA", "CB" })
        {
            Actor by = Actor.Reporter(ReporterOf(unit), ids[unit]);
            Figure f = figures.SaveDraft(by, p.Id, ids[unit], x, "2025-05", unit == "CA" ? 1 : 2);
            figures.Submit(by, f.Id);
            figures.Approve(reviewer, f.Id);
        }

        // Scheme Z, for the administration cells: tracks to move between, and reminders to read.
        AssessmentScheme z = schemes.CreateScheme(office, new NewScheme(AdminScheme, "管理测试方案", "month",
            [new SchemeUnitSpec("CA", "t1"), new SchemeUnitSpec("CB", "t2")],
            [new("X", "管理指标甲"), new("Y", "管理指标乙") { SourceUnitCode = "DS" }], AdminRules));
        periods.OpenAsync(office, z.Id, AdminPeriod, SeedDeadline).GetAwaiter().GetResult();

        // Z's periods for the periods page's cells: 2025-04 open (its intake is closed), 2025-03 closed (it is reopened).
        periods.OpenAsync(office, z.Id, "2025-04", SeedDeadline).GetAwaiter().GetResult();
        periods.OpenAsync(office, z.Id, "2025-03", SeedDeadline).GetAwaiter().GetResult();
        periods.CloseIntakeAsync(office, z.Id, "2025-03").GetAwaiter().GetResult();
        new Reminders(db, clock).Send(office, z.Id, AdminPeriod, null, "请尽快报送");

        // Bonus and penalty items of Z for the /admin/adjustments cells: one to approve and one to
        // reject (proposed by the seed's office user, so the matrix's office user may review them),
        // one the matrix's office user proposed (to withdraw); the first has the store's first
        // evidence file (/evidence/1), a PDF.
        var adjustments = new AdjustmentService(db, clock);
        using (var pdf = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n")))
        {
            adjustments.ProposeAsync(office, new AdjustmentProposal(z.Id, ids["CA"], 2, AdjustApprove, AdminPeriod), [new EvidenceUpload("表彰文件.pdf", pdf)]).GetAwaiter().GetResult();
        }

        adjustments.ProposeAsync(office, new AdjustmentProposal(z.Id, ids["CB"], -1, AdjustReject, AdminPeriod)).GetAwaiter().GetResult();
        adjustments.ProposeAsync(Actor.Office(AccessSessions.UserName(AccessRole.Office)), new AdjustmentProposal(z.Id, ids["CA"], 1, AdjustWithdraw, AdminPeriod)).GetAwaiter().GetResult();

        // Scheme W, for the API's writes: one period each for publish, save, submit and review.
        AssessmentScheme w = schemes.CreateScheme(office, new NewScheme(ApiScheme, "接口测试方案", "month",
            Units.Select(c => new SchemeUnitSpec(c)).ToList(),
            [new("X", "接口指标甲"), new("Y", "接口指标乙") { SourceUnitCode = "DS" }], ApiRules));
        var wIndicators = db.Indicators.Where(i => i.SchemeId == w.Id).ToDictionary(i => i.Code, i => i.Id);
        Actor ApiEnteredBy(string unit, string indicator) => indicator == "Y"
            ? Actor.Department(DepartmentSeeder, ds.Id)
            : Actor.Reporter(ReporterOf(unit), ids[unit]);
        Figure ApiDraft(string unit, string indicator, string period, double value) =>
            figures.SaveDraft(ApiEnteredBy(unit, indicator), w.Id, ids[unit], wIndicators[indicator], period, value);

        periods.OpenAsync(office, w.Id, "2025-05", SeedDeadline).GetAwaiter().GetResult();
        foreach (string unit in Units)
        {
            foreach (string indicator in new[] { "X", "Y" })
            {
                Figure f = ApiDraft(unit, indicator, "2025-05", 1 + Array.IndexOf(Units, unit));
                figures.Submit(ApiEnteredBy(unit, indicator), f.Id);
                figures.Approve(reviewer, f.Id);
            }
        }

        periods.OpenAsync(office, w.Id, "2025-06", SeedDeadline).GetAwaiter().GetResult();
        periods.OpenAsync(office, w.Id, "2025-07", SeedDeadline).GetAwaiter().GetResult();
        foreach ((string unit, string indicator) in new[] { ("CA", "X"), ("CB", "Y"), ("TB1", "X") })
        {
            ApiDraft(unit, indicator, "2025-07", 5);
        }

        periods.OpenAsync(office, w.Id, "2025-08", SeedDeadline).GetAwaiter().GetResult();
        foreach (string unit in new[] { "TA1", "TB1" })
        {
            figures.Submit(ApiEnteredBy(unit, "X"), ApiDraft(unit, "X", "2025-08", 6).Id);
        }

        Actor EnteredBy(string unit, string indicator) => indicator is "AIR" or "EMP"
            ? Actor.Department(DepartmentSeeder, ds.Id)
            : Actor.Reporter(ReporterOf(unit), ids[unit]);
    }

    /// <summary>A unit's current figure of an indicator in a period of scheme T.</summary>
    public static Figure? Figure(StoreOptions store, string unit, string indicator, string period = "2025-07", string scheme = "T")
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.Figures.SingleOrDefault(f => f.Period == period && f.IsCurrent
            && db.Schemes.Any(s => s.Id == f.SchemeId && s.Code == scheme)
            && db.Units.Any(u => u.Id == f.UnitId && u.Code == unit)
            && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == indicator && i.SchemeId == f.SchemeId));
    }

    /// <summary>The first seeded reminder addressed to a unit (CA, CB or DS) in scheme Z.</summary>
    public static long ReminderId(StoreOptions store, string recipient)
    {
        using SaimaDb db = SaimaDb.Open(store);
        long unit = db.Units.Single(u => u.Code == recipient).Id;
        long scheme = db.Schemes.Single(s => s.Code == AdminScheme).Id;
        return db.Reminders.Where(r => r.SchemeId == scheme && r.RecipientUnitId == unit).OrderBy(r => r.Id).Select(r => r.Id).First();
    }

    public static long UnitId(StoreOptions store, string unit)
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.Units.Single(u => u.Code == unit).Id;
    }

    public static long IndicatorId(StoreOptions store, string indicator, string scheme = "T")
    {
        using SaimaDb db = SaimaDb.Open(store);
        return db.Indicators.Single(i => i.Code == indicator && db.Schemes.Any(s => s.Id == i.SchemeId && s.Code == scheme)).Id;
    }
}
