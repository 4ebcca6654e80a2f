using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Web.Features.Home;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// What Home reads on a store of more units than it shows (130 counties × 10 indicators, the open
/// period 2024-03): the open period's counts, the late units with the most outstanding, the
/// movers, the severe warnings and the leaders are counted and picked in the database, so that no
/// query returns more than <see cref="Glance.LateShown"/> rows; with 100 more units, Home's first
/// read reads the same number of rows, and shows the new units' progress.
/// </summary>
public sealed partial class HomeQueryTests : IClassFixture<BoundedListsTests.BigStore>
{
    private const string Period = "2024-03";

    private readonly BoundedListsTests.BigStore _store;

    public HomeQueryTests(BoundedListsTests.BigStore store) => _store = store;

    [Fact]
    public async Task Home_FirstRead_ReadsAFewRowsWhateverTheUnits_AndShowsTheMostOutstandingFirst()
    {
        await using WebApp web = await _store.StartAsync();
        await web.CreateUserAsync("office.home", SaimaRoles.Office);
        await web.CreateUserAsync("leader.home", SaimaRoles.Leader);

        // The oracle, from the store: every unit's due figures less its approved ones.
        int due, units;
        List<(string Code, int Outstanding)> expected;
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long scheme = (await db.Schemes.SingleAsync(s => s.Code == DemoCity.ScaleCountyScheme)).Id;
            due = await db.Indicators.CountAsync(i => i.SchemeId == scheme && i.GrowthOfId == null);
            var approved = (await db.Figures.Where(f => f.SchemeId == scheme && f.Period == Period && f.IsCurrent && f.Status == FigureStatus.Approved)
                .Select(f => f.UnitId).ToListAsync()).CountBy(u => u).ToDictionary(c => c.Key, c => c.Value);
            var codes = await db.SchemeUnits.Where(su => su.SchemeId == scheme).Join(db.Units, su => su.UnitId, u => u.Id, (su, u) => new { u.Id, u.Code }).ToListAsync();
            units = codes.Count;
            expected = [.. codes.Select(u => (u.Code, Outstanding: due - approved.GetValueOrDefault(u.Id)))
                .Where(u => u.Outstanding > 0).OrderByDescending(u => u.Outstanding).ThenBy(u => u.Code, StringComparer.Ordinal)];
        }

        units.ShouldBe(BoundedListsTests.Counties);
        expected.Count.ShouldBeGreaterThan(Glance.LateShown, "more late units than Home shows");

        // Read once, so that what is kept whatever the changes (the parsed scheme) is kept for both reads compared.
        await FirstReadAsync(web, "office.home");
        (string office, IReadOnlyList<int> officeRows) = await FirstReadAsync(web, "office.home");
        (string leader, IReadOnlyList<int> leaderRows) = await FirstReadAsync(web, "leader.home");

        Late(office).ShouldBe(expected.Take(Glance.LateShown).ToList());
        Counts(office).ShouldBe((units, expected.Count, expected.Sum(u => u.Outstanding)));
        office.ShouldContain($"还有 {expected.Count - Glance.LateShown} 个单位");
        Counts(leader).ShouldBe(Counts(office));
        Late(leader).ShouldBeEmpty("a leader sees the counts, not who");
        // A reader's count includes its last read, which finds no row; the due indicators' ids are read too.
        int most = Math.Max(Glance.LateShown, due) + 1;
        officeRows.ShouldAllBe(rows => rows <= most, "no query returns more than the late units shown or the indicators");
        leaderRows.ShouldAllBe(rows => rows <= most);

        // 100 more units in the scheme, with nothing entered: every one of them is late with all its
        // figures outstanding, and their codes come first.
        await using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long scheme = (await db.Schemes.SingleAsync(s => s.Code == DemoCity.ScaleCountyScheme)).Id;
            var added = Enumerable.Range(1, 100).Select(i => new Unit { Code = $"A{i:000}", Name = $"新增县{i}", Kind = UnitKind.County }).ToList();
            db.Units.AddRange(added);
            await db.SaveChangesAsync();
            db.SchemeUnits.AddRange(added.Select(u => new SchemeUnit { SchemeId = scheme, UnitId = u.Id }));
            await db.SaveChangesAsync();
        }

        (string grown, IReadOnlyList<int> grownRows) = await FirstReadAsync(web, "office.home");
        (string grownLeader, IReadOnlyList<int> grownLeaderRows) = await FirstReadAsync(web, "leader.home");
        Late(grown).ShouldBe(Enumerable.Range(1, Glance.LateShown).Select(i => ($"A{i:000}", due)).ToList());
        Counts(grown).ShouldBe((units + 100, expected.Count + 100, expected.Sum(u => u.Outstanding) + (100 * due)));
        Counts(grownLeader).ShouldBe(Counts(grown));
        grownRows.ShouldBe(officeRows, "the same rows read with 100 more units");
        grownLeaderRows.ShouldBe(leaderRows, "the same rows read with 100 more units");
    }

    /// <summary>Home after a change to the store, as <paramref name="user"/>: its glance of the county scheme, and the rows each command read.</summary>
    private static async Task<(string Glance, IReadOnlyList<int> Rows)> FirstReadAsync(WebApp web, string user)
    {
        await web.SwitchToAsync(user);

        // A write to the figures (and so to both change stamps' tables' readers): nothing Home keeps is reused.
        using (var connection = SchemaMigrator.OpenConnection(web.Store))
        using (var touch = connection.CreateCommand())
        {
            touch.CommandText = "UPDATE figures SET comment = comment WHERE id = (SELECT MIN(id) FROM figures); UPDATE units SET name = name WHERE id = (SELECT MIN(id) FROM units)";
            touch.ExecuteNonQuery();
        }

        using var commands = new CommandRecorder(web.Store.ConnectionString);
        string html = await web.Client.GetStringAsync("/");
        Match glance = GlanceRegex().Match(html);
        glance.Success.ShouldBeTrue("no glance of the county scheme on Home");
        return (glance.Value, [.. commands.Reads.Select(r => r.Rows)]);
    }

    private static List<(string Code, int Outstanding)> Late(string glance) =>
        [.. LateRegex().Matches(glance).Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];

    private static (int Units, int Late, int Outstanding) Counts(string glance)
    {
        Match m = CountsRegex().Match(glance);
        m.Success.ShouldBeTrue("no open period's progress");
        int N(int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        return (N(1), N(2), N(3));
    }

    [GeneratedRegex("<div class=\"glance\" data-scheme=\"SC-COUNTY\">.*?</div>\\s*</div>", RegexOptions.Singleline)]
    private static partial Regex GlanceRegex();

    [GeneratedRegex("<tr data-unit=\"([^\"]+)\"><td>[^<]*</td><td class=\"text-end\">(\\d+)</td></tr>")]
    private static partial Regex LateRegex();

    [GeneratedRegex("data-units=\"(\\d+)\" data-late=\"(\\d+)\" data-outstanding=\"(\\d+)\"")]
    private static partial Regex CountsRegex();
}
