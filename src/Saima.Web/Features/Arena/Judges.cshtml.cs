using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Arena;

/// <summary>A judge just issued as its QR card shows it: the one-time link and its QR code (SVG).</summary>
public sealed record ArenaJudgeCard(int Number, string Id, string Category, string? Unit, string? Name, string Url, string Svg);

/// <summary>
/// The office's judges page of a session (<c>/arena/s/{code}/judges</c>): issue judges by count
/// or by names (a category, optionally a unit), then the one-time links and a printable sheet of
/// QR cards, only in the response that issued them (the store keeps only the tokens' hashes);
/// the judges a page at a time with their ballots and flags, and voiding a judge with a reason.
/// Every action is <see cref="ArenaService"/>'s.
/// </summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class JudgesModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    public ArenaSessionView? Session { get; private set; }

    public IReadOnlyList<ArenaJudgeStatus> Judges { get; private set; } = [];

    /// <summary>Each listed judge's flags (straight, far, max, voided).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Flags { get; private set; } = new Dictionary<string, IReadOnlyList<string>>();

    public int PageNumber { get; private set; } = 1;

    /// <summary>The judges just issued (this response only).</summary>
    public IReadOnlyList<ArenaJudgeCard> Issued { get; private set; } = [];

    [BindProperty] public string? Category { get; set; }
    [BindProperty] public string Mode { get; set; } = "count";
    [BindProperty] public int? Count { get; set; }
    [BindProperty] public string? Names { get; set; }
    [BindProperty] public string? Unit { get; set; }

    /// <summary>Refusals by form field (Category, Count, Names, Unit) as text keys, or a refusal in the user's language.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, int p = 1, CancellationToken cancel = default)
    {
        var arena = new ArenaService(db, clock);
        Session = await arena.SessionAsync(code, cancel);
        if (Session is null)
        {
            return NotFound();
        }

        int pages = Math.Max(1, (Session.Judges + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(p, 1, pages);
        Judges = await arena.JudgesAsync(code, (PageNumber - 1) * PageSize, PageSize, cancel);
        ArenaResults results = await arena.ResultsAsync(access.As(ActorRole.Office), code, cancel);
        var listed = Judges.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        Flags = results.Judges.Where(j => listed.Contains(j.Id)).ToDictionary(j => j.Id, j => j.Flags, StringComparer.Ordinal);
        return Page();
    }

    public async Task<IActionResult> OnPostIssueAsync(string code, CancellationToken cancel)
    {
        List<string?>? names = Mode == "names"
            ? [.. (Names ?? string.Empty).Split('\n').Select(n => n.Trim()).Where(n => n.Length > 0)]
            : null;
        var spec = new ArenaJudgeSpec(Category, Mode == "names" ? null : Count, names is { Count: 0 } ? [] : names, Unit);
        try
        {
            var issued = await new ArenaService(db, clock).IssueJudgesAsync(access.As(ActorRole.Office), code, spec, cancel);
            int before = (await new ArenaService(db, clock).SessionAsync(code, cancel))!.Judges - issued.Count;
            using var generator = new QRCodeGenerator();
            Issued = [.. issued.Select((j, i) =>
            {
                string url = ArenaApi.JudgeUrl(Request, j.Token);
                using QRCodeData data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
                string svg = new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
                return new ArenaJudgeCard(before + i + 1, j.Id, j.Category, j.Unit, j.Name, url, svg);
            })];

            // The links exist only in this response: no cache may keep them.
            Response.Headers.CacheControl = "no-store";
            Category = null;
            Count = null;
            Names = null;
            Unit = null;
        }
        catch (ArenaInvalidException e)
        {
            foreach (ArenaError error in e.Errors)
            {
                string field = error.Field.StartsWith("names", StringComparison.Ordinal) ? "Names" : error.Field switch
                {
                    "category" => "Category",
                    "unit" => "Unit",
                    _ => Mode == "names" ? "Names" : "Count",
                };
                Errors.TryAdd(field, "JudgesErr_" + field);
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            Refusal = WorkflowMessages.Text(HttpContext, e);
            Response.StatusCode = e is NotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict;
        }

        db.ChangeTracker.Clear();
        int status = Response.StatusCode;
        IActionResult page = await OnGetAsync(code, 1, cancel);
        Response.StatusCode = status;
        return page;
    }

    public async Task<IActionResult> OnPostVoidAsync(string code, string judge, string? reason, int p = 1, CancellationToken cancel = default)
    {
        try
        {
            await new ArenaService(db, clock).VoidJudgeAsync(access.As(ActorRole.Office), code, judge, reason, cancel);
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"/arena/s/{Uri.EscapeDataString(code)}/judges?p={p}&done=voided"));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            Refusal = WorkflowMessages.Text(HttpContext, e);
            db.ChangeTracker.Clear();
            IActionResult page = await OnGetAsync(code, p, cancel);
            Response.StatusCode = e is NotFoundException ? StatusCodes.Status404NotFound
                : e is WorkflowException { Code: WorkflowCodes.ArenaVoidReason } ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
            return page;
        }
    }
}
