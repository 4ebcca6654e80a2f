using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>
/// The three ways a figure comes in (the entry form, the upload, the API) are adapters of one door:
/// the same bad value gets the same answer whichever way it came, and nothing is stored.
/// </summary>
public sealed class EntryPathsTests
{
    private const string Form = "/entry?scheme=T&period=2025-07";

    public static TheoryData<string, string, string> BadValues => new()
    {
        // value as typed, the door's code, the reporter's text (zh)
        { "120", "OutOfRange", "数值 120 超出指标“AIR”的合理范围 [0, 100]；如数据无误，请填写说明" },
        { "abc", "NotANumber", "“abc”不是数字" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task SameBadValue_ThroughFormUploadAndApi_GetsTheSameAnswer_AndNothingIsStored(string value, string code, string zh)
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            await db.Indicators.Where(i => i.Code == "AIR").ExecuteUpdateAsync(s => s.SetProperty(i => i.MinPlausible, 0.0).SetProperty(i => i.MaxPlausible, 100.0));
        }

        int before = CountFigures(web);
        string token = await web.MakeTokenAsync("rep.c01");

        // 1. The form.
        await web.SwitchToAsync("rep.c01");
        HttpResponseMessage form = await web.PostFormAsync(Form, "/entry?handler=Save",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(web, 0, "C01", "AIR", value)]);
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
        string formHtml = WebUtility.HtmlDecode(await form.Content.ReadAsStringAsync());
        formHtml.ShouldContain(zh);

        // 2. The upload (the same row in a CSV file).
        string antiforgery = await web.TokenAsync(Form);
        using var upload = new MultipartFormDataContent
        {
            { new StringContent("T"), "scheme" },
            { new StringContent("2025-07"), "period" },
            { new StringContent(antiforgery), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes($"单位代码,指标代码,期间,填报值\nC01,AIR,2025-07,{value}\n")), "Upload", "figures.csv" },
        };
        HttpResponseMessage uploaded = await web.Client.PostAsync("/entry?handler=Upload", upload);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.OK);
        string uploadHtml = WebUtility.HtmlDecode(await uploaded.Content.ReadAsStringAsync());
        uploadHtml.ShouldContain("id=\"upload-errors\"");
        uploadHtml.ShouldContain(zh);

        // 3. The API (a program with the reporter's token); a number stays a number, text stays text.
        object apiValue = double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double number) ? number : value;
        HttpResponseMessage api = await web.ProgramClient(token).PostAsJsonAsync("/api/v1/schemes/T/periods/2025-07/figures",
            new { items = new[] { new { unit = "C01", indicator = "AIR", value = apiValue } } });
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using JsonDocument problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        JsonElement error = problem.RootElement.GetProperty("codes").EnumerateArray().Single();
        error.GetProperty("code").GetString().ShouldBe(code);
        error.GetProperty("message_zh").GetString().ShouldBe(zh);

        CountFigures(web).ShouldBe(before);
    }

    [Fact]
    public async Task OutOfRangeWithAnExplanation_IsSavedFlagged_AndTheFormShowsTheFlag()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            await db.Indicators.Where(i => i.Code == "AIR").ExecuteUpdateAsync(s => s.SetProperty(i => i.MaxPlausible, 100.0));
        }

        await web.SwitchToAsync("rep.c01");
        HttpResponseMessage saved = await web.PostFormAsync(Form, "/entry?handler=Save",
            [("scheme", "T"), ("period", "2025-07"), .. Entry(web, 0, "C01", "AIR", "120"), ("Entries[0].Explanation", "监测站点调整，已与生态环境局核对")]);

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            Figure f = db.Figures.Single(f => f.Period == "2025-07" && f.IsCurrent && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == "AIR"));
            (f.Value, f.Flags, f.Explanation).ShouldBe((120.0, FigureFlags.OutOfRange, "监测站点调整，已与生态环境局核对"));
        }

        string html = WebUtility.HtmlDecode(await web.Client.GetStringAsync(Form));
        html.ShouldContain("超出合理范围");
        html.ShouldContain("监测站点调整，已与生态环境局核对");
    }

    [Fact]
    public async Task EvidenceWithAFigure_IsStoredByItsContent_AndAnExecutableNamedPdfIsRefusedWithNothingStored()
    {
        await using WebApp web = await WebApp.StartAsync(seed: LeagueData.Seed);
        await web.CreateUserAsync("rep.c01", SaimaRoles.Reporter, "C01");
        await web.SwitchToAsync("rep.c01");

        async Task<HttpResponseMessage> PostAsync(string value, string fileName, byte[] content)
        {
            string antiforgery = await web.TokenAsync(Form);
            var form = new MultipartFormDataContent
            {
                { new StringContent("T"), "scheme" },
                { new StringContent("2025-07"), "period" },
                { new StringContent(antiforgery), "__RequestVerificationToken" },
            };
            foreach ((string name, string v) in Entry(web, 0, "C01", "AIR", value))
            {
                form.Add(new StringContent(v), name);
            }

            form.Add(new ByteArrayContent(content), "Entries[0].File", fileName);
            return await web.Client.PostAsync("/entry?handler=Save", form);
        }

        // An executable renamed .pdf: refused by its content, and the figure is not stored either.
        HttpResponseMessage refused = await PostAsync("88", "监测报告.pdf", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain("文件“监测报告.pdf”的内容不属于可接受的佐证材料类型");
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            db.Evidence.Count().ShouldBe(0);
            db.Figures.Count(f => f.Period == "2025-07" && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == "AIR")).ShouldBe(0);
        }

        // A PDF named .png is stored, as a PDF, with the figure; the form links to it.
        HttpResponseMessage saved = await PostAsync("88", "照片.png", Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (SaimaDb db = SaimaDb.Open(web.Store))
        {
            Figure f = db.Figures.Single(f => f.Period == "2025-07" && f.IsCurrent && db.Indicators.Any(i => i.Id == f.IndicatorId && i.Code == "AIR"));
            EvidenceFile file = db.Evidence.Single();
            (file.Entity, file.EntityId, file.ContentType, file.FileName).ShouldBe(("figure", f.Id, "application/pdf", "照片.png"));
        }

        (await web.Client.GetStringAsync(Form)).ShouldContain("class=\"d-block small figure-evidence\"");
    }

    private static (string Name, string Value)[] Entry(WebApp web, int n, string unit, string indicator, string value)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        long u = db.Units.Single(x => x.Code == unit).Id;
        long i = db.Indicators.Single(x => x.Code == indicator).Id;
        return [($"Entries[{n}].Unit", u.ToString(System.Globalization.CultureInfo.InvariantCulture)), ($"Entries[{n}].Indicator", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ($"Entries[{n}].Value", value)];
    }

    private static int CountFigures(WebApp web)
    {
        using SaimaDb db = SaimaDb.Open(web.Store);
        return db.Figures.Count();
    }
}
