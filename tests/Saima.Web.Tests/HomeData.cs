using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Shared;

namespace Saima.Web.Tests;

/// <summary>A small scheme with seven units and three periods: 2025-10 and 2025-11 published, 2025-12 open.</summary>
internal static class HomeData
{
    private const string SchemeJson = """
        {"name": "测试考核方案",
         "indicators": [{"code": "GDP", "name": "地区生产总值", "parent": "Total", "weight": 1, "direction": 1}],
         "groups": [{"code": "Total", "name": "综合得分"}]}
        """;

    public static void Seed(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var at = new DateTimeOffset(2025, 12, 5, 0, 0, 0, TimeSpan.Zero);
        string[] names = ["甲县", "乙县", "<script>alert(1)</script>", "丁县", "戊县", "己县", "庚县"];
        string[] en = ["County A", "County B", "County C", "County D", "County E", "County F", "County G"];
        var units = names.Select((n, i) => new Unit { Code = $"C{i + 1:00}", Name = n, NameEn = en[i], Kind = UnitKind.County }).ToList();
        db.Units.AddRange(units);
        var scheme = new AssessmentScheme { Code = "T", Name = "测试考核方案", NameEn = "Test scheme", CreatedAt = at, CreatedBy = "office" };
        db.Schemes.Add(scheme);
        db.SaveChanges();
        var version = new SchemeVersion { SchemeId = scheme.Id, Version = 1, Json = SchemeJson, CreatedAt = at, CreatedBy = "office" };
        db.SchemeVersions.Add(version);
        db.SaveChanges();
        foreach (var (period, status) in new[] { ("2025-10", PeriodStatus.Published), ("2025-11", PeriodStatus.Published), ("2025-12", PeriodStatus.Open) })
        {
            db.Periods.Add(new ReportingPeriod { SchemeId = scheme.Id, Code = period, Status = status, SchemeVersionId = version.Id });
            var set = new ResultSet { SchemeId = scheme.Id, SchemeVersionId = version.Id, Period = period, ComputedAt = at, ComputedBy = "office", InputHash = period };
            db.ResultSets.Add(set);
            db.SaveChanges();
            ResultPartitions.AddEmpty(db, set.Id);

            // In 2025-11 the units rank in code order (甲县 first, 91.50); other periods in reverse,
            // so a page that shows the wrong period is caught.
            for (int i = 0; i < units.Count; i++)
            {
                int rank = period == "2025-11" ? i + 1 : units.Count - i;
                db.ResultRows.Add(new ResultRow { ResultSetId = set.Id, UnitId = units[i].Id, Node = "Total", Score = 98.5 - (7 * rank), Rank = rank });
                db.ResultRows.Add(new ResultRow { ResultSetId = set.Id, UnitId = units[i].Id, Node = "GDP", Score = 50, Rank = 1 });
            }
        }

        db.SaveChanges();
    }
}
