using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Saima.Data;

namespace Saima.Web.Tests;

/// <summary>One application on <see cref="AccessData"/> for the scope tests, a signed-in browser per role.</summary>
public sealed class ScopeFixture : IAsyncLifetime
{
    private readonly Dictionary<AccessRole, AccessSession> _sessions = [];

    public WebApp Web { get; private set; } = null!;

    public AccessSession Session(AccessRole role) => _sessions[role];

    public async Task InitializeAsync()
    {
        Web = await WebApp.StartAsync(seed: AccessData.Seed);
        await AccessSessions.CreateUsersAsync(Web);
        foreach (AccessRole role in Enum.GetValues<AccessRole>())
        {
            _sessions[role] = await AccessSessions.OpenAsync(Web, role);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (AccessSession s in _sessions.Values)
        {
            s.Dispose();
        }

        await Web.DisposeAsync();
    }
}

/// <summary>
/// Access at the level of the data, not only of the status code: which figures each role sees
/// and may change (<see cref="AccessData"/>: counties CA and CB, township TA1 below CA and TB1
/// below CB, department DS the source of AIR and EMP; 2025-05 published, 2025-07 open). Tests
/// that change figures each change their own, so that they share one application.
/// </summary>
public sealed class ScopeTests(ScopeFixture fixture) : IClassFixture<ScopeFixture>
{
    private const string Form = "/entry?scheme=T&period=2025-07";

    private StoreOptions Store => fixture.Web.Store;

    [Fact]
    public async Task Reporter_Entry_ShowsOnlyItsUnit_AndItsOwnIndicators()
    {
        string html = await fixture.Session(AccessRole.Reporter).Browser.GetStringAsync(Form);
        Rows(html).ShouldBe(["CA/GDP", "CA/REV"], ignoreOrder: true);
        html.ShouldContain("7101.5", customMessage: "its own draft");
        html.ShouldContain("7102.5", customMessage: "its own submitted figure");
        foreach (double other in Unpublished(f => f.Unit != "CA" || f.Indicator is "AIR" or "EMP"))
        {
            html.ShouldNotContain(Number(other), customMessage: "a figure outside the reporter's form");
        }
    }

    [Fact]
    public async Task Reporter_CraftedRequests_ForAnotherUnitOrADepartmentsIndicator_AreRefused_AndStoreNothing()
    {
        AccessSession reporter = fixture.Session(AccessRole.Reporter);

        // Another county, the township below its own, and a published period are not its forms.
        (await reporter.Browser.GetAsync(Form + "&unit=CB")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await reporter.Browser.GetAsync(Form + "&unit=TA1")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await reporter.Browser.GetAsync("/entry?scheme=T&period=2025-05")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        foreach ((string unit, string indicator) in new[] { ("CB", "REV"), ("TA1", "GDP"), ("CA", "EMP"), ("CB", "EMP") })
        {
            HttpResponseMessage r = await reporter.PostAsync("/entry?handler=Save", [("scheme", "T"), ("period", "2025-07"), .. Entry(0, unit, indicator, "1")]);
            r.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{unit}/{indicator}");
        }

        // Its own figure in the same post does not carry another one through.
        HttpResponseMessage mixed = await reporter.PostAsync("/entry?handler=Save",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(0, "CA", "GDP", "5"), .. Entry(1, "CB", "REV", "5")]);
        mixed.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        HttpResponseMessage upload = await UploadAsync(reporter, "CB,REV,2025-07,5\nCA,AIR,2025-07,5\n");
        upload.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await upload.Content.ReadAsStringAsync()).ShouldContain("id=\"upload-errors\"");

        AccessData.Figure(Store, "CB", "REV")!.Value.ShouldBe(7202.5);
        AccessData.Figure(Store, "CA", "AIR")!.Value.ShouldBe(7103.5);
        AccessData.Figure(Store, "CA", "GDP")!.Value.ShouldBe(7101.5);
        AccessData.Figure(Store, "TA1", "GDP")!.Value.ShouldBe(7301.5);
        AccessData.Figure(Store, "CA", "EMP")!.Value.ShouldBe(7104.5);
        AccessData.Figure(Store, "CB", "EMP").ShouldBeNull();
    }

