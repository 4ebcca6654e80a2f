using System.Net;
using Saima.Data;
using Saima.Web.Features.Home;

namespace Saima.Web.Tests;

/// <summary>The store's refusals are shown in the user's language (their codes through HomeTexts), Chinese by default.</summary>
public sealed class HomeWorkflowMessageTests
{
    private const string Form = "/entry?scheme=T&period=2025-07";

    [Fact]
    public async Task RefusedApproval_IsSaidInChinese_ThenInEnglishAfterTheSwitch()
    {
        await using var web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("rep.c01");
        (await web.PostFormAsync(Form, "/entry?handler=Submit", ("scheme", "T"), ("period", "2025-07"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        long id;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            id = db.Figures.Single(f => f.Period == "2025-07" && f.IsCurrent && f.Status == FigureStatus.Submitted).Id;
        }

        string figure = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await web.SwitchToAsync("rev.c01");
        (await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", figure))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Approving it again: the workflow refuses (only a submitted figure can be approved).
        HttpResponseMessage zh = await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", figure));
        zh.StatusCode.ShouldBe(HttpStatusCode.OK);
        string chinese = await zh.Content.ReadAsStringAsync();
        chinese.ShouldContain("数据 T/C01/REV/2025-07 当前为“已审核”，只有已报送的数据才能审核通过");
        chinese.ShouldNotContain("only a submitted figure can be approved");

        await web.PostFormAsync("/entry/review", "/culture", ("culture", "en"), ("returnUrl", "/entry/review"));
        string english = await (await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", figure))).Content.ReadAsStringAsync();
        english.ShouldContain("Figure T/C01/REV/2025-07 is approved; only a submitted figure can be approved.");
        english.ShouldNotContain("当前为");
    }

    [Fact]
    public async Task FourEyesRefusal_IsSaidInChinese()
    {
        await using var web = await HomeGlanceTests.StartAsync();
        await web.SwitchToAsync("office.li");

        // The office enters C02's REV and submits it, then tries to approve its own figure.
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            long unit = db.Units.Single(u => u.Code == "C02").Id;
            long rev = db.Indicators.Single(i => i.Code == "REV").Id;
            string u = unit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string i = rev.ToString(System.Globalization.CultureInfo.InvariantCulture);
            (await web.PostFormAsync(Form + "&unit=C02", "/entry?handler=Submit", ("scheme", "T"), ("period", "2025-07"), ("unit", "C02"),
                ("Entries[0].Unit", u), ("Entries[0].Indicator", i), ("Entries[0].Value", "12"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        long id;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            id = db.Figures.Single(f => f.Period == "2025-07" && f.EnteredBy == "office.li").Id;
        }

        HttpResponseMessage r = await web.PostFormAsync("/entry/review", "/entry/review?handler=Approve", ("FigureId", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        r.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await r.Content.ReadAsStringAsync()).ShouldContain("无权执行此操作：用户“office.li”填报了数据 T/C02/REV/2025-07，不能自己审核，须由他人审核");
    }
}
