using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A unit as the units list shows it.</summary>
public sealed record UnitRow(string Code, string Name, string? NameEn, UnitKind Kind, string? ParentCode, string? ParentName);

/// <summary>A page of units and how many match in all.</summary>
public sealed record UnitPage(IReadOnlyList<UnitRow> Rows, int Total, int Page, int PageSize);

/// <summary>
/// The office's units (regions, departments…) from the browser: a paged list and adding a unit
/// with code, names, kind and parent. Audited.
/// </summary>
public sealed class UnitAdmin(SaimaDb db, TimeProvider clock)
{
    public const int PageSize = 50;

    /// <summary>Units by code, filtered by kind, parent code and text in code or name; one page of <see cref="PageSize"/>.</summary>
    public async Task<UnitPage> ListAsync(UnitKind? kind, string? parentCode, string? text, int page, CancellationToken cancel = default)
    {
        IQueryable<Unit> q = db.Units.AsNoTracking();
        if (kind is { } k)
        {
            q = q.Where(u => u.Kind == k);
        }

        if (!string.IsNullOrWhiteSpace(parentCode))
        {
            string p = parentCode.Trim();
            q = q.Where(u => u.Parent != null && u.Parent.Code == p);
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            string t = text.Trim();
            q = q.Where(u => u.Code.Contains(t) || u.Name.Contains(t) || (u.NameEn != null && u.NameEn.Contains(t)));
        }

        int total = await q.CountAsync(cancel);
        int last = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, last);
        var rows = await q.OrderBy(u => u.Code).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(u => new UnitRow(u.Code, u.Name, u.NameEn, u.Kind, u.Parent != null ? u.Parent.Code : null, u.Parent != null ? u.Parent.Name : null))
            .ToListAsync(cancel);
        return new UnitPage(rows, total, page, PageSize);
    }

    /// <summary>Adds a unit under an existing parent, or at the top; the code must be new. Audited.</summary>
    public async Task<Unit> AddAsync(Actor actor, string? code, string? name, string? nameEn, UnitKind kind, string? parentCode, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("add units");
        code = code?.Trim() ?? string.Empty;
        name = name?.Trim() ?? string.Empty;
        if (code.Length == 0 || code.Length > 50 || code.Any(c => char.IsWhiteSpace(c) || c is '/' or '|' or '?' or '#' or '%' or '&'))
        {
            throw new WorkflowException(WorkflowCodes.Required, $"unit code '{code}': expected 1 to 50 characters without spaces or / | ? # % &", "code");
        }

        if (name.Length == 0)
        {
            throw new WorkflowException(WorkflowCodes.Required, $"unit '{code}' needs a name", "name");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new WorkflowException(WorkflowCodes.Required, $"unit '{code}' needs a kind", "kind");
        }

        if (await db.Units.AnyAsync(u => u.Code == code, cancel))
        {
            throw new WorkflowException(WorkflowCodes.UnitCodeTaken, $"unit '{code}' exists already; expected a new code", code);
        }

        long? parentId = null;
        if (!string.IsNullOrWhiteSpace(parentCode))
        {
            string p = parentCode.Trim();
            parentId = await db.Units.Where(u => u.Code == p).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel)
                ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"parent unit '{p}' of '{code}' does not exist", p);
        }

        var unit = new Unit { Code = code, Name = name, NameEn = string.IsNullOrWhiteSpace(nameEn) ? null : nameEn.Trim(), Kind = kind, ParentId = parentId };
        db.Units.Add(unit);
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "create", AuditLog.UnitEntity, code, "name", null, name,
            $"kind {kind.ToString().ToLowerInvariant()}" + (parentCode is null ? string.Empty : $", under {parentCode.Trim()}")));
        await db.SaveChangesAsync(cancel);
        return unit;
    }
}
