using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Features.Api;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The HTTP API (/api/v1) and its tokens, on <see cref="LeagueData"/> (2025-05 and 2025-06
/// published, 2025-07 open with rep C01's draft REV 999) plus a source department D01 that
/// supplies EMP, with its draft EMP of C02 (33) in 2025-07.
/// </summary>
public sealed class ApiTests
{
    private const string Open = "/api/v1/schemes/T/periods/2025-07";
    private const string June = "/api/v1/schemes/T/periods/2025-06";

    [Fact]
    public async Task Token_MadeOnThePage_IsShownOnce_StoredAsHash_Audited_ReadsResults_AndRevokedIsRefused()
    {
        await using var web = await StartAsync();
        string token = await web.MakeTokenAsync("leader.zhou", "周报脚本");
        token.ShouldStartWith("saima_");
        (await web.Client.GetStringAsync("/account/tokens")).ShouldNotContain(token);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            ApiToken row = db.ApiTokens.Single();
            row.TokenHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
            row.Name.ShouldBe("周报脚本");
            row.ExpiresAt.ShouldNotBeNull();
            row.LastUsedAt.ShouldBeNull();
            AuditEntry audit = db.Audit.Single(a => a.Entity == "api_token");
            (audit.User, audit.Action, audit.NewValue).ShouldBe(("leader.zhou", "create", "周报脚本"));
            audit.OldValue.ShouldBeNull();
        }

        using HttpClient program = web.ProgramClient(token);
        HttpResponseMessage r = await program.GetAsync(June + "/results");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        JsonElement results = await JsonAsync(r);
        results.GetProperty("node").GetString().ShouldBe("Total");
        results.GetProperty("nodeKind").GetString().ShouldBe("total");
        var rows = results.GetProperty("rows").EnumerateArray().ToList();
        rows.Select(x => x.GetProperty("unit").GetString()).ShouldBe(["C02", "C01", "C05", "C04", "C03"]);
        rows[0].GetProperty("score").GetDouble().ShouldBe(95, 1e-9);
        rows[0].GetProperty("rank").GetInt32().ShouldBe(1);
        rows[0].GetProperty("rankChange").GetInt32().ShouldBe(1);
        rows[1].GetProperty("rankChange").GetInt32().ShouldBe(-1);
        rows[0].GetProperty("track").GetString().ShouldBe("城区");
        rows[0].GetProperty("trackRank").GetInt32().ShouldBe(1);

        // An indicator in one track: values and the scheme's warning levels.
        JsonElement gdp = await JsonAsync(await program.GetAsync(June + "/results?node=GDP&track=%E5%8E%BF"));
        gdp.GetProperty("nodeKind").GetString().ShouldBe("indicator");
        var county = gdp.GetProperty("rows").EnumerateArray().ToList();
        county.Select(x => x.GetProperty("unit").GetString()).ShouldBe(["C01", "C04", "C03"]);
        county.Select(x => x.GetProperty("value").GetDouble()).ShouldBe([90, 70, 60]);
        county.Select(x => x.GetProperty("warning").GetString()).ShouldBe(["yellow", "red", "red"]);
        (await program.GetAsync(June + "/results?node=NOPE")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.ApiTokens.Single().LastUsedAt.ShouldNotBeNull();
        }

        long id;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            id = db.ApiTokens.Single().Id;
        }

        HttpResponseMessage revoked = await web.PostFormAsync("/account/tokens", "/account/tokens?handler=Revoke", ("TokenId", Id(id)));
        revoked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Client.GetStringAsync("/account/tokens")).ShouldContain("data-state=\"revoked\"");
        HttpResponseMessage refused = await program.GetAsync(June + "/results");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ProblemAsync(refused)).GetProperty("detail").GetString()!.ShouldContain("revoked");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.ApiTokens.Single().RevokedAt.ShouldNotBeNull();
            db.Audit.Count(a => a.Entity == "api_token" && a.Action == "revoke" && a.User == "leader.zhou").ShouldBe(1);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("?node=GDP")]
    [InlineData("?node=GDP&track=%E5%8E%BF")]
    [InlineData("?track=%E5%9F%8E%E5%8C%BA")]
    public async Task Results_AreTheLeagueTablesRows_InItsOrder(string query)
    {
        await using var web = await StartAsync();
        using HttpClient program = web.ProgramClient(await web.MakeTokenAsync("leader.zhou"));
        JsonElement api = await JsonAsync(await program.GetAsync(June + "/results" + query));
        string page = query.Length == 0 ? "?scheme=T&period=2025-06" : "?scheme=T&period=2025-06&" + query[1..];
        List<string[]> sheet = LeagueTableTests.ReadSheet(await web.Client.GetByteArrayAsync("/league/export" + page));

        // The export's data rows: rank, unit code, name, ... (after the title and header rows).
        var exported = sheet.Skip(2).Where(row => row.Length > 1).Select(row => (Rank: row[0], Unit: row[1])).ToList();
        var served = api.GetProperty("rows").EnumerateArray()
            .Select(row => (Rank: row.GetProperty("rank").ValueKind == JsonValueKind.Null ? string.Empty : row.GetProperty("rank").GetInt32().ToString(CultureInfo.InvariantCulture),
                            Unit: row.GetProperty("unit").GetString()!))
            .ToList();
        served.Count.ShouldBeGreaterThan(0);
        served.ShouldBe(exported);
    }

    [Fact]
    public async Task Unauthenticated_UnknownOrExpiredToken_Get401Json_NeverARedirect()
    {
        await using var web = await StartAsync();
        using HttpClient anonymous = web.ProgramClient();
        foreach (string path in new[] { "/api/v1/schemes", June + "/results", "/api/v1/no/such/thing", "/openapi/v1.json" })
        {
            HttpResponseMessage r = await anonymous.GetAsync(path);
            r.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            r.Headers.Location.ShouldBeNull(path);
            r.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer", customMessage: path);
            (await ProblemAsync(r)).GetProperty("status").GetInt32().ShouldBe(401, path);
        }

        HttpResponseMessage post = await anonymous.PostAsJsonAsync(Open + "/figures", new { items = new[] { new { unit = "C01", indicator = "GDP", value = 1 } } });
        post.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using HttpClient unknown = web.ProgramClient("saima_not-a-token");
        HttpResponseMessage bad = await unknown.GetAsync("/api/v1/schemes");
        bad.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        bad.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");

        string token = await web.MakeTokenAsync("leader.zhou", days: "30");
        using HttpClient program = web.ProgramClient(token);
        (await program.GetAsync("/api/v1/schemes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await program.GetAsync("/api/v1/no/such/thing")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.ApiTokens.Single().ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            db.SaveChanges();
        }

        HttpResponseMessage expired = await program.GetAsync("/api/v1/schemes");
        expired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ProblemAsync(expired)).GetProperty("detail").GetString()!.ShouldContain("expired");
    }

    [Fact]
    public async Task Reporter_SavesOwnUnit_Stored_AndAudited_AnotherUnitIs403_AndNothingStored()
    {
        await using var web = await StartAsync();
        using HttpClient rep = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));

        HttpResponseMessage ok = await rep.PostAsJsonAsync(Open + "/figures", new
        {
            items = new object[]
            {
                new { unit = "C01", indicator = "GDP", value = 95.5, note = "含一次性项目" },
                new { unit = "C01", indicator = "AIR", value = 88 },
                new { unit = "C01", indicator = "REV", value = 1000 },
            },
        });
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        JsonElement saved = await JsonAsync(ok);
        saved.GetProperty("count").GetInt32().ShouldBe(3);
        saved.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("status").GetString()).ShouldAllBe(s => s == "draft");
        Figure(web, "C01", "GDP")!.Value.ShouldBe(95.5);
        Figure(web, "C01", "GDP")!.EnteredBy.ShouldBe("rep.c01");
        Figure(web, "C01", "REV")!.Value.ShouldBe(1000);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            var trail = AuditTrail.For(db, "figure", "T/C01/GDP/2025-07");
            trail.ShouldContain(a => a.Action == "create" && a.Field == "value" && a.NewValue == "95.5" && a.User == "rep.c01");
            trail.ShouldContain(a => a.Field == "explanation" && a.NewValue == "含一次性项目" && a.User == "rep.c01");
            AuditTrail.For(db, "figure", "T/C01/REV/2025-07").ShouldContain(a => a.Action == "update" && a.OldValue == "999" && a.NewValue == "1000");
        }

        int before = CountFigures(web);
        HttpResponseMessage other = await rep.PostAsJsonAsync(Open + "/figures", new
        {
            items = new object[] { new { unit = "C01", indicator = "GDP", value = 1 }, new { unit = "C02", indicator = "GDP", value = 2 } },
        });
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        JsonElement problem = await ProblemAsync(other);
        problem.GetProperty("detail").GetString()!.ShouldStartWith("items[1].unit: ");
        problem.GetProperty("detail").GetString()!.ShouldContain("unit 'C02'");
        CountFigures(web).ShouldBe(before);
        Figure(web, "C01", "GDP")!.Value.ShouldBe(95.5);

        // An indicator a source department supplies: the workflow refuses it, and the save before it in the same request is undone.
        HttpResponseMessage supplied = await rep.PostAsJsonAsync(Open + "/figures", new
        {
            items = new object[] { new { unit = "C01", indicator = "GDP", value = 3 }, new { unit = "C01", indicator = "EMP", value = 4 } },
        });
        supplied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ProblemAsync(supplied)).GetProperty("detail").GetString()!.ShouldStartWith("items[1].indicator: ");
        Figure(web, "C01", "GDP")!.Value.ShouldBe(95.5);
        Figure(web, "C01", "EMP").ShouldBeNull();
    }

    [Fact]
    public async Task BadItemAtIndex2_Is400NamingIt_AndNothingIsStored()
    {
        await using var web = await StartAsync();
        using HttpClient rep = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        int before = CountFigures(web);
        int audit = CountAudit(web);

        HttpResponseMessage r = await rep.PostAsync(Open + "/figures", Json("""
            {"items": [{"unit": "C01", "indicator": "GDP", "value": 95},
                       {"unit": "C01", "indicator": "AIR", "value": 2},
                       {"unit": "C01", "indicator": "REV", "value": "abc"}]}
            """));
        r.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonElement problem = await ProblemAsync(r);
        problem.GetProperty("detail").GetString().ShouldBe("items[2].value: 'abc' is not a number");
        problem.GetProperty("errors").GetProperty("items[2].value")[0].GetString().ShouldBe("'abc' is not a number");
        CountFigures(web).ShouldBe(before);
        CountAudit(web).ShouldBe(audit);

        // Unknown codes, a missing value and the same figure twice, each named.
        HttpResponseMessage names = await rep.PostAsync(Open + "/figures", Json("""
            {"items": [{"unit": "C01", "indicator": "GDP", "value": 1},
                       {"unit": "X9", "indicator": "NOPE", "value": 2},
                       {"unit": "C01", "indicator": "AIR"},
                       {"unit": "C01", "indicator": "GDP", "value": 3}]}
            """));
        names.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonElement errors = (await ProblemAsync(names)).GetProperty("errors");
        errors.GetProperty("items[2].value").GetArrayLength().ShouldBe(1);
        HttpResponseMessage unknown = await rep.PostAsync(Open + "/figures", Json("""
            {"items": [{"unit": "X9", "indicator": "NOPE", "value": 2}, {"unit": "C01", "indicator": "GDP", "value": 95}, {"unit": "C01", "indicator": "GDP", "value": 96}]}
            """));
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(unknown)).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)
            .ShouldBe(["items[0].indicator", "items[0].unit", "items[2]"]);
        CountFigures(web).ShouldBe(before);

        // A published period is never overwritten.
        HttpResponseMessage closed = await rep.PostAsJsonAsync(June + "/figures", new { items = new[] { new { unit = "C01", indicator = "GDP", value = 1 } } });
        closed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ProblemAsync(closed)).GetProperty("detail").GetString()!.ShouldContain("published");
        CountFigures(web).ShouldBe(before);
    }

    [Fact]
    public async Task PlausibleRange_IsChecked_LikeTheUpload()
    {
        await using var web = await StartAsync(db =>
        {
            Indicator air = db.Indicators.Single(i => i.Code == "AIR");
            (air.MinPlausible, air.MaxPlausible) = (0, 100);
            db.SaveChanges();
        });
        using HttpClient rep = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        HttpResponseMessage r = await rep.PostAsJsonAsync(Open + "/figures", new { items = new[] { new { unit = "C01", indicator = "AIR", value = 101 } } });
        r.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(r)).GetProperty("detail").GetString()!.ShouldStartWith("items[0].explanation: value 101 is outside the plausible range [0, 100] of indicator 'AIR'; if it is right, explain it");
        Figure(web, "C01", "AIR").ShouldBeNull();
    }

    [Fact]
    public async Task Reporter_Submits_ReviewerApproves_OtherUnitsReviewerIsRefused_OfficePublishes()
    {
        await using var web = await StartAsync();
        using HttpClient rep = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        using HttpClient rev = web.ProgramClient(await web.MakeTokenAsync("rev.c01"));
        using HttpClient rev2 = web.ProgramClient(await web.MakeTokenAsync("rev.c02"));
        using HttpClient dept = web.ProgramClient(await web.MakeTokenAsync("dept.stat"));
        using HttpClient office = web.ProgramClient(await web.MakeTokenAsync("office.li"));

        HttpResponseMessage submitted = await rep.PostAsJsonAsync(Open + "/figures/submit", new { units = new[] { "C01" } });
        submitted.StatusCode.ShouldBe(HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());
        (await JsonAsync(submitted)).GetProperty("count").GetInt32().ShouldBe(1);
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Submitted);
        (await rep.PostAsJsonAsync(Open + "/figures/submit", new { units = new[] { "C02" } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The reviewer of C02 may not review C01; a return needs a comment.
        HttpResponseMessage outside = await rev2.PostAsJsonAsync(Open + "/review", new { unit = "C01", action = "approve" });
        outside.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ProblemAsync(outside)).GetProperty("detail").GetString()!.ShouldContain("C01");
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Submitted);
        HttpResponseMessage noComment = await rev.PostAsJsonAsync(Open + "/review", new { unit = "C01", action = "return" });
        noComment.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(noComment)).GetProperty("errors").GetProperty("comment").GetArrayLength().ShouldBe(1);

        HttpResponseMessage approved = await rev.PostAsJsonAsync(Open + "/review", new { unit = "C01", indicator = "REV", action = "approve" });
        approved.StatusCode.ShouldBe(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        (await JsonAsync(approved)).GetProperty("figures")[0].GetProperty("status").GetString().ShouldBe("approved");
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Approved);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            AuditTrail.For(db, "figure", "T/C01/REV/2025-07").ShouldContain(a => a.Action == "approve" && a.User == "rev.c01" && a.NewValue == "approved");
        }

        // Publication waits for the department's EMP of C02; the reporter may not publish.
        (await rep.PostAsync(Open + "/publish", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        HttpResponseMessage outstanding = await office.PostAsync(Open + "/publish", null);
        outstanding.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        JsonElement waiting = (await ProblemAsync(outstanding)).GetProperty("outstanding");
        waiting.GetArrayLength().ShouldBe(1);
        (waiting[0].GetProperty("unit").GetString(), waiting[0].GetProperty("indicator").GetString()).ShouldBe(("C02", "EMP"));

        HttpResponseMessage deptSubmit = await dept.PostAsync(Open + "/figures/submit", null);
        deptSubmit.StatusCode.ShouldBe(HttpStatusCode.OK, await deptSubmit.Content.ReadAsStringAsync());
        (await office.PostAsJsonAsync(Open + "/review", new { unit = "C02", action = "approve" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        HttpResponseMessage noChoice = await office.PostAsync(Open + "/publish", null);
        noChoice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ProblemAsync(noChoice)).GetProperty("detail").GetString()!.ShouldContain("missing figure(s)");
        (await office.PostAsJsonAsync(Open + "/publish", new { missing = "average" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        HttpResponseMessage published = await office.PostAsJsonAsync(Open + "/publish", new { missing = "scheme" });
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        (await JsonAsync(published)).GetProperty("figuresPublished").GetInt32().ShouldBe(2);
        (await rep.GetAsync(Open + "/results")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await office.PostAsync(Open + "/publish", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Leader_ReadsPublishedResults_ButMayNotWrite_AndUnpublishedResultsAre404()
    {
        await using var web = await StartAsync();
        using HttpClient leader = web.ProgramClient(await web.MakeTokenAsync("leader.zhou"));
        (await leader.GetAsync(June + "/results")).StatusCode.ShouldBe(HttpStatusCode.OK);

        HttpResponseMessage unpublished = await leader.GetAsync(Open + "/results");
        unpublished.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemAsync(unpublished)).GetProperty("detail").GetString()!.ShouldContain("not published");
        (await leader.GetAsync("/api/v1/schemes/NOPE/periods/2025-06/results")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        HttpResponseMessage post = await leader.PostAsJsonAsync(Open + "/figures", new { items = new[] { new { unit = "C01", indicator = "GDP", value = 1 } } });
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        post.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        Figure(web, "C01", "GDP").ShouldBeNull();
        (await leader.PostAsync(Open + "/publish", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Periods: a leader sees the published ones; a reporter the open one too.
        (await JsonAsync(await leader.GetAsync("/api/v1/schemes/T/periods"))).EnumerateArray().Select(p => p.GetProperty("code").GetString())
            .ShouldBe(["2025-06", "2025-05"]);
        using HttpClient rep = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        JsonElement periods = await JsonAsync(await rep.GetAsync("/api/v1/schemes/T/periods"));
        periods[0].GetProperty("code").GetString().ShouldBe("2025-07");
        periods[0].GetProperty("status").GetString().ShouldBe("open");

        // Units and schemes by code.
        JsonElement units = await JsonAsync(await leader.GetAsync("/api/v1/units"));
        units.EnumerateArray().Select(u => u.GetProperty("code").GetString()).ShouldBe(["C01", "C02", "C03", "C04", "C05", "D01"]);
        units[5].GetProperty("kind").GetString().ShouldBe("department");
        (await JsonAsync(await leader.GetAsync("/api/v1/schemes")))[0].GetProperty("code").GetString().ShouldBe("T");
    }

    [Fact]
    public async Task Figures_AreThoseTheUserMaySee_DepartmentOnlyItsIndicators()
    {
        await using var web = await StartAsync();
        async Task<List<string>> SeenAsync(string user, string period)
        {
            using HttpClient client = web.ProgramClient(await web.MakeTokenAsync(user));
            HttpResponseMessage r = await client.GetAsync($"/api/v1/schemes/T/periods/{period}/figures");
            r.StatusCode.ShouldBe(HttpStatusCode.OK, $"{user} {period}");
            return (await JsonAsync(r)).EnumerateArray().Select(f => f.GetProperty("unit").GetString() + "/" + f.GetProperty("indicator").GetString()).ToList();
        }

        (await SeenAsync("dept.stat", "2025-07")).ShouldBe(["C02/EMP"]);
        (await SeenAsync("rep.c01", "2025-07")).ShouldBe(["C01/REV"]);
        (await SeenAsync("rev.c02", "2025-07")).ShouldBe(["C02/EMP"]);
        (await SeenAsync("office.li", "2025-07")).ShouldBe(["C01/REV", "C02/EMP"]);
        (await SeenAsync("leader.zhou", "2025-06")).Count.ShouldBe(20);
        (await SeenAsync("dept.stat", "2025-06")).Count.ShouldBe(20);

        // A leader works on no open period: it is not there for them.
        using HttpClient leader = web.ProgramClient(await web.MakeTokenAsync("leader.zhou"));
        (await leader.GetAsync(Open + "/figures")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using HttpClient rep = web.ProgramClient(await web.MakeTokenAsync("rep.c01"));
        JsonElement one = await JsonAsync(await rep.GetAsync(Open + "/figures?unit=C01&indicator=REV"));
        one.GetArrayLength().ShouldBe(1);
        (one[0].GetProperty("value").GetDouble(), one[0].GetProperty("status").GetString(), one[0].GetProperty("enteredBy").GetString())
            .ShouldBe((999d, "draft", "reporter.c01"));
    }

    [Fact]
    public async Task CookieSession_MayRead_ButEveryApiWriteIsRefused()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("rep.c01");
        (await web.Client.GetAsync("/api/v1/schemes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        int before = CountFigures(web);
        string antiforgery = await web.TokenAsync("/account/tokens");
        foreach ((string path, object body) in new (string, object)[]
                 {
                     (Open + "/figures", new { items = new[] { new { unit = "C01", indicator = "GDP", value = 1 } } }),
                     (Open + "/figures/submit", new { }),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("X-CSRF-TOKEN", antiforgery);
            HttpResponseMessage r = await web.Client.SendAsync(request);
            r.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            (await ProblemAsync(r)).GetProperty("detail").GetString()!.ShouldContain("token");
        }

        CountFigures(web).ShouldBe(before);
        Figure(web, "C01", "REV")!.Status.ShouldBe(FigureStatus.Draft);

        // A signed-in user without the role gets JSON too, not the login page.
        await web.SwitchToAsync("leader.zhou");
        HttpResponseMessage publish = await web.Client.PostAsync(Open + "/publish", null);
        publish.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        publish.Headers.Location.ShouldBeNull();
    }

    [Fact]
    public async Task OpenApiDocument_IsJson_DescribesEveryApiEndpoint_AndTheBearerScheme()
    {
        await using var web = await StartAsync();
        await web.SwitchToAsync("leader.zhou");
        HttpResponseMessage r = await web.Client.GetAsync("/openapi/v1.json");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonElement doc = await JsonAsync(r);
        doc.GetProperty("openapi").GetString()!.ShouldStartWith("3.");
        JsonElement bearer = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()).ShouldBe(("http", "bearer"));
        JsonElement paths = doc.GetProperty("paths");

        // Every /api/v1 endpoint the application serves, with its summary, a described response and its security.
        var endpoints = web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => (Path: e.RoutePattern.RawText!, Method: m.ToLowerInvariant())))
            .ToList();
        endpoints.Count.ShouldBeGreaterThanOrEqualTo(9);
        foreach ((string path, string method) in endpoints)
        {
            paths.TryGetProperty(path, out JsonElement item).ShouldBeTrue($"{path} is not in the document");
            item.TryGetProperty(method, out JsonElement op).ShouldBeTrue($"{method} {path} is not in the document");
            op.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace($"{method} {path}");
            op.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace($"{method} {path}");
            JsonElement responses = op.GetProperty("responses");
            if (method == "delete")
            {
                // A removal answers 204 without a body.
                responses.TryGetProperty("204", out _).ShouldBeTrue($"{method} {path}");
            }
            else
            {
                JsonElement success = responses.TryGetProperty("200", out JsonElement ok) ? ok : responses.GetProperty("201");
                // JSON, or a file's bytes for a download (an item's evidence file).
                JsonElement answer = success.GetProperty("content");
                (answer.TryGetProperty("application/json", out JsonElement media) || answer.TryGetProperty("application/octet-stream", out media)).ShouldBeTrue($"{method} {path}");
                if (media.TryGetProperty("schema", out JsonElement schema) || !path.EndsWith("/evidence/{file}", StringComparison.Ordinal))
                {
                    media.GetProperty("schema").ValueKind.ShouldBe(JsonValueKind.Object, $"{method} {path}");
                }
            }

            responses.TryGetProperty("401", out _).ShouldBeTrue($"{method} {path}");

            // The on-site evaluation's endpoints follow their own contract: judges send ballots with
            // a judge's token (no account), and opening, closing and publishing take no body.
            if (path.StartsWith("/api/v1/arena/", StringComparison.Ordinal))
            {
                continue;
            }

            var schemes = op.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).ToList();
            schemes.ShouldContain("bearer", $"{method} {path}");
            if (method != "get")
            {
                schemes.ShouldBe(["bearer"], $"{method} {path}: writes need the token");
                if (method != "delete" && !path.EndsWith("/publish", StringComparison.Ordinal))
                {
                    // JSON, or multipart for an upload (an item's evidence file).
                    JsonElement content = op.GetProperty("requestBody").GetProperty("content");
                    (content.TryGetProperty("application/json", out JsonElement body) || content.TryGetProperty("multipart/form-data", out body)).ShouldBeTrue(path);
                    body.GetProperty("schema").ValueKind.ShouldBe(JsonValueKind.Object, path);
                }
            }
        }

        // Nothing in the document that the application does not serve.
        foreach (JsonProperty p in paths.EnumerateObject())
        {
            foreach (JsonProperty m in p.Value.EnumerateObject())
            {
                endpoints.ShouldContain((p.Name, m.Name));
            }
        }

        // The request type of the figures is described down to its items: value a number (or null), note optional.
        JsonElement input = doc.GetProperty("components").GetProperty("schemas").GetProperty("ApiFigureBatch")
            .GetProperty("properties").GetProperty("items").GetProperty("items");
        input.GetProperty("properties").EnumerateObject().Select(p => p.Name).ShouldBe(["unit", "indicator", "value", "note"]);
        input.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(["unit", "indicator", "value"]);
        input.GetProperty("properties").GetProperty("value").GetProperty("type").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(["null", "number"]);

        // The API page links the document and lists the endpoints.
        string page = await web.Client.GetStringAsync("/api");
        page.ShouldContain("href=\"/openapi/v1.json\"");
        page.ShouldContain("/api/v1/schemes/{scheme}/periods/{period}/figures/submit");
        page.ShouldContain("Authorization: Bearer");
        page.ShouldContain("获取令牌");
        page.ShouldContain("保存草稿（令牌）");
    }

    [Fact]
    public async Task TokensPage_NeedsLogin_AndAUserRevokesOnlyTheirOwnTokens()
    {
        await using var web = await StartAsync();
        (await web.ProgramClient().GetAsync("/account/tokens")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await web.MakeTokenAsync("rep.c01");
        long theirs;
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            theirs = db.ApiTokens.Single().Id;
        }

        await web.SwitchToAsync("rev.c01");
        (await web.Client.GetStringAsync("/account/tokens")).ShouldContain("id=\"tokens-none\"");
        HttpResponseMessage r = await web.PostFormAsync("/account/tokens", "/account/tokens?handler=Revoke", ("TokenId", Id(theirs)));
        r.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.ApiTokens.Single().RevokedAt.ShouldBeNull();
        }

        HttpResponseMessage blank = await web.PostFormAsync("/account/tokens", "/account/tokens?handler=Create", ("Name", "  "), ("Days", "90"));
        (await blank.Content.ReadAsStringAsync()).ShouldContain("id=\"tokens-error\"");
    }

    private static async Task<WebApp> StartAsync(Action<SaimaDb>? more = null)
    {
        WebApp web = await WebApp.StartAsync(seed: store =>
        {
            LeagueData.Seed(store);
            using SaimaDb db = SaimaDb.Open(store);
            Unit dept = new SchemeService(db, TimeProvider.System).AddUnit(Actor.Office("office.wang"), "D01", "统计局", UnitKind.Department);
            Indicator emp = db.Indicators.Single(i => i.Code == "EMP");
            emp.SourceUnitId = dept.Id;
            db.SaveChanges();
            long c02 = db.Units.Single(u => u.Code == "C02").Id;
            new FigureWorkflow(db, TimeProvider.System).SaveDraft(Actor.Department("dept.zhang", dept.Id), emp.SchemeId, c02, emp.Id, "2025-07", 33);
            more?.Invoke(db);
        });
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        await web.CreateUserAsync("rev.c01", SaimaRoles.Reviewer, "C01");
        await web.CreateUserAsync("rev.c02", SaimaRoles.Reviewer, "C02");
        await web.CreateUserAsync("dept.stat", SaimaRoles.Department, "D01");
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        await web.CreateUserAsync("leader.zhou", SaimaRoles.Leader);
        return web;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r)
    {
        string text = await r.Content.ReadAsStringAsync();
        r.IsSuccessStatusCode.ShouldBeTrue($"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage r)
    {
        r.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static Figure? Figure(WebApp web, string unit, string indicator)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Figures.SingleOrDefault(f => f.Period == "2025-07" && f.IsCurrent
            && db.Units.Any(u => u.Id == f.UnitId && u.Code == unit) && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == indicator));
    }

    private static int CountFigures(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Figures.Count();
    }

    private static int CountAudit(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Audit.Count();
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
