using System.Globalization;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Adjustments;

/// <summary>
/// The texts of bonus and penalty items (加分扣分) and their evidence files: the list at
/// /admin/adjustments and the unit page's part: Resources/AdjustTexts.resx (Simplified Chinese,
/// neutral) and Resources/AdjustTexts.en.resx, as <c>IStringLocalizer&lt;AdjustTexts&gt;</c>.
/// </summary>
public sealed class AdjustTexts
{
    private AdjustTexts()
    {
    }

    /// <summary>The office's time zone (China Standard Time, which has no daylight saving).</summary>
    private static readonly TimeZoneInfo OfficeZone = FindZone();

    /// <summary>A stored time as the office reads it: in the office's zone, to the minute.</summary>
    public static string OfficeTime(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, OfficeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>Points as signed text: +2, -1.5.</summary>
    public static string Points(double points) => points.ToString("+0.##;-0.##", CultureInfo.InvariantCulture);

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}
