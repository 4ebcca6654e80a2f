using System.Net;
using System.Text.RegularExpressions;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// Reminders in the web application (on <see cref="LeagueData"/>, 2025-07 open): the office reminds
/// one late unit or all from /entry/status, the unit's reporters see the banner on Home and /entry
/// until they mark it read, the status page says when each unit was last reminded.
/// </summary>
public sealed partial class ReminderWebTests
{
    private const string Status = "/entry/status?scheme=T&period=2025-07";

    [Fact]
    public async Task Office_RemindsOneUnit_ItsReporterSeesTheBannerUntilRead_OthersDoNot()
    {
        await using var web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        (await web.Client.GetStringAsync(Status)).ShouldContain("<td class=\"last-reminded\">未催报</td>");
        HttpResponseMessage sent = await web.PostFormAsync(Status, "/entry/status?handler=Remind",
            ("scheme", "T"), ("period", "2025-07"), ("RemindUnit", "C01"), ("RemindMessage", "请于周五前报送 <b>全部</b>"));
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        string status = await web.Client.GetStringAsync(sent.Headers.Location!.ToString());
        status.ShouldContain("已向 1 个单位发出催报（共 1 条）");
        Row(status, "C01").ShouldContain("（office.li）");
        Row(status, "C02").ShouldContain("未催报");
        status.ShouldContain("不发送邮件");

        await web.SwitchToAsync("rep.c02");
        (await web.Client.GetStringAsync("/")).ShouldNotContain("id=\"reminders\"");

        await web.SwitchToAsync("rep.c01");
        foreach (string page in new[] { "/", "/entry" })
        {
            string html = await web.Client.GetStringAsync(page);
            html.ShouldContain("id=\"reminders\"", customMessage: page);
            html.ShouldContain("甲县 2025-07 期尚有 4 项数据未报送");
            html.ShouldContain("请于周五前报送 &lt;b&gt;全部&lt;/b&gt;", customMessage: "the message is text, not markup");
        }

        long id;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            id = db.Reminders.Single().Id;
        }

        HttpResponseMessage read = await web.PostFormAsync("/entry", "/?handler=Read", ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("returnUrl", "/entry"));
        read.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        read.Headers.Location!.ToString().ShouldBe("/entry");
        (await web.Client.GetStringAsync("/entry")).ShouldNotContain("id=\"reminders\"");
        (await web.Client.GetStringAsync("/")).ShouldNotContain("id=\"reminders\"");

        using SaimaDb check = SaimaDb.Open(web.Store);
        check.Audit.Where(a => a.Entity == Reminders.Entity).Select(a => a.Action + " " + a.User).ToList()
            .ShouldBe(["remind office.li", "read rep.c01"]);
    }

    [Fact]
    public async Task Office_RemindsEveryLateUnit_OthersMayNot_AndAnotherReporterCannotReadIt()
    {
        await using var web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");
        HttpResponseMessage sent = await web.PostFormAsync(Status, "/entry/status?handler=Remind", ("scheme", "T"), ("period", "2025-07"), ("RemindUnit", ""));
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Client.GetStringAsync(sent.Headers.Location!.ToString())).ShouldContain("已向 5 个单位发出催报（共 5 条）");

        long c01;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.Reminders.Count().ShouldBe(5);
            c01 = db.Reminders.Single(r => db.Units.Any(u => u.Id == r.UnitId && u.Code == "C01")).Id;
        }

        await web.SwitchToAsync("rep.c02");
        (await web.Client.GetStringAsync("/")).ShouldContain("乙区 2025-07 期尚有 4 项数据未报送");
        HttpResponseMessage other = await web.PostFormAsync("/", "/?handler=Read", ("id", c01.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await web.SwitchToAsync("rep.c01");
        (await web.Client.GetStringAsync("/")).ShouldContain("id=\"reminders\"", customMessage: "another unit's reporter could not mark it read");

        await web.SwitchToAsync("leader.zhou");
        (await web.PostFormAsync("/", "/entry/status?handler=Remind", ("scheme", "T"), ("period", "2025-07"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using SaimaDb after = SaimaDb.Open(web.Store);
        after.Reminders.Count().ShouldBe(5);
    }

    private static string Row(string html, string unit)
    {
        Match m = Regex.Match(html, $"<tr data-unit=\"{unit}\".*?</tr>", RegexOptions.Singleline);
        m.Success.ShouldBeTrue(unit);
        return m.Value;
    }
}
