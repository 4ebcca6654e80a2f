using Microsoft.Extensions.Localization;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Reports;

/// <summary>
/// The texts of the documents' pages (/reports: 通报, 点对点反馈, 年度结果 and their archive):
/// Resources/Features/Reports/ReportTexts.resx (Simplified Chinese, neutral) and ReportTexts.en.resx,
/// as <c>IStringLocalizer&lt;ReportTexts&gt;</c>.
/// </summary>
public sealed class ReportTexts
{
    private ReportTexts()
    {
    }

    /// <summary>The signed-in user as a reader of documents: the office, a leader, else a unit's user.</summary>
    public static Actor Reader(SaimaAccess access) =>
        access.AsFirstOf(ActorRole.Office, ActorRole.Leader, ActorRole.Reviewer, ActorRole.Reporter, ActorRole.DepartmentReporter);

    public static string Kind(IStringLocalizer<ReportTexts> t, string kind) => t["Kind_" + kind].Value;

    /// <summary>"The PDF printer failed" in the user's language (the tool's own message goes to the log).</summary>
    public static string ToolFailed(HttpContext http) =>
        http.RequestServices.GetRequiredService<IStringLocalizer<ReportTexts>>()["ToolFailed"].Value;

    /// <summary>A size in KB or MB.</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / 1024d / 1024d).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + " KB";

    public static IReadOnlyList<string> Kinds => DocumentKinds.All;
}