    [Fact]
    public async Task Reporter_Submit_SubmitsItsOwnDrafts_NotTheDepartmentsDraftOfItsUnit()
    {
        AccessData.Figure(Store, "CA", "EMP")!.Status.ShouldBe(FigureStatus.Draft);
        HttpResponseMessage r = await fixture.Session(AccessRole.Reporter).PostAsync("/entry?handler=Submit", ("scheme", "T"), ("period", "2025-07"));
        r.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        AccessData.Figure(Store, "CA", "GDP")!.Status.ShouldBe(FigureStatus.Submitted);
        AccessData.Figure(Store, "CA", "EMP")!.Status.ShouldBe(FigureStatus.Draft, "EMP of CA is the department's to submit");
        AccessData.Figure(Store, "CB", "REV")!.Status.ShouldBe(FigureStatus.Draft, "another county's draft");
    }

    [Fact]
    public async Task Reporter_Template_HoldsOnlyItsUnit()
    {
        HttpResponseMessage r = await fixture.Session(AccessRole.Reporter).Browser.GetAsync(Form.Replace("/entry?", "/entry?handler=Template&", StringComparison.Ordinal));
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        string sheet = XlsxText(await r.Content.ReadAsByteArrayAsync());
        string[] cells = sheet.Split('\n');
        cells.ShouldContain("CA");
        cells.ShouldNotContain("CB");
        cells.ShouldNotContain("TA1");
        sheet.ShouldNotContain("7201.5", Case.Sensitive);
    }

    [Fact]
    public async Task Reviewer_OfACounty_SeesAndApprovesTheTownshipBelow_ButNotAnotherCounty()
    {
        AccessSession reviewer = fixture.Session(AccessRole.Reviewer);
        string html = await reviewer.Browser.GetStringAsync("/entry/review");
        var units = ReviewUnits(html);
        units.ShouldBe(["CA", "TA1"], ignoreOrder: true);
        html.ShouldContain("7301.5", customMessage: "a figure of TA1, below CA");
        html.ShouldContain("7102.5", customMessage: "a figure of CA itself");
        foreach (double other in Unpublished(f => f.Unit is "CB" or "TB1"))
        {
            html.ShouldNotContain(Number(other));
        }

        long below = AccessData.Figure(Store, "TA1", "AIR")!.Id;
        HttpResponseMessage approved = await reviewer.PostAsync("/entry/review?handler=Approve", ("FigureId", Id(below)));
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Figure f = AccessData.Figure(Store, "TA1", "AIR")!;
        f.Status.ShouldBe(FigureStatus.Approved);
        using (SaimaDb db = SaimaDb.Open(Store))
        {
            db.Audit.Any(a => a.EntityKey == "T/TA1/AIR/2025-07" && a.NewValue == "approved" && a.User == AccessSessions.UserName(AccessRole.Reviewer))
                .ShouldBeTrue("the approval is audited with the reviewer's name");
        }

        // Crafted posts for the other county and its township: not there for this reviewer.
        foreach ((string unit, string handler) in new[] { ("TB1", "Approve"), ("CB", "Approve"), ("TB1", "Return") })
        {
            long id = AccessData.Figure(Store, unit, unit == "CB" ? "GDP" : "AIR")!.Id;
            HttpResponseMessage r = await reviewer.PostAsync("/entry/review?handler=" + handler, ("FigureId", Id(id)), ("Comment", "越权"));
            r.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{handler} {unit}");
            AccessData.Figure(Store, unit, unit == "CB" ? "GDP" : "AIR")!.Status.ShouldBe(FigureStatus.Submitted);
        }
    }

