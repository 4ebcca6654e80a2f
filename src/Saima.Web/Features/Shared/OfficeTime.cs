using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Shared;

/// <summary>
/// Times in the office's time zone (<see cref="OfficeSettings"/>, Asia/Shanghai unless the office
/// set another): the store keeps UTC; pages show local times and take a local date and time typed
/// in a form. One per request; the zone is read once, when first needed.
/// </summary>
public sealed class OfficeTime(SaimaDb db, TimeProvider clock)
{
    /// <summary>What a date-time input sends and shows (<c>input type="datetime-local"</c>).</summary>
    public const string InputFormat = "yyyy-MM-dd'T'HH:mm";

    private static readonly string[] Accepted = [InputFormat, "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss"];

    private TimeZoneInfo? _zone;

    /// <summary>The office's zone.</summary>
    public TimeZoneInfo Zone => _zone ??= OfficeSettings.Find(
        db.Settings.AsNoTracking().Where(s => s.Key == OfficeSettings.TimeZoneKey).Select(s => s.Value).SingleOrDefault())
        ?? OfficeSettings.Find(OfficeSettings.DefaultTimeZone)
        ?? TimeZoneInfo.Utc;

    /// <summary>The zone's offset from UTC now, e.g. <c>UTC+08:00</c>.</summary>
    public string Offset
    {
        get
        {
            TimeSpan o = Zone.GetUtcOffset(clock.GetUtcNow());
            return "UTC" + (o < TimeSpan.Zero ? "-" : "+") + o.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The zone as a page labels a time with it: its IANA id and offset, e.g. <c>Asia/Shanghai UTC+08:00</c>.</summary>
    public string Label => Zone.Id + " " + Offset;

    /// <summary>The moment in the office's zone.</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>The moment as the office reads it, <c>2025-07-10 18:00</c> (with seconds when asked); empty for none.</summary>
    public string Text(DateTimeOffset? at, bool seconds = false) =>
        at is { } t ? Local(t).ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The moment as a date-time input's value in the office's zone; empty for none.</summary>
    public string Input(DateTimeOffset? at) => at is { } t ? Local(t).ToString(InputFormat, CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The office's date today.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Local(clock.GetUtcNow()).DateTime);

    /// <summary>
    /// A local date and time typed in a form (<c>2025-07-10T18:00</c> or <c>2025-07-10 18:00</c>) as
    /// the moment in UTC; false for anything else. A time skipped by a clock change counts as the
    /// moment after the change; an ambiguous one as its first occurrence.
    /// </summary>
    public bool TryParse(string? text, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text)
            || !DateTime.TryParseExact(text.Trim(), Accepted, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
        {
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        TimeSpan offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        utc = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }
}
