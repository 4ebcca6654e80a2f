using System.Net;
using System.Text.RegularExpressions;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>The audit list is paged by keyset (the id): older and newer pages walk the whole trail once each way.</summary>
public sealed partial class AuditPagingTests
{
    [Fact]
    public async Task AuditList_WalkedOlderThenNewer_ByItsLinks_ShowsEveryEntryOnce_InTheTrailsOrder()
    {
        await using var web = await WebApp.StartAsync(seed: LeagueData.Seed);
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        List<long> all;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            all = [.. db.Audit.OrderByDescending(a => a.Id).Select(a => a.Id)];
        }

        all.Count.ShouldBeGreaterThan(2 * Features.Admin.AuditModel.PageSize, "LeagueData's trail fills more than two pages");

        var walked = new List<long>();
        var pages = new List<List<long>>();
        string? url = "/admin/audit";
        while (url is not null)
        {
            string html = await web.Client.GetStringAsync(url);
            List<long> ids = Ids(html);
            ids.Count.ShouldBeInRange(1, Features.Admin.AuditModel.PageSize);
            pages.Add(ids);
            walked.AddRange(ids);
            Match older = OlderRegex().Match(html);
            url = older.Success ? WebUtility.HtmlDecode(older.Groups[1].Value) : null;
            url?.ShouldContain("before=");
        }

        walked.ShouldBe(all);

        // Back up from the last page by the newer links: the same pages, in reverse.
        string last = await web.Client.GetStringAsync(OlderLinkTo(pages.Count, all));
        for (int i = pages.Count - 2; i >= 0; i--)
        {
            Match newer = NewerRegex().Match(last);
            newer.Success.ShouldBeTrue($"page {i + 2} links to the newer page");
            last = await web.Client.GetStringAsync(WebUtility.HtmlDecode(newer.Groups[1].Value));
            Ids(last).ShouldBe(pages[i]);
        }

        NewerRegex().IsMatch(last).ShouldBeFalse("the first page has nothing newer");
    }

    private static string OlderLinkTo(int page, List<long> all) =>
        $"/admin/audit?before={all[((page - 1) * Features.Admin.AuditModel.PageSize) - 1]}&p={page}";

    private static List<long> Ids(string html) =>
        [.. IdRegex().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"<tr data-entity=""[^""]*""[^>]*data-id=""(\d+)""")]
    private static partial Regex IdRegex();

    [GeneratedRegex(@"href=""([^""]+)"" id=""page-older""")]
    private static partial Regex OlderRegex();

    [GeneratedRegex(@"href=""([^""]+)"" id=""page-newer""")]
    private static partial Regex NewerRegex();
}
