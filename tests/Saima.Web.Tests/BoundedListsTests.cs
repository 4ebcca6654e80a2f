using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Data.Demo;
using Saima.Web.Features.Api;
using Saima.Web.Features.Paging;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// No list of the application is unbounded: on a store of more units than a page (130 counties,
/// built by the store's own bulk path, <see cref="DemoCity.BuildScale(StoreOptions, DemoScaleSize, DemoOptions?)"/>),
/// every page of the access matrix (so every page there is: the matrix test fails for a page
/// without a line) renders no table, list or choice longer than a page, and none answers more
/// than 1 MB; every GET of the HTTP API that is not one object by its key is paged and refuses a
/// page larger than the maximum.
/// </summary>
public sealed partial class BoundedListsTests : IClassFixture<BoundedListsTests.BigStore>
{
    /// <summary>Counties of the test store: more than two pages of <see cref="UnitListPage.Size"/>.</summary>
    public const int Counties = 130;

    /// <summary>The most rows, items or options any list on a page may show.</summary>
    private const int MostRows = UnitListPage.Size;

    /// <summary>The most bytes one page a person looks at may answer.</summary>
    private const int MostBytes = 1_000_000;

    /// <summary>
    /// The GETs of the HTTP API that answer one object named by its key, not a list (anything
    /// else must be paged): one list item, one major project, one evaluation session and its results (its
    /// contestants, fixed when the session is made), the OpenAPI document, the fallback's 404.
    /// </summary>
    private static readonly string[] SingleObjects =
    [
        "/api/v1/items/{id}",
        "/api/v1/items/{id}/evidence", // one object {total, files}: at most 200 files of one item
        "/api/v1/items/{id}/evidence/{file}", // a file
        "/api/v1/projects/{id}",
        "/api/v1/schemes/{scheme}/units/{unit}/peers", // one unit's peers (at most 20 named, 5 nearest) and its 50 largest gaps
        "/api/v1/arena/sessions/{code}",
        "/api/v1/arena/sessions/{code}/results",
        "/api/{**path}",
        "/openapi/{documentName}.json",
    ];

    private readonly BigStore _store;

    public BoundedListsTests(BigStore store) => _store = store;

