using System.Net;
using System.Text.RegularExpressions;
using Saima.Data;
using Saima.Data.Store;
using Saima.Testing;
using Saima.Web.Features.Analysis;

namespace Saima.Web.Tests;

/// <summary>What it takes on the unit page, and adopting a needed value as next year's target.</summary>
public sealed class WhatItTakesWebTests
{
    [Fact]
    public async Task Unit_ShowsWhatItTakesForOnePlaceUpAndFirst_SmallestChangeFirst()
    {
        await using var web = await LeagueTableTests.StartAsync();

        // C05 is third in June (C02 95, C01 65, C05 55).
        string html = await web.Client.GetStringAsync("/unit/C05?scheme=T");

        html.ShouldContain("争先进位测算");
        html.ShouldContain("前进一位（第2名）");
        html.ShouldContain("争创第一");
        List<double> up = Changes(html, "unit-wit-up");
        up.Count.ShouldBeGreaterThan(0);
        up.ShouldBe(up.OrderBy(Math.Abs).ToList(), "indicators in order of the smallest relative change");
        Changes(html, "unit-wit-first").Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Unit_First_SaysSoAndSearchesNothing()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C02?scheme=T");
        html.ShouldContain("本单位已位列第一。");
        html.ShouldNotContain("id=\"unit-wit-up\"");
    }

    [Fact]
    public async Task Office_AdoptsANeededValueAsNextYearsTarget_Audited()
    {
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C05?scheme=T");
        Match form = Regex.Match(html, "<tr data-indicator=\"([A-Z]+)\"[^>]*>(?:(?!</tr>).)*?name=\"value\" value=\"([^\"]+)\"", RegexOptions.Singleline);
        form.Success.ShouldBeTrue("the office sees an adopt button beside a reachable value");
        string indicator = form.Groups[1].Value;
        double value = double.Parse(form.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);

        HttpResponseMessage r = await web.PostFormAsync("/unit/C05?scheme=T", "/unit/C05/adopt?scheme=T",
            ("indicator", indicator), ("value", form.Groups[2].Value), ("year", "2026"));

        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        r.Headers.Location!.ToString().ShouldBe("/unit/C05?scheme=T&adopted=" + indicator);
        using SaimaDb db = SaimaDb.Open(web.Store);
        long unit = db.Units.Single(u => u.Code == "C05").Id;
        long ind = db.Indicators.Single(i => i.Code == indicator).Id;
        db.Targets.Single(t => t.UnitId == unit && t.IndicatorId == ind && t.Year == 2026).Value.ShouldBe(value);
        db.Audit.ShouldContain(a => a.Entity == "target" && a.EntityKey.EndsWith("/C05/" + indicator + "/2026", StringComparison.Ordinal) && a.Reason == "adopted from what it takes");
    }

    [Fact]
    public async Task AdoptedCumulativeTarget_IsTheNeededValueByTimeProgress()
    {
        // GDP is cumulative: a needed year-to-date value in June is half the year's target.
        await using var web = await LeagueTableTests.StartAsync();
        string html = await web.Client.GetStringAsync("/unit/C05?scheme=T");
        Match gdp = Regex.Match(html, "<tr data-indicator=\"GDP\"[^>]*>(.*?)</tr>", RegexOptions.Singleline);
        if (gdp.Success && Regex.Match(gdp.Groups[1].Value, "<td class=\"num needed\">([^<]+)</td>") is { Success: true } needed)
        {
            double n = double.Parse(needed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            double t = double.Parse(Regex.Match(gdp.Groups[1].Value, "name=\"value\" value=\"([^\"]+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            t.ShouldBe(n * 2, 0.01);
            gdp.Groups[1].Value.ShouldContain("按时序进度：3月");
        }
        else
        {
            gdp.Success.ShouldBeTrue("GDP is listed");
        }
    }

    [Fact]
    public async Task BigSet_UnitPageSaysItIsBeingWorkedOut_ThenShowsWhatTheBackgroundStored()
    {
        // Both analyses left to the background (thresholds 0), whose own loop is off: the test runs its steps.
        await using var web = await WebApp.StartAsync(seed: DeferredLeague, settings: new Dictionary<string, string?> { [AnalysisJobs.EnabledKey] = "false" });
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        string html = await web.Client.GetStringAsync("/unit/C05?scheme=T");
        html.ShouldContain("id=\"unit-wit-pending\"");
        html.ShouldContain("正在后台计算");
        html.ShouldContain("id=\"unit-wit-refresh\" href=\"/unit/C05?scheme=T#unit-what-it-takes\"");
        html.ShouldNotContain("id=\"unit-wit-up\"");
        html.Contains("id=\"unit-interval\"", StringComparison.Ordinal).ShouldBeFalse("no interval until the background stores it");
        (await web.Client.GetStringAsync("/league?scheme=T&period=2025-06")).ShouldNotContain("(1–");

        // One step: the unit asked for first (the page asked), nothing else yet.
        var jobs = (AnalysisJobs)web.Services.GetService(typeof(AnalysisJobs))!;
        (await jobs.RunOnceAsync(CancellationToken.None)).ShouldBeTrue();
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long c05 = db.Units.Single(u => u.Code == "C05").Id;
            db.WhatItTakes.Select(w => w.UnitId).ToList().ShouldBe([c05]);
            db.RankIntervalRuns.Count().ShouldBe(0);
        }

        html = await web.Client.GetStringAsync("/unit/C05?scheme=T");
        html.ShouldNotContain("id=\"unit-wit-pending\"");
        html.ShouldContain("前进一位（第2名）");
        Changes(html, "unit-wit-up").Count.ShouldBeGreaterThan(0);

        // The next steps: the pending intervals (June's, May's), then the other units' answers.
        while (await jobs.RunOnceAsync(CancellationToken.None))
        {
        }

        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.AnalysisPending.Count().ShouldBe(0);
            db.RankIntervalRuns.Count().ShouldBe(2);
            db.WhatItTakes.Count().ShouldBe(5);
        }

        (await web.Client.GetStringAsync("/unit/C01?scheme=T")).ShouldContain("前进一位（第1名）");
    }

    /// <summary>The league store, published with what it takes and the rank intervals left to the background.</summary>
    private static void DeferredLeague(StoreOptions store)
    {
        using (SaimaDb db = SaimaDb.Open(store))
        {
            db.Settings.Add(new Setting { Key = StoredAnalysis.IntervalsInlineCellsKey, Value = "0" });
            db.Settings.Add(new Setting { Key = StoredAnalysis.WhatItTakesInlineUnitsKey, Value = "0" });
            db.SaveChanges();
        }

        LeagueData.Seed(store);
    }

    private static List<double> Changes(string html, string id)
    {
        Match table = Regex.Match(html, $"<table class=\"table table-sm\" id=\"{id}\">(.*?)</table>", RegexOptions.Singleline);
        table.Success.ShouldBeTrue(id);
        return Regex.Matches(table.Groups[1].Value, "<td class=\"num change\">([^<]+)%</td>")
            .Select(m => double.Parse(WebUtility.HtmlDecode(m.Groups[1].Value), System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
