using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Lists;

/// <summary>
/// The lists (<c>/lists</c>). The office and leaders: the board (per unit and kind: open,
/// overdue, closed, the resolution rate; a page of units at a time) and every item, filtered and
/// searched, a page at a time; the office imports a list from Excel, exports the filtered list
/// and assigns the items of a page in bulk. A unit's users: their own and co-owned items, with
/// "due this week" and "returned" at hand. What anyone sees is the door's (<see cref="ListService.Visible"/>).
/// </summary>
[Authorize]
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Units of the board per page.</summary>
    public const int BoardUnits = 20;

    /// <summary>Most rows of an export.</summary>
    public const int MaxExport = 50_000;

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    /// <summary>"overdue", "week" (due within seven days), "returned" or "escalated" (made by an escalation rule, not closed out); empty: all.</summary>
    [BindProperty(SupportsGet = true, Name = "view")]
    public string? ViewName { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "bp")]
    public int BoardPage { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "n")]
    public int Count { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public List<long> Ids { get; set; } = [];

    [BindProperty]
    public string? AssignUnit { get; set; }

    [BindProperty]
    public string? AssignResponsible { get; set; }

    [BindProperty]
    public string? AssignDeadline { get; set; }

    public ListPage Items { get; private set; } = new([], 0, 1, PageSize);

    /// <summary>The board's rows of this page of units, by unit.</summary>
    public IReadOnlyList<IGrouping<(string Code, string Name), ListBoardRow>> Board { get; private set; } = [];

    public int BoardPages { get; private set; } = 1;

    /// <summary>The resolution rate over every unit and kind.</summary>
    public ListBoardRow? Totals { get; private set; }

    /// <summary>The open items' ageing per kind (what the user sees).</summary>
    public IReadOnlyList<ListAgeingRow> Ageing { get; private set; } = [];

    /// <summary>The deadline timeline: the overdue items, then this week and the next seven.</summary>
    public IReadOnlyList<ListDeadlineWeek> Timeline { get; private set; } = [];

    public bool IsOffice { get; private set; }

    public bool SeesAll { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        await LoadAsync(cancel);
        return Page();
    }

    /// <summary>The filtered list as .xlsx, in the import's columns.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancel)
    {
        ListService service = new(db, clock);
        IReadOnlyList<ListRow> rows = await service.AllAsync(ListPages.Actor(access), await FilterAsync(service, cancel), MaxExport, cancel);
        var output = new MemoryStream();
        ListExcel.Export(rows, output);
        output.Position = 0;
        return File(output, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "lists.xlsx");
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ListPages.RunAsync(this, async () =>
        {
            if (Upload is null || Upload.Length == 0)
            {
                throw new ListImportException(string.Empty, [new Saima.Data.Intake.ImportError(string.Empty, 0, string.Empty, "没有上传文件", "no file was uploaded")]);
            }

            await using Stream s = Upload.OpenReadStream();
            int n = await new ListExcel(db, clock).ImportAsync(ListPages.Actor(access), Upload.FileName, s, cancel);
            return "/lists?done=imported&n=" + n.ToString(CultureInfo.InvariantCulture);
        });
        return await AfterAsync(result, error, cancel);
    }

    public async Task<IActionResult> OnPostAssignAsync(CancellationToken cancel)
    {
        (IActionResult? result, string? error) = await ListPages.RunAsync(this, async () =>
        {
            int n = await new ListService(db, clock).AssignAsync(ListPages.Actor(access), Ids, AssignUnit, AssignResponsible, ListTexts.ParseDay(AssignDeadline), cancel);
            return "/lists?done=assigned&n=" + n.ToString(CultureInfo.InvariantCulture);
        });
        return await AfterAsync(result, error, cancel);
    }

    /// <summary>The query string of this view with another page, view or board page.</summary>
    public string Link(int? page = null, string? view = null, int? boardPage = null, string handler = "")
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("handler", handler);
        Add("kind", Kind);
        Add("state", State);
        Add("unit", Unit);
        Add("q", Search);
        Add("view", view ?? ViewName);
        if (page is > 1)
        {
            Add("p", page.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (boardPage is > 1)
        {
            Add("bp", boardPage.Value.ToString(CultureInfo.InvariantCulture));
        }

        return "/lists" + (parts.Count > 0 ? "?" + string.Join("&", parts) : string.Empty);
    }

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

    private async Task<ListFilter> FilterAsync(ListService service, CancellationToken cancel)
    {
        DateOnly today = await service.TodayAsync(cancel);
        ListState? state = Enum.TryParse(State, out ListState s) && Enum.IsDefined(s) ? s : null;
        return new ListFilter
        {
            Kind = Enum.TryParse(Kind, out ListKind k) && Enum.IsDefined(k) ? k : null,
            State = ViewName == "returned" ? ListState.Returned : state,
            Unit = Unit,
            Search = Search,
            OverdueOnly = ViewName == "overdue",
            EscalatedOnly = ViewName == "escalated",
            DueBy = ViewName == "week" ? today.AddDays(7) : null,
            Page = Math.Max(1, PageNumber),
            PageSize = PageSize,
        };
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        Actor actor = ListPages.Actor(access);
        IsOffice = actor.Role == ActorRole.Office;
        SeesAll = actor.Role is ActorRole.Office or ActorRole.Leader || actor.UnitId is null;
        var service = new ListService(db, clock);
        Items = await service.ListAsync(actor, await FilterAsync(service, cancel), cancel);
        Ageing = await service.AgeingAsync(actor, cancel);
        Timeline = await service.TimelineAsync(actor, 8, Enum.TryParse(Kind, out ListKind tk) && Enum.IsDefined(tk) ? tk : null, cancel);
        if (SeesAll)
        {
            IReadOnlyList<ListBoardRow> board = await service.BoardAsync(actor, cancel);
            var units = board.GroupBy(r => (r.UnitCode, r.UnitName)).ToList();
            BoardPages = Math.Max(1, (units.Count + BoardUnits - 1) / BoardUnits);
            BoardPage = Math.Clamp(BoardPage, 1, BoardPages);
            Board = units.Skip((BoardPage - 1) * BoardUnits).Take(BoardUnits).ToList();
            Totals = new ListBoardRow(string.Empty, string.Empty, ListKind.Shortcoming,
                board.Sum(r => r.Open), board.Sum(r => r.Overdue), board.Sum(r => r.Closed), board.Sum(r => r.Due), board.Sum(r => r.ClosedOnTime));
        }
    }
}
