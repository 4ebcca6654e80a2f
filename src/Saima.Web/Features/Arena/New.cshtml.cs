using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>A row of the form's criteria, categories or grades (empty rows are left out).</summary>
public sealed class ArenaFormRow
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Number { get; set; }
    public string? Trim { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Number) && string.IsNullOrWhiteSpace(Trim);
}

/// <summary>
/// The office's create form of an on-site evaluation (<c>/arena/new</c>): stage, date and place,
/// contestants in presentation order (with a bounded unit search), criteria or grades, examiner
/// categories, and where the points go. It calls <see cref="ArenaService.CreateAsync"/>, the same
/// door as the API; each refusal is shown next to its field (the door's field names map onto the
/// form's rows).
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed partial class NewModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public const int CriteriaRows = 8;
    public const int CategoryRows = 5;
    public const int GradeRows = 6;

    /// <summary>Most units a search shows.</summary>
    public const int SearchCap = 20;

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Stage { get; set; } = "county";
    [BindProperty] public string? OtherStage { get; set; }
    [BindProperty] public string? Date { get; set; }
    [BindProperty] public string? Place { get; set; }
    [BindProperty] public string? Board { get; set; } = ArenaBoardScores.Live;
    [BindProperty] public string Kind { get; set; } = "points";

    /// <summary>Unit codes, one a line, in presentation order.</summary>
    [BindProperty] public string? Contestants { get; set; }
    [BindProperty] public List<ArenaFormRow> Criteria { get; set; } = [];
    [BindProperty] public List<ArenaFormRow> Grades { get; set; } = [];
    [BindProperty] public List<ArenaFormRow> Categories { get; set; } = [];
    [BindProperty] public string? PointsScheme { get; set; }
    [BindProperty] public string? PointsPeriod { get; set; }
    [BindProperty] public string? PointsIndicator { get; set; }
    [BindProperty] public string? RankScheme { get; set; }
    [BindProperty] public string? RankPeriod { get; set; }
    [BindProperty] public string? RankIndicator { get; set; }
    [BindProperty] public string? RankFirst { get; set; }
    [BindProperty] public string? RankLast { get; set; }

    /// <summary>Refusals by form field (<c>Code</c>, <c>Criteria[2].Number</c>, …): the key of the text and its argument.</summary>
    public Dictionary<string, List<(string Key, string? Arg)>> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>A refusal not tied to a field (already in the user's language).</summary>
    public string? Refusal { get; private set; }

    public void OnGet()
    {
        Fill();
        if (Categories.All(c => c.IsEmpty))
        {
            Categories[0] = new ArenaFormRow { Code = "LEAD", Name = "市领导", Number = "0.5", Trim = "1" };
            Categories[1] = new ArenaFormRow { Code = "PUB", Name = "群众代表", Number = "0.5", Trim = "1" };
        }

        if (Grades.All(g => g.IsEmpty))
        {
            string[][] standard = [["A", "优秀", "100"], ["B", "良好", "80"], ["C", "一般", "60"], ["D", "较差", "40"]];
            for (int i = 0; i < standard.Length; i++)
            {
                Grades[i] = new ArenaFormRow { Code = standard[i][0], Name = standard[i][1], Number = standard[i][2] };
            }
        }
    }

    /// <summary>Units whose code or name contains <paramref name="q"/>, at most <see cref="SearchCap"/>.</summary>
    public async Task<IActionResult> OnGetUnitsAsync(string? q, CancellationToken cancel)
    {
        string term = (q ?? string.Empty).Trim();
        if (term.Length == 0)
        {
            return new JsonResult(Array.Empty<object>());
        }

        var units = await db.Units.AsNoTracking().Where(u => u.Code.Contains(term) || u.Name.Contains(term))
            .OrderBy(u => u.Code).Take(SearchCap).Select(u => new { u.Code, u.Name }).ToListAsync(cancel);
        return new JsonResult(units);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancel)
    {
        Fill();
        var criteriaRows = Rows(Criteria);
        var gradeRows = Rows(Grades);
        var categoryRows = Rows(Categories);
        bool graded = Kind == "grades";
        string?[] contestants = [.. (Contestants ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
        var rankFirst = new List<double?>();
        foreach (string part in (RankFirst ?? string.Empty).Split([',', '，', ' ', '、'], StringSplitOptions.RemoveEmptyEntries))
        {
            double? n = Number(part);
            if (n is null)
            {
                Add("RankFirst", "Number");
            }

            rankFirst.Add(n ?? double.NaN);
        }

        double? rankLast = string.IsNullOrWhiteSpace(RankLast) ? null : Number(RankLast);
        if (!string.IsNullOrWhiteSpace(RankLast) && rankLast is null)
        {
            Add("RankLast", "Number");
        }

        var spec = new ArenaSessionSpec(
            Code, Name, Stage == "other" ? OtherStage : Stage, contestants,
            graded ? null : [.. criteriaRows.Select(r => new ArenaCriterionSpec(r.Row.Code, r.Row.Name, NumberOrNaN(r.Row.Number)))],
            [.. categoryRows.Select(r => new ArenaCategorySpec(r.Row.Code, r.Row.Name, NumberOrNaN(r.Row.Number), string.IsNullOrWhiteSpace(r.Row.Trim) ? null : NumberOrNaN(r.Row.Trim)))],
            AllEmpty(PointsScheme, PointsPeriod, PointsIndicator) ? null : new ArenaPointsSpec(PointsScheme, PointsPeriod, PointsIndicator),
            Date, Place,
            graded ? [.. gradeRows.Select(r => new ArenaGradeSpec(r.Row.Code, r.Row.Name, NumberOrNaN(r.Row.Number)))] : null,
            AllEmpty(RankScheme, RankPeriod, RankIndicator, RankFirst, RankLast) ? null : new ArenaRankPointsSpec(RankScheme, RankPeriod, RankIndicator, rankFirst, rankLast),
            Board);
        if (graded && gradeRows.Count == 0)
        {
            Add("Grades", "grades");
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        try
        {
            ArenaSessionView view = await new ArenaService(db, clock).CreateAsync(access.As(ActorRole.Office), spec, cancel);
            return Redirect($"/arena/s/{Uri.EscapeDataString(view.Code)}/judges?created=1");
        }
        catch (ArenaInvalidException e)
        {
            foreach (ArenaError error in e.Errors)
            {
                MapError(error, criteriaRows, gradeRows, categoryRows, contestants);
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        catch (WorkflowException e) when (e.Code == WorkflowCodes.ArenaCodeTaken)
        {
            Add("Code", "taken");
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            Refusal = WorkflowMessages.Text(HttpContext, e);
            Response.StatusCode = e is AccessDeniedException ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict;
            return Page();
        }
    }

    /// <summary>The refusals of a form field, or none.</summary>
    public IReadOnlyList<(string Key, string? Arg)> ErrorsOf(string field) => Errors.TryGetValue(field, out var list) ? list : [];

    /// <summary>
    /// A door's field onto the form: <c>criteria[2].max</c> is the criterion row that was the third
    /// non-empty one; <c>contestants[1]</c> the second line; <c>points.scheme</c> PointsScheme.
    /// </summary>
    private void MapError(ArenaError error, List<(int Index, ArenaFormRow Row)> criteria, List<(int Index, ArenaFormRow Row)> grades, List<(int Index, ArenaFormRow Row)> categories, string?[] contestants)
    {
        Match m = FieldPattern().Match(error.Field);
        string root = m.Success ? m.Groups["root"].Value : error.Field;
        int? index = m.Success && m.Groups["i"].Success ? int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture) : null;
        string? part = m.Success && m.Groups["part"].Success ? m.Groups["part"].Value : null;
        string Row(List<(int Index, ArenaFormRow Row)> rows, string name) =>
            index is { } i && i < rows.Count ? string.Create(CultureInfo.InvariantCulture, $"{name}[{rows[i].Index}].{PartField(part)}") : name;
        switch (root)
        {
            case "code": Add("Code", "code"); break;
            case "name": Add("Name", "name"); break;
            case "stage": Add("Stage", "stage"); break;
            case "date": Add("Date", "date"); break;
            case "place": Add("Place", "place"); break;
            case "board": Add("Board", "board"); break;
            case "contestants" when index is { } i:
                Add("Contestants", "contestant", string.Create(CultureInfo.InvariantCulture, $"{i + 1}"));
                break;
            case "contestants": Add("Contestants", "contestants"); break;
            case "criteria": Add(index is null ? "Criteria" : Row(criteria, "Criteria"), "criteria" + (part is null ? string.Empty : "." + part)); break;
            case "grades": Add(index is null ? "Grades" : Row(grades, "Grades"), "grades" + (part is null ? string.Empty : "." + part)); break;
            case "categories": Add(index is null ? "Categories" : Row(categories, "Categories"), "categories" + (part is null ? string.Empty : "." + part)); break;
            case "points": Add("Points" + Capital(part ?? "scheme"), "points." + (part ?? "scheme")); break;
            case "rankPoints": Add("Rank" + Capital(part ?? "scheme"), "rank." + (part ?? "scheme")); break;
            default: Add("Code", "other"); break;
        }
    }

    private static string PartField(string? part) => part switch { "name" => "Name", "trim" => "Trim", "code" => "Code", _ => "Number" };

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private void Add(string field, string key, string? arg = null)
    {
        if (!Errors.TryGetValue(field, out var list))
        {
            Errors[field] = list = [];
        }

        if (!list.Contains((key, arg)))
        {
            list.Add((key, arg));
        }
    }

    /// <summary>Pads the rows to their counts (a page shows a fixed, bounded number of rows).</summary>
    private void Fill()
    {
        static List<ArenaFormRow> Pad(List<ArenaFormRow> rows, int n) => [.. rows.Take(n).Concat(Enumerable.Range(0, Math.Max(0, n - rows.Count)).Select(_ => new ArenaFormRow()))];
        Criteria = Pad(Criteria, CriteriaRows);
        Grades = Pad(Grades, GradeRows);
        Categories = Pad(Categories, CategoryRows);
    }

    private static List<(int Index, ArenaFormRow Row)> Rows(List<ArenaFormRow> rows) =>
        [.. rows.Select((r, i) => (i, r)).Where(x => !x.r.IsEmpty)];

    private static bool AllEmpty(params string?[] values) => values.All(string.IsNullOrWhiteSpace);

    private static double? Number(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : null;

    private static double? NumberOrNaN(string? text) => string.IsNullOrWhiteSpace(text) ? null : Number(text) ?? double.NaN;

    [GeneratedRegex(@"^(?<root>[A-Za-z]+)(\[(?<i>\d+)\])?(\.(?<part>[A-Za-z]+))?(\[\d+\])?$")]
    private static partial Regex FieldPattern();
}