    [Fact]
    public async Task Department_SeesAndEntersOnlyItsIndicators_AcrossUnits()
    {
        AccessSession department = fixture.Session(AccessRole.Department);
        string html = await department.Browser.GetStringAsync(Form);
        Rows(html).ShouldBe(AccessData.Units.SelectMany(u => new[] { u + "/AIR", u + "/EMP" }), ignoreOrder: true);
        html.ShouldContain("7203.5", customMessage: "CB's AIR, supplied by the department");
        foreach (double other in Unpublished(f => f.Indicator is "GDP" or "REV"))
        {
            html.ShouldNotContain(Number(other));
        }

        HttpResponseMessage saved = await department.PostAsync("/entry?handler=Save", [("scheme", "T"), ("period", "2025-07"), .. Entry(0, "TB1", "EMP", "42")]);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Figure f = AccessData.Figure(Store, "TB1", "EMP")!;
        f.Value.ShouldBe(42);
        f.Status.ShouldBe(FigureStatus.Draft);
        f.EnteredBy.ShouldBe(AccessSessions.UserName(AccessRole.Department));

        foreach ((string unit, string indicator) in new[] { ("CA", "GDP"), ("TB1", "REV") })
        {
            HttpResponseMessage r = await department.PostAsync("/entry?handler=Save", [("scheme", "T"), ("period", "2025-07"), .. Entry(0, unit, indicator, "1")]);
            r.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{unit}/{indicator}");
        }

        AccessData.Figure(Store, "CA", "GDP")!.Value.ShouldBe(7101.5);
        AccessData.Figure(Store, "TB1", "REV")!.Value.ShouldBe(7402.5);

        HttpResponseMessage upload = await UploadAsync(department, "CA,GDP,2025-07,5\n");
        upload.StatusCode.ShouldBe(HttpStatusCode.OK);
        AccessData.Figure(Store, "CA", "GDP")!.Value.ShouldBe(7101.5);
    }

    /// <summary>The results pages show published periods only, to every role: the leader first of all.</summary>
    [Theory]
    [InlineData(AccessRole.Leader)]
    [InlineData(AccessRole.Office)]
    [InlineData(AccessRole.Reporter)]
    [InlineData(AccessRole.Reviewer)]
    [InlineData(AccessRole.Department)]
    public async Task ResultsPages_ShowPublishedFiguresOnly(AccessRole role)
    {
        HttpClient browser = fixture.Session(role).Browser;
        string[] pages =
        [
            "/", "/league?scheme=T", "/league?scheme=T&node=GDP", "/matrix?scheme=T", "/matrix?scheme=T&show=value",
            "/map?scheme=T", "/map/data?scheme=T", "/map/data?scheme=T&node=GDP", "/unit/CA?scheme=T", "/unit/TB1?scheme=T", "/unit/CA/chart?scheme=T",
        ];
        foreach (string page in pages)
        {
            HttpResponseMessage r = await browser.GetAsync(page);
            r.StatusCode.ShouldBe(HttpStatusCode.OK, page);
            string body = await r.Content.ReadAsStringAsync();
            body.ShouldNotContain("2025-07", customMessage: page);
            body.ShouldNotContain("12.34", customMessage: $"{page}: the open period's preview results");
            body.ShouldNotContain("7777.5", customMessage: page);
            foreach (double v in AccessData.Open.Select(f => f.Value))
            {
                body.ShouldNotContain(Number(v), customMessage: page);
            }
        }

        (await browser.GetStringAsync("/league?scheme=T")).ShouldContain("2025-05");
        (await browser.GetStringAsync("/league?scheme=T&node=GDP")).ShouldContain("<td class=\"num value\">41.00</td>", customMessage: "TB1's published GDP (the indicator's value column)");
        using (JsonDocument chart = JsonDocument.Parse(await browser.GetStringAsync("/unit/CA/chart?scheme=T")))
        {
            chart.RootElement.GetProperty("periods").EnumerateArray().Select(p => p.GetString()).ShouldBe(["2025-05"]);
        }

        foreach (string open in new[] { "/league?scheme=T&period=2025-07", "/league/export?scheme=T&period=2025-07", "/matrix?scheme=T&period=2025-07", "/map?scheme=T&period=2025-07", "/map/data?scheme=T&period=2025-07" })
        {
            (await browser.GetAsync(open)).StatusCode.ShouldBe(HttpStatusCode.NotFound, open);
        }
    }

