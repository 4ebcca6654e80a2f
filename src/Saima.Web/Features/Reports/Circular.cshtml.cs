using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Reports;

/// <summary>
/// The office drafts and issues a circular (<c>/reports/circular?scheme=…&amp;period=…</c>): the
/// generated draft text (factual, from the stored results) to edit, the document number and date,
/// the league table as it will print, a PDF preview that archives nothing, and 印发, which archives
/// the formats chosen through <see cref="DocumentIssuer.IssueCircularAsync"/>.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class CircularModel(SaimaDb db, SaimaAccess access, TimeProvider clock, IConfiguration configuration) : PageModel
{
    /// <summary>How many rows of the league table the page shows (the documents hold them all).</summary>
    public const int ShownRows = 30;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string Scheme { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true, Name = "period")]
    public string Period { get; set; } = string.Empty;

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public DateOnly? IssuedOn { get; set; }

    [BindProperty]
    public List<string> Formats { get; set; } = [DocumentFormats.Pdf, DocumentFormats.Docx];

    public CircularContent? Circular { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The form field a refusal concerns (text or number), or null.</summary>
    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        try
        {
            Circular = await Issuer().CircularAsync(access.As(ActorRole.Office), new CircularIssue(Scheme, Period, null, null, null, Formats), cancel);
        }
        catch (Exception e) when (e is NotFoundException || (e is WorkflowException w && w.Code == WorkflowCodes.PeriodNotPublished))
        {
            return NotFound();
        }

        Text = Circular.Draft;
        IssuedOn = Circular.IssuedOn;
        return Page();
    }

    /// <summary>The circular as it would be issued, as a PDF shown in the browser; nothing is archived.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancel) => await RunAsync(async actor =>
    {
        CircularContent content = await Issuer().CircularAsync(actor, Issue(), cancel);
        var pdf = new MemoryStream();
        CircularPdf.Print(CircularWriters.Html(content), pdf, configuration["Saima:Chromium"]);
        pdf.Position = 0;
        return File(pdf, DocumentFormats.ContentType(DocumentFormats.Pdf));
    }, cancel);

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken cancel) => await RunAsync(async actor =>
    {
        await Issuer().IssueCircularAsync(actor, Issue(), cancel);
        return Redirect(IndexModel.Link(Scheme, DocumentKinds.Circular) + "&done=circular");
    }, cancel);

    private CircularIssue Issue() => new(Scheme, Period, Text, Number, IssuedOn, Formats);

    private DocumentIssuer Issuer() => new(db, clock, configuration["Saima:Chromium"]);

    private async Task<IActionResult> RunAsync(Func<Actor, Task<IActionResult>> act, CancellationToken cancel)
    {
        Actor actor = access.As(ActorRole.Office);
        try
        {
            return await act(actor);
        }
        catch (Exception e) when (e is NotFoundException || (e is WorkflowException w && w.Code == WorkflowCodes.PeriodNotPublished))
        {
            return NotFound();
        }
        catch (Exception e) when (e is IStoreRefusal and not AccessDeniedException)
        {
            Error = WorkflowMessages.Text(HttpContext, e);
            ErrorField = e is WorkflowException { Code: WorkflowCodes.DocumentText } t ? t.Args.FirstOrDefault() : e is WorkflowException { Code: WorkflowCodes.DocumentFormat } ? "formats" : null;
        }
        catch (ReportToolException)
        {
            Error = ReportTexts.ToolFailed(HttpContext);
        }

        Circular = await Issuer().CircularAsync(actor, new CircularIssue(Scheme, Period, null, null, null, Formats), cancel);
        return Page();
    }
}
