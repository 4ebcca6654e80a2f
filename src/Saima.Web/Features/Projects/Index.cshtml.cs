using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Projects;

/// <summary>
/// Major projects (<c>/projects</c>): the batches (with their counts), then the projects the user
/// may see, filtered and searched, a page at a time, with the year's planned and done investment
/// and overdue projects in red. The office creates batches, adds projects and imports a batch
/// from Excel. What anyone sees and may do is the door's (<see cref="ProjectService"/>).
/// </summary>
[Authorize]
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "batch")]
    public long? BatchId { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "overdue")]
    public bool OverdueOnly { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "n")]
    public int Count { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Day { get; set; }

    [BindProperty]
    public long Batch { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public string? Category { get; set; }

    [BindProperty]
    public string? Investment { get; set; }

    [BindProperty]
    public string? Signed { get; set; }

    [BindProperty]
    public string? Started { get; set; }

    [BindProperty]
    public string? Finished { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public IReadOnlyList<ProjectBatchRow> Batches { get; private set; } = [];

    public ProjectPage Projects { get; private set; } = new([], 0, 1, PageSize);

    public bool IsOffice { get; private set; }

    public bool SeesAll { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        await LoadAsync(cancel);
        return Page();
    }

    public async Task<IActionResult> OnPostBatchAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            ProjectBatch b = await Service.CreateBatchAsync(ProjectTexts.Actor(access), Name, Parse(Day) ?? await Service.TodayAsync(cancel), cancel);
            return "/projects?done=batch&batch=" + b.Id.ToString(CultureInfo.InvariantCulture);
        });
        return await AfterAsync(result, error, cancel);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            var spec = new ProjectSpec(Batch, Code, Name, Owner, Category, ProjectTexts.ParseNumber(Investment), Parse(Signed), Parse(Started), Parse(Finished));
            Project p = await Service.AddAsync(ProjectTexts.Actor(access), spec, cancel);
            return "/projects/" + p.Id.ToString(CultureInfo.InvariantCulture) + "?done=added";
        });
        return await AfterAsync(result, error, cancel);
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            if (Upload is null || Upload.Length == 0)
            {
                throw new ProjectImportException(string.Empty, [new Saima.Data.Intake.ImportError(string.Empty, 0, string.Empty, "没有上传文件", "no file was uploaded")]);
            }

            await using Stream s = Upload.OpenReadStream();
            int n = await new ProjectExcel(db, clock).ImportAsync(ProjectTexts.Actor(access), Batch, Upload.FileName, s, cancel);
            return "/projects?done=imported&n=" + n.ToString(CultureInfo.InvariantCulture) + "&batch=" + Batch.ToString(CultureInfo.InvariantCulture);
        });
        return await AfterAsync(result, error, cancel);
    }

    /// <summary>The query string of this view with another page.</summary>
    public string Link(int? page = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("batch", BatchId?.ToString(CultureInfo.InvariantCulture));
        Add("unit", Unit);
        Add("state", State);
        Add("overdue", OverdueOnly ? "true" : null);
        Add("q", Search);
        if (page is > 1)
        {
            Add("p", page.Value.ToString(CultureInfo.InvariantCulture));
        }

        return "/projects" + (parts.Count > 0 ? "?" + string.Join("&", parts) : string.Empty);
    }

    private ProjectService Service => new(db, clock);

    private static DateOnly? Parse(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) ? d : null;

    private async Task<IActionResult> AfterAsync(IActionResult? result, string? error, CancellationToken cancel)
    {
        if (result is not null)
        {
            return result;
        }

        db.ChangeTracker.Clear();
        Error = error;
        await LoadAsync(cancel);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        Actor actor = ProjectTexts.Actor(access);
        IsOffice = actor.Role == ActorRole.Office;
        SeesAll = actor.Role is ActorRole.Office or ActorRole.Leader || actor.UnitId is null;
        ProjectService service = Service;
        Batches = await service.BatchesAsync(actor, cancel);
        Projects = await service.ListAsync(actor, new ProjectFilter
        {
            BatchId = BatchId,
            Unit = Unit,
            State = Enum.TryParse(State, out ProjectState s) && Enum.IsDefined(s) ? s : null,
            OverdueOnly = OverdueOnly,
            Search = Search,
            Page = Math.Max(1, PageNumber),
            PageSize = PageSize,
        }, cancel);
    }
}
