using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Web.Features.Paging;

namespace Saima.Web.Tests;

/// <summary>
/// What <c>/entry/status</c> reads on a store of more units than a page (130 counties, the open
/// period 2024-03): the page's units are found, ordered late first and paged in the database, and
/// their counts, reminders and lateness are read for those 50 units only, not for the whole
/// period (at 1,000 units × 200 indicators the period is 200,000 figures).
/// </summary>
public sealed partial class StatusPageQueryTests : IClassFixture<BoundedListsTests.BigStore>
{
    private const string Status = "/entry/status?scheme=" + DemoCity.ScaleCountyScheme + "&period=2024-03";

    private readonly BoundedListsTests.BigStore _store;

    public StatusPageQueryTests(BoundedListsTests.BigStore store) => _store = store;

    [Fact]
    public async Task StatusPage_ReadsFiguresOfThePagesUnitsOnly_NotThePeriod()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        int periodFigures;
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            periodFigures = await db.Figures.CountAsync(f => f.Period == "2024-03" && f.IsCurrent);
        }

        periodFigures.ShouldBeGreaterThan(BoundedListsTests.Counties * 5, "the open period holds far more figures than a page's counts");
        using var commands = new CommandRecorder(web.Store.ConnectionString);

        string html = await web.Client.GetStringAsync(Status);

        Rows(html).Count.ShouldBe(UnitListPage.Size);
        var figureReads = commands.Reads.Where(r => r.Sql.Contains("figures", StringComparison.Ordinal)).ToList();
        figureReads.ShouldNotBeEmpty();

        // A page's units, their counts by status (at most four unpublished statuses a unit) and their lateness.
        figureReads.ShouldAllBe(r => r.Rows <= 4 * UnitListPage.Size, "no query over figures returns more rows than the page's units' counts");
        figureReads.Sum(r => r.Rows).ShouldBeLessThanOrEqualTo((6 * UnitListPage.Size) + 1);
        commands.Reads.Sum(r => r.Rows).ShouldBeLessThan(periodFigures, "the page reads less than the period holds");
    }

    [Fact]
    public async Task StatusPage_PagesAndSearchesInTheDatabase_LateUnitsFirst_CountsAsStored()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Every unit of the store has figures still to approve: the three lowest codes among those
        // with all their figures entered get them approved (set up directly in the copy), so that
        // they are complete and must come after every late unit, whatever their codes. Growth
        // indicators are derived from their levels (growth_of_id), so never due.
        string[] complete;
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            (await db.Indicators.CountAsync(i => i.GrowthOfId != null)).ShouldBeGreaterThan(0);
            int due = await db.Indicators.CountAsync(i => i.GrowthOfId == null);
            var entered = await db.Figures.Where(f => f.Period == "2024-03" && f.IsCurrent).GroupBy(f => f.UnitId)
                .Where(g => g.Count() == due).Select(g => g.Key).ToListAsync();
            complete = [.. (await db.Units.Where(u => entered.Contains(u.Id)).Select(u => u.Code).ToListAsync()).Order(StringComparer.Ordinal).Take(3)];
            complete.Length.ShouldBe(3);
            await db.Figures.Where(f => f.Period == "2024-03" && f.IsCurrent && db.Units.Any(u => u.Id == f.UnitId && complete.Contains(u.Code)))
                .ExecuteUpdateAsync(x => x.SetProperty(f => f.Status, FigureStatus.Approved));
        }

        var all = new List<(string Unit, bool Late, string Html)>();
        for (int p = 1; p <= 3; p++)
        {
            all.AddRange(Rows(await web.Client.GetStringAsync(Status + "&p=" + p)));
        }

        all.Count.ShouldBe(BoundedListsTests.Counties);
        all.Select(r => r.Unit).Distinct().Count().ShouldBe(BoundedListsTests.Counties);
        var done = all.Where(r => !r.Late).Select(r => r.Unit).ToList();
        done.ShouldBeSubsetOf(all.Select(r => r.Unit));
        complete.ShouldBeSubsetOf(done, "the approved units are complete");
        int firstDone = all.FindIndex(r => !r.Late);
        firstDone.ShouldBe(BoundedListsTests.Counties - done.Count, "late units come first, X0001 too");
        done.ShouldBe([.. done.Order(StringComparer.Ordinal)], "then complete ones by code");
        all.Skip(firstDone).ShouldAllBe(r => !r.Late, "late units come first");
        all.Take(firstDone).Select(r => r.Unit).ShouldBe(all.Take(firstDone).Select(r => r.Unit).Order(StringComparer.Ordinal), "then by code");

        // Every unit's counts are those stored: figures by status, and missing = due − entered.
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var stored = (await db.Figures.Where(f => f.Period == "2024-03" && f.IsCurrent)
                    .Join(db.Units, f => f.UnitId, u => u.Id, (f, u) => new { u.Code, f.Status }).ToListAsync())
                .ToLookup(f => f.Code);
            int due = await db.Indicators.CountAsync(i => i.GrowthOfId == null);
            foreach (var (unit, late, row) in all)
            {
                int N(FigureStatus s) => stored[unit].Count(f => f.Status == s);
                int[] expected = [due, Math.Max(0, due - stored[unit].Count()), N(FigureStatus.Draft), N(FigureStatus.Returned), N(FigureStatus.Submitted), N(FigureStatus.Approved)];
                Numbers(row).ShouldBe(expected, unit);
                late.ShouldBe(expected[1] + expected[2] + expected[3] + expected[4] > 0, unit);
            }
        }

        // Search by code and by name, any case, in the database.
        var found = Rows(await web.Client.GetStringAsync(Status + "&q=x0007"));
        found.Select(r => r.Unit).ShouldBe(["X0007"]);
        string name = Regex.Match(all.Single(r => r.Unit == "X0012").Html, @"<td>([^<(]+) \(X0012\)</td>").Groups[1].Value;
        name.ShouldNotBeNullOrEmpty();
        Rows(await web.Client.GetStringAsync(Status + "&q=" + Uri.EscapeDataString(name))).Select(r => r.Unit).ShouldContain("X0012");
    }

    [Fact]
    public async Task StatusPage_IsKeptUntilTheFiguresChange_ThenReadAgain()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var first = Rows(await web.Client.GetStringAsync(Status));
        first.Count.ShouldBe(UnitListPage.Size);

        // Asked again with nothing entered: the units and their counts are kept (reminders are read again).
        using (var again = new CommandRecorder(web.Store.ConnectionString))
        {
            Shown(Rows(await web.Client.GetStringAsync(Status))).ShouldBe(Shown(first));
            var figureReads = again.Reads.Where(r => r.Sql.Contains("figures", StringComparison.Ordinal) && !r.Sql.Contains("reminders", StringComparison.Ordinal)
                && !r.Sql.Contains("change_stamp", StringComparison.Ordinal)).ToList();
            // A reader's count includes its last read, which finds no row.
            figureReads.Sum(r => r.Rows).ShouldBeLessThanOrEqualTo(UnitListPage.Size + 1,
                "only the page's lateness for reminders, no counts read again:\n" + string.Join("\n", figureReads.Select(r => r.Rows + " rows: " + r.Sql)));
        }

        // A unit's figures approved (a write to figures moves their stamp): the page shows it at once.
        string unit = first[0].Unit;
        int entered;
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            entered = await db.Figures.CountAsync(f => f.Period == "2024-03" && f.IsCurrent && db.Units.Any(u => u.Id == f.UnitId && u.Code == unit));
            await db.Figures.Where(f => f.Period == "2024-03" && f.IsCurrent && db.Units.Any(u => u.Id == f.UnitId && u.Code == unit))
                .ExecuteUpdateAsync(x => x.SetProperty(f => f.Status, FigureStatus.Approved));
        }

        var page = Rows(await web.Client.GetStringAsync(Status));
        Shown(page).ShouldNotBe(Shown(first), "the same page, read again after the write: the unit's counts (or its place) changed");
        if (page.FirstOrDefault(r => r.Unit == unit) is { Html: not null } same)
        {
            Numbers(same.Html)[^1].ShouldBe(entered);
        }

        var after = Rows(await web.Client.GetStringAsync(Status + "&q=" + unit)).ShouldHaveSingleItem();
        Numbers(after.Html)[^1].ShouldBe(entered, "every entered figure of the unit now counts as approved");
        Numbers(first[0].Html)[^1].ShouldBeLessThan(entered);
    }

    private static List<string> Shown(List<(string Unit, bool Late, string Html)> rows) =>
        [.. rows.Select(r => r.Unit + (r.Late ? " late " : " done ") + string.Join(',', Numbers(r.Html)))];

    private static List<(string Unit, bool Late, string Html)> Rows(string html) =>
        [.. RowRegex().Matches(html).Select(m => (m.Groups[1].Value, m.Groups[2].Value == "late", m.Groups[3].Value))];

    private static int[] Numbers(string row) =>
        [.. NumberRegex().Matches(row).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex("<tr data-unit=\"([^\"]+)\" class=\"unit-(late|done)\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowRegex();

    [GeneratedRegex("<td class=\"text-end\">(\\d+)</td>")]
    private static partial Regex NumberRegex();
}
