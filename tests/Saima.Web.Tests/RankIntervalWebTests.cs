using System.Globalization;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>The 90% rank intervals stored at publication, as the league table and the unit page show them.</summary>
public sealed class RankIntervalWebTests
{
    [Fact]
    public async Task League_Total_ShowsEachStoredIntervalBesideTheRank()
    {
        await using var web = await LeagueTableTests.StartAsync();

        // June's ranks are far apart (95, 65, 55, 30, 5): no weight moves them. C01's stored
        // interval is widened by hand, as a closer race would give, before the page is first read.
        Widen(web, "2025-06", "C01", 1, 3, 1, 2);
        Dictionary<string, UnitRankInterval> stored = StoredIntervals(web, "2025-06");
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-06");

        foreach (string code in page.Codes)
        {
            UnitRankInterval i = stored[code];
            string? expected = i.Low == i.High ? null : string.Create(CultureInfo.InvariantCulture, $"({i.Low}–{i.High})");
            page.Interval(code, "rank").ShouldBe(expected, code);
            string? track = i.TrackLow == i.TrackHigh ? null : string.Create(CultureInfo.InvariantCulture, $"({i.TrackLow}–{i.TrackHigh})");
            page.Interval(code, "trackrank").ShouldBe(track, code);
        }

        page.Interval("C01", "rank").ShouldBe("(1–3)");
        page.Interval("C01", "trackrank").ShouldBe("(1–2)");
        page.Cell("C01", "rank").ShouldBe("2");
        page.Interval("C02", "rank").ShouldBeNull("a rank no weight moves is shown alone");
        page.Html.ShouldContain("id=\"league-intervals\"");
        page.Html.ShouldContain("90%排名区间");
    }

    [Fact]
    public async Task League_ClearRanks_ShowNoBrackets()
    {
        await using var web = await LeagueTableTests.StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-05");

        // In May every indicator ranks the units alike: no weight moves a rank.
        foreach (string code in page.Codes)
        {
            page.Interval(code, "rank").ShouldBeNull(code);
        }
    }

    [Fact]
    public async Task League_Indicator_ShowsNoInterval()
    {
        await using var web = await LeagueTableTests.StartAsync();
        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-06&node=GDP");

        page.Html.ShouldNotContain("rank-interval\">");
        page.Html.ShouldNotContain("id=\"league-intervals\"");
    }

    [Fact]
    public async Task Unit_ExplainsItsIntervalInOneSentence()
    {
        await using var web = await LeagueTableTests.StartAsync();
        UnitRankInterval fixedRank = StoredIntervals(web, "2025-06")["C01"];
        fixedRank.Low.ShouldBe(2);
        fixedRank.High.ShouldBe(2);
        Widen(web, "2025-06", "C01", 1, 3, 1, 2);
        UnitRankInterval i = StoredIntervals(web, "2025-06")["C01"];

        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");

        html.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"重算{RankIntervals.Replicates}次，本单位名次有九成落在第{i.Low}至第{i.High}名之间。"));
        string c02 = await web.Client.GetStringAsync("/unit/C02?scheme=T");
        c02.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"重算{RankIntervals.Replicates}次，本单位名次始终为第1名。"));

        await web.PostFormAsync("/league", "/culture", ("culture", "en"), ("returnUrl", "/league"));
        string en = await web.Client.GetStringAsync("/unit/C01?scheme=T");
        en.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"scored again {RankIntervals.Replicates} times, this unit"));
    }

    [Fact]
    public async Task ResultSetWithoutIntervals_ShowsNone()
    {
        await using var web = await LeagueTableTests.StartAsync();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            // As a set published before intervals existed: the run and its rows are not there.
            db.RankIntervals.RemoveRange(db.RankIntervals);
            db.RankIntervalRuns.RemoveRange(db.RankIntervalRuns);
            db.SaveChanges();
        }

        LeaguePage page = await LeaguePage.OpenAsync(web, "/league?scheme=T&period=2025-06");
        string html = await web.Client.GetStringAsync("/unit/C01?scheme=T");

        page.Html.ShouldNotContain("rank-interval\">");
        html.ShouldNotContain("id=\"unit-interval\"");
        using SaimaDb after = SaimaDb.Open(web.Store);
        after.RankIntervals.Count().ShouldBe(0, "reading never computes them");
    }

    private static void Widen(WebApp web, string period, string unit, int low, int high, int trackLow, int trackHigh)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        long set = new ResultService(db, TimeProvider.System).Latest(scheme, period)!.Id;
        long unitId = db.Units.Single(u => u.Code == unit).Id;
        RankInterval row = db.RankIntervals.Single(r => r.ResultSetId == set && r.UnitId == unitId);
        (row.RankLow, row.RankHigh, row.TrackRankLow, row.TrackRankHigh) = (low, high, trackLow, trackHigh);
        db.SaveChanges();
    }

    private static Dictionary<string, UnitRankInterval> StoredIntervals(WebApp web, string period)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        ResultSet set = new ResultService(db, TimeProvider.System).Latest(scheme, period)!;
        var codes = db.Units.ToDictionary(u => u.Id, u => u.Code);
        return RankIntervals.Of(db, set.Id).Values.ToDictionary(i => codes[i.UnitId]);
    }
}

/// <summary>
/// The scheme page's rank sensitivity: read from what publication stored (never recomputed on the
/// request), named in the office's words, the largest share first.
/// </summary>
public sealed class RankSensitivityWebTests
{
    [Fact]
    public async Task SchemePage_ShowsTheStoredFactorsThatMoveRanksMost_ByName()
    {
        await using var web = await LeagueTableTests.StartAsync();

        // June as seeded: no weight moves a rank.
        string before = await web.Client.GetStringAsync("/admin/schemes/T");
        before.ShouldContain("id=\"sensitivity-stable\"");
        before.ShouldContain("排名敏感性");

        // The office adds method alternatives and June is computed again.
        List<RankSensitivityRow> stored;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long scheme = db.Schemes.Single(s => s.Code == "T").Id;
            await new AnalysisService(db, TimeProvider.System).SetSettingsAsync(Actor.Office("office.wang"), scheme,
                """{"normalise":[{"method":"minmax","range":[0,100]},{"method":"rank"}],"aggregate":[{"method":"arithmetic"},{"method":"median"}]}""", []);
            var results = new ResultService(db, TimeProvider.System);
            ResultSet june = results.Compute(Actor.Office("office.wang"), results.Latest(scheme, "2025-06")!.SchemeVersionId, "2025-06");
            stored = await RankIntervals.SensitivityAsync(db, june.Id, 100);
        }

        string html = await web.Client.GetStringAsync("/admin/schemes/T");
        html.ShouldContain("id=\"sensitivity-intro\"");
        var rows = System.Text.RegularExpressions.Regex.Matches(
            html, "<tr data-kind=\"([^\"]*)\" data-code=\"([^\"]*)\">.*?class=\"text-end share\">([^<]*)<",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        stored.ShouldNotBeEmpty();
        rows.Count.ShouldBe(Math.Min(10, stored.Count));
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i].Groups[1].Value.ShouldBe(stored[i].Kind);
            rows[i].Groups[2].Value.ShouldBe(stored[i].Code);
            rows[i].Groups[3].Value.Trim().ShouldBe((stored[i].FirstOrder * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        }

        html.ShouldContain("标准化方法");
        html.ShouldContain("合成方法");
        html.ShouldNotContain(">normalise<");
        html.ShouldNotContain(">indicator_weight<");
    }
}
