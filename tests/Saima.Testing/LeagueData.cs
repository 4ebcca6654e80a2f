using Saima.Data;
using Saima.Data.Store;

namespace Saima.Testing;

/// <summary>
/// A small store built the way the office builds one (SchemeService, FigureWorkflow, which
/// scores through ResultService): five counties in two tracks (县: C01, C03, C04; 城区: C02,
/// C05), four indicators in two dimensions, warning levels blue/yellow/purple/red on GDP
/// (purple being a name no colour is known for), 2025-05 and 2025-06 published, 2025-07 open
/// with a result set of its own that no page may show.
/// </summary>
/// <remarks>
/// 2025-05: every indicator ranks C01…C05 in code order, so the totals do too.
/// 2025-06: GDP and REV rank C02, C01, C05, C04, C03; AIR puts C01 first, EMP puts it last.
/// Totals (0.6 economy, 0.4 ecology): C02 95, C01 65, C05 55, C04 30, C03 5; changes ▲1, ▼1,
/// ▲2, –, ▼2. GDP is year-to-date against a target of 180 at half the year (expected 50%):
/// completion 55.6 blue, 50 yellow, 44.4 purple, 38.9 and 33.3 red.
/// </remarks>
public static class LeagueData
{
    /// <summary>The deadline of every period the seed opens (a period needs one): 18:00 Beijing time, 31 December 2025.</summary>
    public static readonly DateTimeOffset SeedDeadline = new(2025, 12, 31, 10, 0, 0, TimeSpan.Zero);

    public const string Json = """
        {"name": "测试赛马",
         "indicators": [
           {"code": "GDP", "name": "地区生产总值", "parent": "Econ", "cumulative": true},
           {"code": "REV", "name": "财政收入", "parent": "Econ"},
           {"code": "AIR", "name": "空气优良率", "parent": "Eco"},
           {"code": "EMP", "name": "城镇新增就业", "parent": "Eco"}],
         "groups": [
           {"code": "Total", "name": "综合得分"},
           {"code": "Econ", "name": "经济发展", "parent": "Total", "weight": 0.6},
           {"code": "Eco", "name": "生态民生", "parent": "Total", "weight": 0.4}],
         "warnings": {"rules": [
           {"level": "blue", "minGap": 5}, {"level": "yellow", "minGap": -1},
           {"level": "purple", "minGap": -6}, {"level": "red"}]}}
        """;

    public static readonly string[] Codes = ["C01", "C02", "C03", "C04", "C05"];

    public static void Seed(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        TimeProvider clock = TimeProvider.System;
        var schemes = new SchemeService(db, clock);
        var periods = new PeriodService(db, clock);
        var figures = new FigureWorkflow(db, clock);
        Actor office = Actor.Office("office.wang");
        Actor reviewer = Actor.Reviewer("reviewer.zhao");
        string[] names = ["甲县", "乙区", "<script>alert(1)</script>", "丁县", "戊区"];
        string[] en = ["County A", "District B", "County C", "County D", "District E"];
        string[] tracks = ["县", "城区", "县", "县", "城区"];
        var units = Codes.Select((c, i) => schemes.AddUnit(office, c, names[i], UnitKind.County, nameEn: en[i])).ToList();
        AssessmentScheme scheme = schemes.CreateScheme(office, new NewScheme("T", "测试赛马", "month",
            Codes.Select((c, i) => new SchemeUnitSpec(c, tracks[i])).ToList(),
            [
                new("GDP", "地区生产总值") { NameEn = "Gross domestic product", Dimension = "Econ", Cumulative = true, UnitOfMeasure = "亿元" },
                new("REV", "财政收入") { NameEn = "Fiscal revenue", Dimension = "Econ" },
                new("AIR", "空气优良率") { NameEn = "Good-air days", Dimension = "Eco" },
                new("EMP", "城镇新增就业") { NameEn = "New urban jobs", Dimension = "Eco" },
            ],
            Json) { NameEn = "Test race" });
        var indicators = db.Indicators.Where(i => i.SchemeId == scheme.Id).ToDictionary(i => i.Code, i => i.Id);
        foreach (Unit u in units)
        {
            schemes.SetTarget(office, scheme.Id, u.Id, indicators["GDP"], 2025, 180);
        }

        double[] may = [50, 40, 30, 20, 10];
        Publish("2025-05", new()
        {
            ["GDP"] = may, ["REV"] = may, ["AIR"] = may, ["EMP"] = may,
        });
        Publish("2025-06", new()
        {
            //             C01  C02  C03  C04  C05
            ["GDP"] = [90, 100, 60, 70, 80],
            ["REV"] = [40, 50, 10, 20, 30],
            ["AIR"] = [50, 40, 10, 20, 30],
            ["EMP"] = [10, 50, 20, 30, 40],
        });

        // The open period: a draft figure, and results as a preview might store them; neither is published.
        periods.OpenAsync(office, scheme.Id, "2025-07", SeedDeadline).GetAwaiter().GetResult();
        figures.SaveDraft(Actor.Reporter("reporter.c01", units[0].Id), scheme.Id, units[0].Id, indicators["REV"], "2025-07", 999);
        long version = schemes.CurrentVersion(scheme.Id).Id;
        var open = new ResultSet { SchemeId = scheme.Id, SchemeVersionId = version, Period = "2025-07", ComputedAt = DateTimeOffset.UnixEpoch, ComputedBy = "office.wang", InputHash = "open" };
        db.ResultSets.Add(open);
        db.SaveChanges();
        ResultPartitions.AddEmpty(db, open.Id);
        foreach (Unit u in units)
        {
            db.ResultRows.Add(new ResultRow { ResultSetId = open.Id, UnitId = u.Id, Node = "Total", Score = 12.34, Rank = 1 });
        }

        db.SaveChanges();

        void Publish(string period, Dictionary<string, double[]> values)
        {
            periods.OpenAsync(office, scheme.Id, period, SeedDeadline).GetAwaiter().GetResult();
            foreach ((string indicator, double[] v) in values)
            {
                for (int i = 0; i < units.Count; i++)
                {
                    Actor reporter = Actor.Reporter("reporter." + Codes[i].ToLowerInvariant(), units[i].Id);
                    Figure f = figures.SaveDraft(reporter, scheme.Id, units[i].Id, indicators[indicator], period, v[i]);
                    figures.Submit(reporter, f.Id);
                    figures.Approve(reviewer, f.Id);
                }
            }

            figures.Publish(office, scheme.Id, period);
        }
    }
}
