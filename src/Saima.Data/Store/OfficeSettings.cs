using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>
/// The office's settings, one value per key in <c>settings</c>. Today: the office's time zone (an
/// IANA id, Asia/Shanghai unless the office set another), in which deadlines are typed and every
/// time is shown. Setting one is the office's, audited (old and new value).
/// </summary>
public sealed class OfficeSettings(SaimaDb db, TimeProvider clock)
{
    /// <summary>The key of the office's time zone.</summary>
    public const string TimeZoneKey = "time_zone";

    /// <summary>The zone when the office set none: the assessments this is made for run on Beijing time.</summary>
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>The key of the list kinds whose counts and rates the public page shows (comma-separated kind names; none by default).</summary>
    public const string PublicListKindsKey = "lists_public_kinds";

    /// <summary>The audit entity of a setting (key: the setting's key).</summary>
    public const string SettingEntity = "setting";

    /// <summary>The office's time zone id (IANA), or <see cref="DefaultTimeZone"/> when none is set.</summary>
    public async Task<string> TimeZoneIdAsync(CancellationToken cancel = default) =>
        await db.Settings.AsNoTracking().Where(s => s.Key == TimeZoneKey).Select(s => s.Value).SingleOrDefaultAsync(cancel)
        ?? DefaultTimeZone;

    /// <summary>The zone of an IANA id this machine knows; null for anything else (a Windows id, a typo, an empty text).</summary>
    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim());

            // Windows ids resolve on Linux too; the setting is stored as the IANA id users recognise.
            return zone.HasIanaId ? zone : null;
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sets the office's time zone (office only): an IANA id this machine knows, e.g.
    /// <c>Asia/Shanghai</c> or <c>Asia/Urumqi</c>; audited with the old and the new id. Setting the
    /// zone already set changes nothing and writes nothing.
    /// </summary>
    /// <returns>The id stored.</returns>
    public async Task<string> SetTimeZoneAsync(Actor actor, string id, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("set the office's time zone");
        TimeZoneInfo zone = Find(id)
            ?? throw new WorkflowException(WorkflowCodes.TimeZoneUnknown, $"time zone '{id}' is not known; expected an IANA id like {DefaultTimeZone}", id ?? string.Empty);
        Setting? row = await db.Settings.SingleOrDefaultAsync(s => s.Key == TimeZoneKey, cancel);
        string old = row?.Value ?? DefaultTimeZone;
        if (row is not null && row.Value == zone.Id)
        {
            return zone.Id;
        }

        if (row is null)
        {
            db.Settings.Add(new Setting { Key = TimeZoneKey, Value = zone.Id });
        }
        else
        {
            row.Value = zone.Id;
        }

        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "update", SettingEntity, TimeZoneKey, "value", old, zone.Id, reason));
        await db.SaveChangesAsync(cancel);
        return zone.Id;
    }

    /// <summary>The list kinds whose counts and rates the public page shows (none unless the office chose some).</summary>
    public async Task<IReadOnlyList<ListKind>> PublicListKindsAsync(CancellationToken cancel = default)
    {
        string? value = await db.Settings.AsNoTracking().Where(s => s.Key == PublicListKindsKey).Select(s => s.Value).SingleOrDefaultAsync(cancel);
        return ParseKinds(value);
    }

    /// <summary>
    /// Sets which list kinds the public page shows as counts and rates (office only; typically the
    /// enterprise-service problems, 企业诉求); audited with the old and the new choice. The same
    /// choice again writes nothing.
    /// </summary>
    public async Task<IReadOnlyList<ListKind>> SetPublicListKindsAsync(Actor actor, IReadOnlyCollection<ListKind> kinds, string? reason = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(kinds);
        actor.RequireOffice("choose the list kinds shown to the public");
        if (kinds.Any(k => !Enum.IsDefined(k)))
        {
            throw new WorkflowException(WorkflowCodes.ListInvalid, "a list kind is not known", "kinds");
        }

        string value = string.Join(",", kinds.Distinct().Order().Select(k => k.ToString()));
        Setting? row = await db.Settings.SingleOrDefaultAsync(s => s.Key == PublicListKindsKey, cancel);
        string old = row?.Value ?? string.Empty;
        if (old == value)
        {
            return ParseKinds(value);
        }

        if (row is null)
        {
            db.Settings.Add(new Setting { Key = PublicListKindsKey, Value = value });
        }
        else
        {
            row.Value = value;
        }

        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "update", SettingEntity, PublicListKindsKey, "value", old, value, reason));
        await db.SaveChangesAsync(cancel);
        return ParseKinds(value);
    }

    private static ListKind[] ParseKinds(string? value) =>
        [.. (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => Enum.TryParse(k, out ListKind kind) && Enum.IsDefined(kind) ? kind : (ListKind?)null)
            .Where(k => k is not null).Select(k => k!.Value).Distinct().Order()];
}
