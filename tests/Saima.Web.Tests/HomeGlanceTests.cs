using System.Text.RegularExpressions;
using Saima.Web.Features.Home;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// Home at a glance on <see cref="LeagueData"/> (2025-06 the current published period, 2025-07
/// open with one draft): biggest movers, warnings at the scheme's most severe level, and the open
/// period's submissions as far as each role may see them.
/// </summary>
public sealed partial class HomeGlanceTests
{
    [Fact]
    public async Task Home_Office_ShowsMovers_SevereWarnings_AndEveryLateUnit()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        string html = await web.Client.GetStringAsync("/");
        string glance = Glance(html);

        // 2025-06 against 2025-05: C05 ▲2, C02 ▲1, C03 ▼2, C01 ▼1 (C04 stays).
        Regex.Matches(glance, "class=\"mover-(up|down)\" data-unit=\"(C\\d\\d)\"").Select(m => m.Groups[1].Value + " " + m.Groups[2].Value)
            .ShouldBe(["up C05", "up C02", "down C03", "down C01"]);
        glance.ShouldContain("<td class=\"change\">▲2</td>");
        glance.ShouldContain("<td class=\"change\">▼2</td>");

        // The last rule (red) is the most severe: GDP completion 38.9 (C04) and 33.3 (C03).
        glance.ShouldContain("data-level=\"red\" data-count=\"2\"");
        glance.ShouldContain("红色预警 2 项，涉及 2 个单位");

        // 2025-07: five units, four monthly indicators each; one draft (C01 REV), the rest missing.
        glance.ShouldContain("data-period=\"2025-07\" data-units=\"5\" data-late=\"5\" data-outstanding=\"20\"");
        glance.ShouldContain("未填 19，草稿 1，退回 0，待审核 0");
        Regex.Matches(glance, "<tr data-unit=\"(C\\d\\d)\"><td>").Select(m => m.Groups[1].Value).ShouldBe(["C01", "C02", "C03", "C04", "C05"]);
        glance.ShouldContain("href=\"/entry/status?scheme=T&amp;period=2025-07\"");
    }

    [Fact]
    public async Task Home_And_Public_ShowASubmissionAndARename_AtOnce_ThoughThePublishedPartIsKept()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        for (int i = 0; i < 2; i++)
        {
            string before = await web.Client.GetStringAsync("/");
            Glance(before).ShouldContain("未填 19，草稿 1，退回 0，待审核 0");
            before.ShouldContain("戊区");
            (await web.Client.GetStringAsync("/public")).ShouldContain("戊区");
        }

        // The open period's progress is read each time: the draft, submitted, counts at once.
        using (Saima.Data.SaimaDb db = Saima.Data.SaimaDb.Open(web.Store))
        {
            Saima.Data.Figure draft = db.Figures.Single(f => f.Period == "2025-07");
            new Saima.Data.Store.FigureWorkflow(db, TimeProvider.System).Submit(Saima.Data.Store.Actor.Reporter("reporter.c01", draft.UnitId), draft.Id);
        }

        Glance(await web.Client.GetStringAsync("/")).ShouldContain("未填 19，草稿 0，退回 0，待审核 1");

        // The published part is kept under the change stamp: a rename by SQL shows at once.
        using (var connection = Saima.Data.SchemaMigrator.OpenConnection(web.Store))
        using (var rename = connection.CreateCommand())
        {
            rename.CommandText = "UPDATE units SET name = '戊市' WHERE name = '戊区'";
            rename.ExecuteNonQuery().ShouldBe(1);
        }

        string after = await web.Client.GetStringAsync("/");
        after.ShouldContain("戊市");
        after.ShouldNotContain("戊区");
        string board = await web.Client.GetStringAsync("/public");
        board.ShouldContain("戊市");
        board.ShouldNotContain("戊区");
    }

    [Fact]
    public async Task Home_Leader_SeesCountsOnly_Reporter_SeesOwnUnit()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("leader.zhou");
        string leader = Glance(await web.Client.GetStringAsync("/"));
        leader.ShouldContain("data-units=\"5\" data-late=\"5\" data-outstanding=\"20\"");
        leader.ShouldNotContain("late-units", customMessage: "a leader sees no unit's unpublished progress");

        await web.SwitchToAsync("rep.c01");
        string reporter = Glance(await web.Client.GetStringAsync("/"));
        reporter.ShouldContain("data-units=\"1\" data-late=\"1\" data-outstanding=\"4\"");
        Regex.Matches(reporter, "<tr data-unit=\"(C\\d\\d)\"><td>").Select(m => m.Groups[1].Value).ShouldBe(["C01"]);
        reporter.ShouldContain("href=\"/entry?scheme=T&amp;period=2025-07\"");

        await web.SwitchToAsync("rev.c02");
        string reviewer = Glance(await web.Client.GetStringAsync("/"));
        reviewer.ShouldContain("data-units=\"1\" data-late=\"1\" data-outstanding=\"4\"");
        reviewer.ShouldContain("<tr data-unit=\"C02\">");
        reviewer.ShouldNotContain("<tr data-unit=\"C01\">");
    }

    [Fact]
    public async Task Home_English_SaysTheLevelInEnglish_AndHasNoInlineScriptOrStyle()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("office.li");
        await web.PostFormAsync("/", "/culture", ("culture", "en"), ("returnUrl", "/"));
        string html = await web.Client.GetStringAsync("/");
        html.ShouldContain("2 Red warning(s), 2 unit(s)");
        html.ShouldContain("Biggest movers");
        Regex.Matches(html, "<script(?![^>]*\\bsrc=)").Count.ShouldBe(0);
        html.ShouldNotContain(" style=");
    }

    internal static async Task<WebApp> StartAsync()
    {
        WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        await web.CreateUserAsync("rep.c02", SaimaRoles.Reporter, "C02");
        await web.CreateUserAsync("rev.c01", SaimaRoles.Reviewer, "C01");
        await web.CreateUserAsync("rev.c02", SaimaRoles.Reviewer, "C02");
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        return web;
    }

    /// <summary>The glance of scheme T on the page.</summary>
    private static string Glance(string html)
    {
        Match m = GlanceRegex().Match(html);
        m.Success.ShouldBeTrue("no glance of scheme T on Home");
        return m.Value;
    }

    [GeneratedRegex("<div class=\"glance\" data-scheme=\"T\">.*?</div>\\s*</div>", RegexOptions.Singleline)]
    private static partial Regex GlanceRegex();
}
