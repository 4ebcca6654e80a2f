using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Admin;

/// <summary>The audit trail (/admin/audit), newest first, filtered by user, action, entity, key and dates, paged.</summary>
[Authorize(Policy = AccessPolicies.Office)]
public sealed class AuditModel(SaimaDb db, OfficeTime time) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Entities and actions the stores and pages write, offered as suggestions (the filters take any text).</summary>
    public static readonly string[] KnownEntities = ["figure", "period", "scheme", "scheme_unit", "indicator", "target", "unit", "adjustment", "result_set", "user", "geo_map", "setting"];

    public static readonly string[] KnownActions = ["create", "update", "submit", "approve", "return", "publish", "correct", "import", "compute", "lock", "unlock", "reset_password", "close", "reopen"];

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Entity { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Key { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Keyset paging: the entries older than this id (the last row of the page before).</summary>
    [BindProperty(SupportsGet = true, Name = "before")]
    public long? Before { get; set; }

    /// <summary>Keyset paging: the entries newer than this id (the first row of the page after), the page just above it.</summary>
    [BindProperty(SupportsGet = true, Name = "after")]
    public long? After { get; set; }

    public IReadOnlyList<AuditEntry> Rows { get; private set; } = [];
    public bool HasMore { get; private set; }

    /// <summary>Newer entries exist above this page.</summary>
    public bool HasNewer { get; private set; }
    public bool BadDate { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel)
    {
        PageNumber = Math.Max(1, PageNumber);
        IQueryable<AuditEntry> q = db.Audit.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(UserFilter))
        {
            string u = UserFilter.Trim();
            q = q.Where(a => a.User == u);
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            string act = Action.Trim();
            q = q.Where(a => a.Action == act);
        }

        if (!string.IsNullOrWhiteSpace(Entity))
        {
            string e = Entity.Trim();
            q = q.Where(a => a.Entity == e);
        }

        if (!string.IsNullOrWhiteSpace(Key))
        {
            string k = Key.Trim();
            q = q.Where(a => a.EntityKey.StartsWith(k));
        }

        if (Date(From) is { } from)
        {
            q = q.Where(a => a.At >= from);
        }

        if (Date(To) is { } to)
        {
            DateTimeOffset end = to.AddDays(1);
            q = q.Where(a => a.At < end);
        }

        // Keyset paging on the id (the trail's order): a page costs the same at the millionth
        // entry as at the first. A bare page number (an old link) still reads by offset.
        if (After is long after)
        {
            var newer = await q.Where(a => a.Id > after).OrderBy(a => a.Id).Take(PageSize + 1).ToListAsync(cancel);
            HasNewer = newer.Count > PageSize;
            Rows = newer.Take(PageSize).Reverse().ToList();
            HasMore = true;
            return;
        }

        List<AuditEntry> rows = Before is long before
            ? await q.Where(a => a.Id < before).OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(cancel)
            : await q.OrderByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(cancel);
        HasMore = rows.Count > PageSize;
        HasNewer = Before is not null || PageNumber > 1;
        Rows = rows.Take(PageSize).ToList();
    }

    /// <summary>The link to the page of older entries (below the last row shown).</summary>
    public string OlderLink() => PageLink(PageNumber + 1, "before", Rows[^1].Id);

    /// <summary>The link to the page of newer entries (above the first row shown).</summary>
    public string NewerLink() => PageLink(Math.Max(1, PageNumber - 1), "after", Rows[0].Id);

    /// <summary>The query string of this filter on another page, found by its neighbour's id.</summary>
    public string PageLink(int page, string edge, long id)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("user", UserFilter);
        Add("action", Action);
        Add("entity", Entity);
        Add("key", Key);
        Add("from", From);
        Add("to", To);
        parts.Add(edge + "=" + id.ToString(CultureInfo.InvariantCulture));
        parts.Add("p=" + page.ToString(CultureInfo.InvariantCulture));
        return "/admin/audit?" + string.Join("&", parts);
    }

    private DateTimeOffset? Date(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // A day of the office's time zone: from its local midnight.
        if (DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime d)
            && time.TryParse(d.ToString("yyyy-MM-dd 00:00", CultureInfo.InvariantCulture), out DateTimeOffset start))
        {
            return start;
        }

        BadDate = true;
        return null;
    }
}
