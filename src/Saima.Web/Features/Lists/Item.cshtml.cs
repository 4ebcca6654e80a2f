using Microsoft.EntityFrameworkCore;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Lists;

/// <summary>
/// One list item (<c>/lists/{id}</c>): its details, measures, evidence, comments and history,
/// and the actions the user may take in its state (<see cref="ListService.Rights"/>). Every
/// action is the door's (<see cref="ListService"/>): refused by role or unit → 403, not the
/// user's item → 404, any other refusal said on the page.
/// </summary>
[Authorize]
public sealed class ItemModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public string? Day { get; set; }

    [BindProperty]
    public long MeasureId { get; set; }

    [BindProperty]
    public string? MeasureState { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    /// <summary>What an evidence file shows (optional; kept with the upload in the item's history).</summary>
    [BindProperty]
    public string? Note { get; set; }

    public ListItemView View { get; private set; } = null!;

    public string? Error { get; private set; }

    public DateOnly Today { get; private set; }

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

    /// <summary>An evidence file of the item, as uploaded.</summary>
    public async Task<IActionResult> OnGetFileAsync(long file, CancellationToken cancel)
    {
        try
        {
            ListEvidence e = await Service.ReadEvidenceAsync(ListPages.Actor(access), file, cancel);
            return e.ItemId == Id ? File(e.Content, e.ContentType, e.FileName) : NotFound();
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
    }

    public Task<IActionResult> OnPostStartAsync(CancellationToken cancel) =>
        ActAsync(a => Service.StartAsync(a, Id, cancel), "started", cancel);

    public Task<IActionResult> OnPostMeasureAsync(CancellationToken cancel) =>
        ActAsync(a => Service.AddMeasureAsync(a, Id, Text, Owner, ListTexts.ParseDay(Day), cancel), "measure", cancel);

    public Task<IActionResult> OnPostMeasureStateAsync(CancellationToken cancel) =>
        ActAsync(a => Service.SetMeasureStateAsync(a, MeasureId, Enum.TryParse(MeasureState, out MeasureState s) && Enum.IsDefined(s) ? s : Data.MeasureState.Done, cancel), "measure", cancel);

    public Task<IActionResult> OnPostEvidenceAsync(CancellationToken cancel) =>
        ActAsync(async a =>
        {
            if (Upload is null || Upload.Length == 0)
            {
                throw new WorkflowException(WorkflowCodes.EvidenceEmpty, "no file was uploaded", string.Empty);
            }

            await using Stream s = Upload.OpenReadStream();
            return await Service.AddEvidenceAsync(a, Id, Upload.FileName, s, Note, cancel);
        }, "evidence", cancel);

    public Task<IActionResult> OnPostSubmitAsync(CancellationToken cancel) =>
        ActAsync(a => Service.SubmitAsync(a, Id, Text, cancel), "submitted", cancel);

    public Task<IActionResult> OnPostCloseAsync(CancellationToken cancel) =>
        ActAsync(a => Service.CloseOutAsync(a, Id, Text, cancel), "closed", cancel);

    public Task<IActionResult> OnPostReturnAsync(CancellationToken cancel) =>
        ActAsync(a => Service.ReturnAsync(a, Id, Text, cancel), "returned", cancel);

    public Task<IActionResult> OnPostFollowUpAsync(CancellationToken cancel) =>
        ActAsync(a => ListTexts.ParseDay(Day) is { } d
            ? Service.SetFollowUpAsync(a, Id, d, cancel)
            : throw new ListInvalidException([new("followUp", "a day like 2025-10-01")]), "followup", cancel);

    public Task<IActionResult> OnPostReviewAsync(CancellationToken cancel) =>
        ActAsync(a => Service.ConfirmFollowUpAsync(a, Id, Text, cancel), "reviewed", cancel);

    public Task<IActionResult> OnPostReopenAsync(CancellationToken cancel) =>
        ActAsync(a => Service.ReopenAsync(a, Id, Text, cancel), "reopened", cancel);

    public Task<IActionResult> OnPostCommentAsync(CancellationToken cancel) =>
        ActAsync(a => Service.CommentAsync(a, Id, Text, cancel), "comment", cancel);

    public Task<IActionResult> OnPostConfirmAsync(CancellationToken cancel) =>
        ActAsync(a => Service.ConfirmDraftAsync(a, Id, ListTexts.ParseDay(Day), Owner, cancel), "confirmed", cancel);

    public Task<IActionResult> OnPostDismissAsync(CancellationToken cancel) =>
        ActAsync(a => Service.DismissAsync(a, Id, Text, cancel), "dismissed", cancel);

    public string Link(string? done = null) =>
        "/lists/" + Id.ToString(CultureInfo.InvariantCulture) + (done is null ? string.Empty : "?done=" + done);

    private ListService Service => new(db, clock);

    private async Task<IActionResult> ActAsync<T>(Func<Actor, Task<T>> act, string done, CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ListPages.RunAsync(this, async () =>
        {
            await act(ListPages.Actor(access));
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

    /// <summary>
    /// A red warning's reference (scheme/period/unit/indicator) in the office's words: the period and
    /// the indicator's name, linked to the unit's page of that scheme; null for other sources.
    /// </summary>
    public WarningSource? Warning { get; private set; }

    public sealed record WarningSource(string Scheme, string Period, string Unit, string Indicator, string IndicatorName);

    private async Task LoadAsync(CancellationToken cancel)
    {
        ListService service = Service;
        View = await service.GetAsync(ListPages.Actor(access), Id, cancel);
        Today = await service.TodayAsync(cancel);
        if (View.Item.SourceKind == ListSource.RedWarning && View.Item.SourceRef?.Split('/') is [var scheme, var period, var unit, var indicator])
        {
            bool english = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
            var named = await (from i in db.Indicators.AsNoTracking()
                               join s in db.Schemes.AsNoTracking() on i.SchemeId equals s.Id
                               where s.Code == scheme && i.Code == indicator
                               select new { i.Name, i.NameEn }).FirstOrDefaultAsync(cancel);
            Warning = new WarningSource(scheme, period, unit, indicator, named is null ? indicator : (english && named.NameEn is not null ? named.NameEn : named.Name));
        }
    }
}