    [Fact]
    public async Task Leader_GetsNoEntryOrReviewWork_AndCannotPostInto_It()
    {
        AccessSession leader = fixture.Session(AccessRole.Leader);
        foreach (string page in new[] { Form, "/entry/review", "/entry/status?scheme=T&period=2025-07", Form.Replace("/entry?", "/entry?handler=Template&", StringComparison.Ordinal) })
        {
            (await leader.Browser.GetAsync(page)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, page);
        }

        long id = AccessData.Figure(Store, "CB", "AIR")!.Id;
        (await leader.PostAsync("/entry/review?handler=Approve", ("FigureId", Id(id)))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await leader.PostAsync("/entry?handler=Save", [("scheme", "T"), ("period", "2025-07"), .. Entry(0, "CB", "REV", "1")])).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        AccessData.Figure(Store, "CB", "AIR")!.Status.ShouldBe(FigureStatus.Submitted);
        AccessData.Figure(Store, "CB", "REV")!.Value.ShouldBe(7202.5);
    }

    [Fact]
    public async Task Public_ShowsPublishedTotalsOnly_NoIndicatorThatIsNotPublic()
    {
        string html = await fixture.Session(AccessRole.Anonymous).Browser.GetStringAsync("/public");
        html.ShouldContain("data-scheme=\"T\"");
        html.ShouldContain("2025-05");
        html.ShouldContain("乙一镇", customMessage: "TB1 leads the published total");
        html.ShouldNotContain("2025-07");
        html.ShouldNotContain("12.34");
        foreach (string name in new[] { "一般公共预算收入", "空气优良天数比例", "城镇新增就业人数" })
        {
            html.ShouldNotContain(name, customMessage: "an indicator that is not public");
        }

        foreach (double v in AccessData.Open.Select(f => f.Value))
        {
            html.ShouldNotContain(Number(v));
        }
    }

    private static IEnumerable<double> Unpublished(Func<(string Unit, string Indicator), bool> which) =>
        AccessData.Open.Where(f => which((f.Unit, f.Indicator))).Select(f => f.Value);

    /// <summary>The unit/indicator of every row of the entry form.</summary>
    private static List<string> Rows(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<tr data-unit=\"([^\"]+)\" data-indicator=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value + "/" + m.Groups[2].Value).ToList();

    /// <summary>The distinct units of the review list.</summary>
    private static List<string> ReviewUnits(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "data-figure=\"\\d+\" data-unit=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).Distinct().ToList();

    private (string Name, string Value)[] Entry(int n, string unit, string indicator, string value) =>
    [
        ($"Entries[{n}].Unit", Id(AccessData.UnitId(Store, unit))),
        ($"Entries[{n}].Indicator", Id(AccessData.IndicatorId(Store, indicator))),
        ($"Entries[{n}].Value", value),
    ];

    private static async Task<HttpResponseMessage> UploadAsync(AccessSession session, string rows)
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent(session.Token), "__RequestVerificationToken" },
            { new StringContent("T"), "scheme" },
            { new StringContent("2025-07"), "period" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("unit,indicator,period,value\n" + rows)), "Upload", "crafted.csv" },
        };
        return await session.Browser.PostAsync("/entry?handler=Upload", content);
    }

    /// <summary>The text of every part of an .xlsx (shared strings and sheets), to look for codes in.</summary>
    /// <summary>
    /// Every cell of every sheet (hidden ones too), one per line, as the template's reader sees it:
    /// not the raw XML, whose random relationship ids may hold any letters.
    /// </summary>
    private static string XlsxText(byte[] xlsx)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(new MemoryStream(xlsx));
        var text = new StringBuilder();
        do
        {
            while (reader.Read())
            {
                for (int c = 0; c < reader.FieldCount; c++)
                {
                    if (reader.GetValue(c) is { } value)
                    {
                        text.Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
                    }
                }
            }
        }
        while (reader.NextResult());

        return text.ToString();
    }

    private static string Number(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
