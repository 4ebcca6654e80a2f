using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Scoring;
using Saima.Web.Access;
using Saima.Web.Features.Admin;
using Saima.Web.Features.Entry;
using Saima.Web.Features.Home;
using Saima.Web.Features.Shared;
using Saima.Web.Identity;

namespace Saima.Web.Features.Adjustments;

/// <summary>A bonus or penalty item as the list shows it.</summary>
public sealed record AdjustmentRow(AdjustmentItem Item, string UnitCode, string UnitName, string NodeName, IReadOnlyList<EvidenceFile> Evidence);

/// <summary>A node of the scheme's current version that an item may be put on, with its name.</summary>
public sealed record AdjustmentNode(string Code, string Name, int Depth);

/// <summary>
/// Bonus and penalty items (/admin/adjustments, 加分扣分): the office proposes (with evidence files),
/// approves or rejects (another office user than the proposer) and withdraws its own proposals;
/// leaders read. Filters by scheme, period, unit and status, paged. Every rule is the store's
/// (<see cref="AdjustmentService"/>): the page translates the form and shows the refusals.
/// </summary>
/// <remarks>Outside Pages/Admin, whose pages are the office's alone, because leaders read it too.</remarks>
[Authorize(Roles = SaimaRoles.Office + "," + SaimaRoles.Leader)]
public sealed class IndexModel(SaimaDb db, SaimaAccess access, TimeProvider clock, EvidenceOptions evidence) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The most files one proposal takes.</summary>
    public const int MaxFiles = 5;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    /// <summary>A period code, "*" for items of every period, empty for all.</summary>
    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? UnitFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? StatusFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public string? NewUnit { get; set; }

    [BindProperty]
    public string? NewPeriod { get; set; }

    [BindProperty]
    public string? NewNode { get; set; }

    /// <summary>"bonus" (加分) or "penalty" (扣分): the sign of <see cref="Amount"/>.</summary>
    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    [BindProperty]
    public long ItemId { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<ReportingPeriod> Periods { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Units { get; private set; } = [];
    public IReadOnlyList<AdjustmentNode> Nodes { get; private set; } = [];
    public IReadOnlyList<AdjustmentRow> Rows { get; private set; } = [];
    public bool HasMore { get; private set; }
    public bool IsOffice { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The largest evidence file taken.</summary>
    public long MaxBytes => evidence.MaxBytes;

    /// <summary>The signed-in user's name: the page offers a proposer only withdrawal, and others only review, of an item.</summary>
    public string UserName => access.Name;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        await LoadAsync(cancel);
        return Page();
    }

    public async Task<IActionResult> OnPostProposeAsync(CancellationToken cancel)
    {
        if (!access.Holds(ActorRole.Office))
        {
            return Forbid();
        }

        return await ActAsync(async service =>
        {
            AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == SchemeCode, cancel)
                ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme '{SchemeCode}' does not exist", SchemeCode ?? string.Empty);
            string unitCode = NewUnit?.Trim() ?? string.Empty;
            long unitId = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel)
                ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unit '{unitCode}' does not exist", unitCode);
            double amount = double.TryParse(Amount, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) ? Math.Abs(a) : double.NaN;
            double points = Kind == "penalty" ? -amount : amount;
            var streams = new List<Stream>();
            try
            {
                var uploads = new List<EvidenceUpload>();
                foreach (IFormFile f in Files.Where(f => f.Length > 0).Take(MaxFiles))
                {
                    Stream s = f.OpenReadStream();
                    streams.Add(s);
                    uploads.Add(new EvidenceUpload(f.FileName, s));
                }

                await service.ProposeAsync(access.As(ActorRole.Office), new AdjustmentProposal(scheme.Id, unitId, points, Reason ?? string.Empty, NewPeriod, NewNode), uploads, cancel);
            }
            finally
            {
                foreach (Stream s in streams)
                {
                    await s.DisposeAsync();
                }
            }

            return "proposed";
        }, cancel);
    }

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancel) =>
        OfficeActAsync(async s => { await s.ApproveAsync(access.As(ActorRole.Office), ItemId, Comment, cancel); return "approved"; }, cancel);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken cancel) =>
        OfficeActAsync(async s => { await s.RejectAsync(access.As(ActorRole.Office), ItemId, Comment ?? string.Empty, cancel); return "rejected"; }, cancel);

    public Task<IActionResult> OnPostWithdrawAsync(CancellationToken cancel) =>
        OfficeActAsync(async s => { await s.WithdrawAsync(access.As(ActorRole.Office), ItemId, cancel); return "withdrawn"; }, cancel);

    /// <summary>The query string of this view with other values.</summary>
    public string Link(int? page = null, string? status = null, string? done = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("scheme", Scheme?.Code ?? SchemeCode);
        Add("period", PeriodFilter);
        Add("unit", UnitFilter);
        Add("status", status ?? StatusFilter);
        Add("done", done);
        if (page is int p && p > 1)
        {
            parts.Add("p=" + p.ToString(CultureInfo.InvariantCulture));
        }

        return "/admin/adjustments" + (parts.Count > 0 ? "?" + string.Join("&", parts) : string.Empty);
    }

    private async Task<IActionResult> OfficeActAsync(Func<AdjustmentService, Task<string>> act, CancellationToken cancel) =>
        access.Holds(ActorRole.Office) ? await ActAsync(act, cancel) : Forbid();

    /// <summary>Runs a use case; on success back to the list (filters kept), on a refusal the page with the refusal said in the user's language.</summary>
    private async Task<IActionResult> ActAsync(Func<AdjustmentService, Task<string>> act, CancellationToken cancel)
    {
        try
        {
            string done = await act(new AdjustmentService(db, clock, new EvidenceStore(db, clock, evidence)));
            await LoadAsync(cancel);
            return Redirect(Link(done: done));
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            db.ChangeTracker.Clear();
            Error = WorkflowMessages.Text(HttpContext, e);
        }

        await LoadAsync(cancel);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        IsOffice = access.Holds(ActorRole.Office);
        PageNumber = Math.Max(1, PageNumber);
        bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        Schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).Take(200).ToListAsync(cancel);
        Scheme = Schemes.FirstOrDefault(s => s.Code == SchemeCode) ?? Schemes.FirstOrDefault();
        if (Scheme is null)
        {
            return;
        }

        long schemeId = Scheme.Id;
        Periods = await db.Periods.AsNoTracking().Where(p => p.SchemeId == schemeId).OrderByDescending(p => p.Code).Take(120).ToListAsync(cancel);
        Units = (await (from su in db.SchemeUnits.AsNoTracking()
                        join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                        where su.SchemeId == schemeId
                        orderby u.Code
                        select new { u.Code, u.Name, u.NameEn }).ToListAsync(cancel))
            .Select(u => (u.Code, Published.Name(u.Name, u.NameEn, english))).ToList();
        Nodes = await NodesAsync(schemeId, english, cancel);
        var nodeName = Nodes.ToDictionary(n => n.Code, n => n.Name, StringComparer.Ordinal);
        string total = Nodes.Count > 0 ? Nodes[0].Name : "Total";

        IQueryable<AdjustmentItem> q = db.Adjustments.AsNoTracking().Where(a => a.SchemeId == schemeId);
        if (PeriodFilter == "*")
        {
            q = q.Where(a => a.Period == null);
        }
        else if (!string.IsNullOrWhiteSpace(PeriodFilter))
        {
            string period = PeriodFilter.Trim();
            q = q.Where(a => a.Period == period || a.Period == null);
        }

        if (!string.IsNullOrWhiteSpace(UnitFilter))
        {
            string code = UnitFilter.Trim();
            q = q.Where(a => db.Units.Any(u => u.Id == a.UnitId && u.Code == code));
        }

        if (Enum.TryParse(StatusFilter, ignoreCase: true, out AdjustmentStatus status) && Enum.IsDefined(status))
        {
            q = q.Where(a => a.Status == status);
        }

        var items = await q.OrderByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(cancel);
        HasMore = items.Count > PageSize;
        items = items.Take(PageSize).ToList();
        long[] unitIds = [.. items.Select(a => a.UnitId).Distinct()];
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancel);
        var files = (await new EvidenceStore(db, clock, evidence).ListAsync(EvidenceStore.AdjustmentEntity, items.Select(a => a.Id).ToList(), cancel))
            .ToLookup(f => f.EntityId);
        Rows = items.Select(a => new AdjustmentRow(
            a,
            units[a.UnitId].Code,
            Published.Name(units[a.UnitId].Name, units[a.UnitId].NameEn, english),
            a.Node is null ? total : nodeName.GetValueOrDefault(a.Node, a.Node),
            files[a.Id].ToList())).ToList();
    }

    /// <summary>The total, then each group and indicator of the current version in scheme order (depth first), named as the scheme names them (indicators: the stored name, English in English when there is one).</summary>
    private async Task<IReadOnlyList<AdjustmentNode>> NodesAsync(long schemeId, bool english, CancellationToken cancel)
    {
        string? json = await db.SchemeVersions.AsNoTracking().Where(v => v.SchemeId == schemeId).OrderByDescending(v => v.Version)
            .Select(v => v.Json).FirstOrDefaultAsync(cancel);
        if (json is null)
        {
            return [];
        }

        Scheme parsed;
        try
        {
            parsed = SchemeParser.Parse(json);
        }
        catch (SchemeException)
        {
            return [];
        }

        var stored = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == schemeId).ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, cancel);
        int nInd = parsed.Indicators.Count;
        var children = new List<int>[parsed.Groups.Count];
        for (int g = 0; g < children.Length; g++)
        {
            children[g] = [];
        }

        for (int i = 0; i < nInd; i++)
        {
            if (parsed.NodeIndex(parsed.Indicators[i].Parent) is int p && p >= nInd)
            {
                children[p - nInd].Add(i);
            }
        }

        for (int g = 0; g < parsed.Groups.Count; g++)
        {
            if (parsed.Groups[g].Parent is { } parent && parsed.NodeIndex(parent) is int p && p >= nInd)
            {
                children[p - nInd].Add(nInd + g);
            }
        }

        var nodes = new List<AdjustmentNode>();
        void Walk(int node, int depth)
        {
            if (node < nInd)
            {
                IndicatorDef def = parsed.Indicators[node];
                stored.TryGetValue(def.Code, out Indicator? meta);
                string name = english && !string.IsNullOrWhiteSpace(meta?.NameEn) ? meta.NameEn : meta?.Name ?? def.Name ?? def.Code;
                nodes.Add(new AdjustmentNode(def.Code, name, depth));
                return;
            }

            GroupDef group = parsed.Groups[node - nInd];
            nodes.Add(new AdjustmentNode(group.Code, group.Name ?? group.Code, depth));
            foreach (int child in children[node - nInd].OrderBy(c => c >= nInd ? 1 : 0).ThenBy(c => c))
            {
                Walk(child, depth + 1);
            }
        }

        Walk(nInd + parsed.RootGroup, 0);
        return nodes;
    }
}
