using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Saima.Web.Features.Api;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// Every list the API serves is paged: at most the maximum page size per response, the next page
/// by the cursor in the response's headers, and the maximum stated in the OpenAPI document.
/// On <see cref="LeagueData"/> (2025-06 published: 10 units × 2 indicators).
/// </summary>
public sealed class ApiPagingTests
{
    [Fact]
    public async Task EveryListEndpoint_WalkedInPagesOfTwo_GivesEachRowOnce_NeverMoreThanThePageSize()
    {
        await using WebApp web = await WebApp.StartAsync(seed: SeedWithProjects);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        using HttpClient client = web.ProgramClient(await web.MakeTokenAsync("office.li"));

        // Every GET of the API but the on-site evaluation's (one session each, by its own contract).
        var lists = web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal)
                && !e.RoutePattern.RawText.StartsWith("/api/v1/arena/", StringComparison.Ordinal)
                && !e.RoutePattern.RawText.EndsWith('}') // one resource by its id, not a list
                && !e.RoutePattern.RawText.EndsWith("}/evidence", StringComparison.Ordinal) // one object {total, files} of one item, bounded
                && !e.RoutePattern.RawText.EndsWith("}/peers", StringComparison.Ordinal) // one object of one unit (its gaps capped at PeerApi.MaxGaps)
                && e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Contains("GET"))
            .ToList();
        lists.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (RouteEndpoint endpoint in lists)
        {
            string path = endpoint.RoutePattern.RawText!.Replace("{scheme}", "T", StringComparison.Ordinal).Replace("{period}", "2025-06", StringComparison.Ordinal);
            endpoint.Metadata.GetMetadata<ApiPaged>().ShouldNotBeNull($"{path} is a list that is not paged");

            (List<string> all, string? none) = await PageAsync(client, path + "?");
            all.Count.ShouldBeInRange(1, ApiPaging.MaxPageSize, path);
            none.ShouldBeNull(path);

            var walked = new List<string>();
            string? cursor = null;
            int pages = 0;
            do
            {
                (List<string> rows, cursor) = await PageAsync(client, path + "?limit=2" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
                rows.Count.ShouldBeInRange(1, 2, path);
                walked.AddRange(rows);
                pages++;
                pages.ShouldBeLessThan(1000, path);
            }
            while (cursor is not null);

            walked.ShouldBe(all, path);
            (await client.GetAsync(path + "?limit=" + (ApiPaging.MaxPageSize + 1).ToString(CultureInfo.InvariantCulture))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
            (await client.GetAsync(path + "?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
            (await client.GetAsync(path + "?cursor=not-a-cursor")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
        }
    }

    [Fact]
    public async Task OpenApiDocument_StatesTheMaximumPageSize_OfEveryPagedList()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("office.li", SaimaRoles.Office);
        using HttpClient client = web.ProgramClient(await web.MakeTokenAsync("office.li"));
        using JsonDocument doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paged = doc.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _) && !p.Name.StartsWith("/api/v1/arena/", StringComparison.Ordinal) && !p.Name.EndsWith('}')
                && !p.Name.EndsWith("}/evidence", StringComparison.Ordinal) && !p.Name.EndsWith("}/peers", StringComparison.Ordinal))
            .ToList();
        paged.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (JsonProperty p in paged)
        {
            JsonElement op = p.Value.GetProperty("get");
            JsonElement limit = op.GetProperty("parameters").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "limit");
            limit.GetProperty("schema").GetProperty("maximum").GetRawText().ShouldBe(ApiPaging.MaxPageSize.ToString(CultureInfo.InvariantCulture), p.Name);
            op.GetProperty("parameters").EnumerateArray().ShouldContain(x => x.GetProperty("name").GetString() == "cursor", p.Name);
            op.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty(ApiPaging.NextCursorHeader, out _).ShouldBeTrue(p.Name);
        }
    }

    /// <summary>The league's store with a batch of three major projects, so that the project list has pages too.</summary>
    private static void SeedWithProjects(Saima.Data.StoreOptions store)
    {
        LeagueData.Seed(store);
        using Saima.Data.SaimaDb db = Saima.Data.SaimaDb.Open(store);
        var projects = new Saima.Data.Store.ProjectService(db, TimeProvider.System);
        var office = Saima.Data.Store.Actor.Office("seed.office");
        long batch = projects.CreateBatchAsync(office, "分页批次", new DateOnly(2025, 1, 1)).GetAwaiter().GetResult().Id;
        string owner = db.Units.OrderBy(u => u.Id).Select(u => u.Code).First();
        foreach (string code in new[] { "P-1", "P-2", "P-3" })
        {
            projects.AddAsync(office, new Saima.Data.Store.ProjectSpec(batch, code, "分页项目 " + code, owner, null, 100, null, null, null)).GetAwaiter().GetResult();
        }

        // External benchmarks of scheme T, for GET /api/v1/schemes/T/benchmarks.
        var peers = new Saima.Data.Store.PeerService(db, TimeProvider.System);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        string indicator = db.Indicators.Where(i => i.SchemeId == scheme).OrderBy(i => i.Id).Select(i => i.Code).First();
        foreach (string place in new[] { "先进城市甲", "先进城市乙", "先进城市丙" })
        {
            peers.AddBenchmarkAsync(office, scheme, place, indicator, "2025-06", 100, "统计公报").GetAwaiter().GetResult();
        }
    }

    /// <summary>One page: its rows as text (a list's items, or a league table's rows) and the next cursor, if any.</summary>
    private static async Task<(List<string> Rows, string? Next)> PageAsync(HttpClient client, string url)
    {
        HttpResponseMessage r = await client.GetAsync(url);
        string text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(HttpStatusCode.OK, $"{url}: {text}");
        using JsonDocument doc = JsonDocument.Parse(text);
        JsonElement list = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("rows");
        string? next = r.Headers.TryGetValues(ApiPaging.NextCursorHeader, out var values) ? values.Single() : null;
        if (next is not null)
        {
            r.Headers.GetValues("Link").Single().ShouldContain("rel=\"next\"");
        }

        return (list.EnumerateArray().Select(e => e.GetRawText()).ToList(), next);
    }
}
