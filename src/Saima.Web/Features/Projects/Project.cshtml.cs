using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Projects;

/// <summary>
/// One major project (<c>/projects/{id}</c>): its stages as a timeline (planned and reached days,
/// overdue in red), the monthly plan vs done, evidence and history, and the actions the user may
/// take (<see cref="ProjectService.Rights"/>). Every action is the door's: refused by role or
/// unit → 403, not the user's project → 404, any other refusal said on the page.
/// </summary>
[Authorize]
public sealed class ProjectModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public string? Stage { get; set; }

    [BindProperty]
    public string? Day { get; set; }

    [BindProperty]
    public string? Month { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public ProjectView View { get; private set; } = null!;

    public string? Error { get; private set; }

    /// <summary>The current month (yyyy-MM) in the office's zone, for the forms.</summary>
    public string ThisMonth { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        try
        {
            await LoadAsync(cancel);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }

        return Page();
    }

    /// <summary>An evidence file of the project, as uploaded.</summary>
    public async Task<IActionResult> OnGetFileAsync(long file, CancellationToken cancel)
    {
        try
        {
            ProjectEvidence e = await Service.ReadEvidenceAsync(ProjectTexts.Actor(access), file, cancel);
            return e.ProjectId == Id ? File(e.Content, e.ContentType, e.FileName) : NotFound();
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
    }

    public Task<IActionResult> OnPostStageAsync(CancellationToken cancel) =>
        ActAsync(async a =>
        {
            ProjectStage stage = ParseStage();
            DateOnly day = ParseDay() ?? throw new ProjectInvalidException([new("stage", "a day like 2025-06-30")]);
            if (Upload is { Length: > 0 })
            {
                await using Stream s = Upload.OpenReadStream();
                await Service.RecordStageAsync(a, Id, stage, day, Upload.FileName, s, cancel);
            }
            else
            {
                await Service.RecordStageAsync(a, Id, stage, day, cancel: cancel);
            }
        }, "stage", cancel);

    public Task<IActionResult> OnPostEvidenceAsync(CancellationToken cancel) =>
        ActAsync(async a =>
        {
            if (Upload is null || Upload.Length == 0)
            {
                throw new WorkflowException(WorkflowCodes.EvidenceEmpty, "no file was uploaded", string.Empty);
            }

            await using Stream s = Upload.OpenReadStream();
            ProjectStage? stage = Enum.TryParse(Stage, out ProjectStage st) && Enum.IsDefined(st) ? st : null;
            await Service.AddEvidenceAsync(a, Id, stage, Upload.FileName, s, cancel);
        }, "evidence", cancel);

    public Task<IActionResult> OnPostInvestAsync(CancellationToken cancel) =>
        ActAsync(a => Service.ReportInvestmentAsync(a, Id, Month, ProjectTexts.ParseNumber(Amount) ?? double.NaN, cancel), "invest", cancel);

    public Task<IActionResult> OnPostPlanAsync(CancellationToken cancel) =>
        ActAsync(a => Service.SetPlanAsync(a, Id, Month, ProjectTexts.ParseNumber(Amount) ?? double.NaN, cancel), "plan", cancel);

    public Task<IActionResult> OnPostReturnAsync(CancellationToken cancel) =>
        ActAsync(a => Service.ReturnStageAsync(a, Id, ParseStage(), Text, cancel), "returned", cancel);

    public Task<IActionResult> OnPostCloseAsync(CancellationToken cancel) =>
        ActAsync(a => Service.CloseOutAsync(a, Id, Text, cancel), "closed", cancel);

    public string Link(string? done = null) =>
        "/projects/" + Id.ToString(CultureInfo.InvariantCulture) + (done is null ? string.Empty : "?done=" + done);

    private ProjectService Service => new(db, clock);

    private ProjectStage ParseStage() =>
        Enum.TryParse(Stage, out ProjectStage s) && Enum.IsDefined(s) ? s : throw new ProjectInvalidException([new("stage", "signed, started or finished")]);

    private DateOnly? ParseDay() =>
        DateOnly.TryParseExact(Day?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) ? d : null;

    private async Task<IActionResult> ActAsync(Func<Actor, Task> act, string done, CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ProjectTexts.RunAsync(this, async () =>
        {
            await act(ProjectTexts.Actor(access));
            return Link(done);
        });
        if (result is not null)
        {
            return result;
        }

        db.ChangeTracker.Clear();
        Error = error;
        try
        {
            await LoadAsync(cancel);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }

        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        ProjectService service = Service;
        View = await service.GetAsync(ProjectTexts.Actor(access), Id, cancel);
        ThisMonth = (await service.TodayAsync(cancel)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }
}