    [Fact]
    public async Task EveryPage_OnAStoreOfMoreUnitsThanAPage_ShowsNoListLongerThanAPage_AndNoPageOverOneMegabyte()
    {
        await using WebApp web = await _store.StartAsync();
        (await web.LoginAsync("admin", WebApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var asked = new List<string>();
        var failures = new List<string>();
        foreach (AccessLine line in AccessMatrix.Lines.Where(l => l.Method == "GET" && !l.Api && l.For(AccessRole.Office) == Expect.Allowed && l.Success is null))
        {
            string url = OnBigStore(line.Request);
            HttpResponseMessage r = await web.Client.GetAsync(url);
            string type = r.Content.Headers.ContentType?.MediaType ?? string.Empty;
            byte[] body = await r.Content.ReadAsByteArrayAsync();
            if (r.StatusCode != HttpStatusCode.OK || !(type is "text/html" or "application/json"))
            {
                continue; // a file (workbook, evidence), or nothing of that kind on this store
            }

            asked.Add(url);
            if (body.Length > MostBytes)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{url}: {body.Length:N0} bytes"));
            }

            string text = System.Text.Encoding.UTF8.GetString(body);
            foreach ((string what, int count) in type == "text/html" ? LongestLists(text) : JsonArrays(text))
            {
                // A choice of the page's units may add one option for none or all of them.
                if (count > MostRows + (what is "select" or "datalist" ? 1 : 0))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{url}: {what} of {count}"));
                }
            }
        }

        // The pages that list the units themselves must have been asked, and have found them.
        asked.ShouldContain(u => u.StartsWith("/league?", StringComparison.Ordinal));
        asked.ShouldContain(u => u.StartsWith("/matrix?", StringComparison.Ordinal));
        asked.ShouldContain(u => u.StartsWith("/entry/status?", StringComparison.Ordinal));
        asked.Count.ShouldBeGreaterThan(30);
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task League_OfMoreUnitsThanAPage_ShowsAPage_RanksOfTheWholeTable_SearchAndTheUsersOwnPage()
    {
        await using WebApp web = await _store.StartAsync();
        await web.CreateUserAsync("rep.big", SaimaRoles.Reporter, "X0001");
        await web.SwitchToAsync("rep.big");

        string first = await web.Client.GetStringAsync("/league?scheme=" + DemoCity.ScaleCountyScheme);
        List<(string Code, int Rank)> rows = Ranks(first);
        rows.Count.ShouldBe(UnitListPage.Size);
        rows[0].Rank.ShouldBe(1);
        rows.Select(r => r.Rank).ShouldBeInOrder(SortDirection.Ascending);
        first.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"共 {Counties} 个单位"));
        first.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"考核对象 {Counties} 个"), customMessage: "the caption counts the whole table");

        string last = await web.Client.GetStringAsync("/league?scheme=" + DemoCity.ScaleCountyScheme + "&p=3");
        List<(string Code, int Rank)> third = Ranks(last);
        third.Count.ShouldBe(Counties - (2 * UnitListPage.Size));
        third[0].Rank.ShouldBeGreaterThan(rows[^1].Rank, "a page's ranks are the whole table's");
        last.ShouldContain("rel=\"prev\"");
        last.ShouldNotContain("rel=\"next\"");

        // The user's unit: a link to the page of the whole table that holds it, marked there.
        Match mine = MineRegex().Match(first);
        mine.Success.ShouldBeTrue("a unit's user is offered their unit's page");
        string link = WebUtility.HtmlDecode(mine.Groups[1].Value);
        link.ShouldEndWith("#unit-X0001");
        string theirs = await web.Client.GetStringAsync(link[..link.IndexOf('#', StringComparison.Ordinal)]);
        theirs.ShouldContain("data-unit=\"X0001\" id=\"unit-X0001\" class=\"table-info mine\"");

        // Search by code keeps each unit's rank in the whole table.
        string second = await web.Client.GetStringAsync("/league?scheme=" + DemoCity.ScaleCountyScheme + "&p=2");
        var whole = rows.Concat(Ranks(second)).Concat(third).ToDictionary(r => r.Code, r => r.Rank, StringComparer.Ordinal);
        whole.Count.ShouldBe(Counties);
        string found = await web.Client.GetStringAsync("/league?scheme=" + DemoCity.ScaleCountyScheme + "&q=x012");
        List<(string Code, int Rank)> hits = Ranks(found);
        hits.Select(h => h.Code).Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(120, 10).Select(i => "X0" + i.ToString(CultureInfo.InvariantCulture)));
        hits.ShouldAllBe(h => whole[h.Code] == h.Rank);
    }

    [Fact]
    public async Task EveryApiGet_ThatIsNotOneObject_IsPaged_RefusesAHugeLimit_AndDocumentsItsMaximum()
    {
        await using WebApp web = await _store.StartAsync();
        await web.CreateUserAsync("office.big", SaimaRoles.Office);
        using HttpClient client = web.ProgramClient(await web.MakeTokenAsync("office.big"));
        using JsonDocument openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        JsonElement paths = openApi.RootElement.GetProperty("paths");

        var gets = web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/openapi/", StringComparison.Ordinal))
                && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") != false)
            .ToList();
        gets.Count.ShouldBeGreaterThanOrEqualTo(8);
        foreach (string single in SingleObjects)
        {
            gets.ShouldContain(e => e.RoutePattern.RawText == single, $"{single} is listed as one object but is gone");
        }

        int lists = 0;
        foreach (RouteEndpoint endpoint in gets.Where(e => !SingleObjects.Contains(e.RoutePattern.RawText, StringComparer.Ordinal)))
        {
            string route = endpoint.RoutePattern.RawText!;
            endpoint.Metadata.GetMetadata<ApiPaged>().ShouldNotBeNull($"{route}: a GET of the API that is not one object must be paged (limit, cursor)");
            string path = route.Replace("{scheme}", DemoCity.ScaleCountyScheme, StringComparison.Ordinal).Replace("{period}", "2024-02", StringComparison.Ordinal);
            path.ShouldNotContain("{", customMessage: $"{route}: a list with a route parameter this test does not know");

            HttpResponseMessage huge = await client.GetAsync(path + "?limit=100000");
            huge.StatusCode.ShouldBe(HttpStatusCode.BadRequest, route);
            (await huge.Content.ReadAsStringAsync()).ShouldContain("limit", customMessage: route);

            HttpResponseMessage plain = await client.GetAsync(path);
            plain.StatusCode.ShouldBe(HttpStatusCode.OK, route);
            using (JsonDocument doc = JsonDocument.Parse(await plain.Content.ReadAsStringAsync()))
            {
                JsonElement list = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("rows");
                list.GetArrayLength().ShouldBeLessThanOrEqualTo(ApiPaging.MaxPageSize, route);
            }

            JsonElement op = paths.GetProperty(route).GetProperty("get");
            JsonElement[] parameters = [.. op.GetProperty("parameters").EnumerateArray()];
            JsonElement limit = parameters.Single(p => p.GetProperty("name").GetString() == "limit");
            limit.GetProperty("schema").GetProperty("maximum").GetRawText().Trim('"').ShouldBe(ApiPaging.MaxPageSize.ToString(CultureInfo.InvariantCulture), route);
            parameters.ShouldContain(p => p.GetProperty("name").GetString() == "cursor", route);
            lists++;
        }

        lists.ShouldBeGreaterThanOrEqualTo(6);
    }

    [Fact]
    public async Task ApiFigures_OfMoreRowsThanAPage_AnswerAtMostTheMaximum_WithTheNextPagesCursor()
    {
        await using WebApp web = await _store.StartAsync();
        await web.CreateUserAsync("office.rows", SaimaRoles.Office);
        using HttpClient client = web.ProgramClient(await web.MakeTokenAsync("office.rows"));

        HttpResponseMessage r = await client.GetAsync($"/api/v1/schemes/{DemoCity.ScaleCountyScheme}/periods/2024-02/figures");
        r.StatusCode.ShouldBe(HttpStatusCode.OK);
        using JsonDocument doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        doc.RootElement.GetArrayLength().ShouldBe(ApiPaging.MaxPageSize, "the store holds more figures of the period than a page");
        r.Headers.Contains(ApiPaging.NextCursorHeader).ShouldBeTrue();
    }

    /// <summary>A request of the access matrix, made to ask the big store's scheme, periods and units.</summary>
    internal static string OnBigStore(string request)
    {
        string url = SchemeRegex().Replace(request, "scheme=" + DemoCity.ScaleCountyScheme);
        url = PublishedPeriodRegex().Replace(url, "period=2024-02");
        url = OpenPeriodRegex().Replace(url, "period=2024-03");
        url = UnitRegex().Replace(url, "/unit/X0001");
        url = url.Replace("/admin/schemes/Z", "/admin/schemes/" + DemoCity.ScaleCountyScheme, StringComparison.Ordinal);
        return url;
    }

    /// <summary>Each table body's rows, each list's items and each choice's options, counted (nested ones apart).</summary>
    internal static IEnumerable<(string What, int Count)> LongestLists(string html)
    {
        var open = new Stack<(string Tag, int Count)>();
        foreach (Match m in TagRegex().Matches(html))
        {
            bool closing = m.Groups[1].Value == "/";
            string tag = m.Groups[2].Value.ToLowerInvariant();
            switch (tag)
            {
                case "tbody" or "ul" or "ol" or "select" or "datalist" when !closing:
                    open.Push((tag, 0));
                    break;
                case "tbody" or "ul" or "ol" or "select" or "datalist" when open.Count > 0:
                    (string t, int n) = open.Pop();
                    yield return (t, n);
                    break;
                case "tr" or "li" or "option" when !closing && open.Count > 0:
                    (string at, int c) = open.Pop();
                    open.Push((at, c + 1));
                    break;
            }
        }
    }

    /// <summary>The length of each array in a JSON answer, at any depth.</summary>
    internal static IEnumerable<(string What, int Count)> JsonArrays(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        var found = new List<(string, int)>();
        void Walk(JsonElement e, string at)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                found.Add((at + "[]", e.GetArrayLength()));
                foreach (JsonElement x in e.EnumerateArray())
                {
                    Walk(x, at + "[]");
                }
            }
            else if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    Walk(p.Value, at + "." + p.Name);
                }
            }
        }

        Walk(doc.RootElement, "$");
        return found;
    }

    private static List<(string Code, int Rank)> Ranks(string html) =>
        [.. RowRegex().Matches(html).Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"scheme=[TZPW](?=&|$)")]
    private static partial Regex SchemeRegex();

    [GeneratedRegex(@"period=2025-0[56]")]
    private static partial Regex PublishedPeriodRegex();

    [GeneratedRegex(@"period=2025-0[789]")]
    private static partial Regex OpenPeriodRegex();

    [GeneratedRegex(@"/unit/(CA|CB|TA1|TB1)(?=[/?]|$)")]
    private static partial Regex UnitRegex();

    [GeneratedRegex(@"<(/?)(tbody|ul|ol|select|datalist|tr|li|option)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"<tr data-unit=""([^""]+)""[^>]*>\s*<td class=""num rank"">(\d+)")]
    private static partial Regex RowRegex();

    [GeneratedRegex(@"id=""league-mine"" href=""([^""]+)""")]
    private static partial Regex MineRegex();

    /// <summary>
    /// The store of these tests, built once: <see cref="Counties"/> counties in two tracks, 10
    /// indicators, 2024-01 and 2024-02 published and scored, 2024-03 open. Each test gets a copy.
    /// </summary>
    public sealed class BigStore : IDisposable
    {
        private readonly string _file;

        public BigStore()
        {
            string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
            Directory.CreateDirectory(dir);
            _file = Path.Combine(dir, $"big{Environment.ProcessId}_{Guid.NewGuid():N}.db");
            StoreOptions store = StoreOptions.SqliteFile(_file);
            SchemaMigrator.Migrate(store);
            DemoCity.BuildScale(store, new DemoScaleSize(Counties, 10, 0, 0), new DemoOptions { Months = 3 });
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        /// <summary>An application on a copy of the store.</summary>
        public Task<WebApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null) => WebApp.StartAsync(seed: copy =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Copy(_file, SqlitePath(copy), overwrite: true);
        }, settings: settings);

        public void Dispose() => File.Delete(_file);

        private static string SqlitePath(StoreOptions store) =>
            new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
    }
}
