using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;

namespace Saima.Web.Features.Projects;

/// <summary>
/// The texts of the major projects' pages (/projects, /projects/{id}, /lists/outcomes):
/// Resources/Features/Projects/ProjectTexts.resx (Simplified Chinese, neutral) and
/// ProjectTexts.en.resx, as <c>IStringLocalizer&lt;ProjectTexts&gt;</c>; with the words of stages,
/// states and outcomes, and how a refusal of the door becomes an answer.
/// </summary>
public sealed class ProjectTexts
{
    private ProjectTexts()
    {
    }

    public static string State(IStringLocalizer<ProjectTexts> t, ProjectState state) => t["State_" + state].Value;

    public static string Stage(IStringLocalizer<ProjectTexts> t, ProjectStage? stage) => t["Stage_" + (stage?.ToString() ?? "None")].Value;

    public static string Outcome(IStringLocalizer<ProjectTexts> t, ListOutcome outcome) => t["Outcome_" + outcome].Value;

    /// <summary>An amount in 万元 as the pages show it (or a dash).</summary>
    public static string Amount(double? value) => value is double v ? v.ToString(ShownNumbers.Decimals, CultureInfo.InvariantCulture) : "—";

    /// <summary>A rate as a percentage with one decimal, or a dash.</summary>
    public static string Rate(double? rate) => rate is double r ? (100 * r).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>The signed-in user as the projects know them: the office, else a unit's reviewer or reporter, a department, a leader.</summary>
    internal static Actor Actor(SaimaAccess access) =>
        access.AsFirstOf(ActorRole.Office, ActorRole.Reviewer, ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Leader);

    /// <summary>A number typed in a form, or null.</summary>
    internal static double? ParseNumber(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;

    /// <summary>
    /// Runs a use case of the door: on success a redirect to what it returns; refused by role or
    /// unit: 403; no such project (or not the user's): 404; any other refusal: the refusal said in
    /// the user's language, with the fields or rows at fault.
    /// </summary>
    internal static async Task<(IActionResult? Result, string? Error)> RunAsync(PageModel page, Func<Task<string>> act)
    {
        try
        {
            return (new RedirectResult(await act()), null);
        }
        catch (AccessDeniedException)
        {
            return (new ForbidResult(), null);
        }
        catch (NotFoundException)
        {
            return (new NotFoundResult(), null);
        }
        catch (ProjectInvalidException e)
        {
            IStringLocalizer<ProjectTexts> t = page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ProjectTexts>>();
            bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
            string fields = string.Join(english ? "; " : "；", e.Errors.Select(x =>
            {
                LocalizedString label = t["Field_" + x.Field];
                return (label.ResourceNotFound ? x.Field : label.Value) + (english ? ": " + x.Message : string.Empty);
            }));
            return (null, WorkflowMessages.Text(page.HttpContext, e) + " " + fields);
        }
        catch (ProjectImportException e)
        {
            IStringLocalizer<ProjectTexts> t = page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ProjectTexts>>();
            bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
            string rows = string.Join(english ? "; " : "；", e.Errors.Take(20).Select(x =>
                t["ImportError", x.Row.ToString(CultureInfo.InvariantCulture), x.Column, english ? x.ReasonEn : x.ReasonZh].Value));
            return (null, WorkflowMessages.Text(page.HttpContext, e) + " " + rows);
        }
        catch (Exception e) when (e is IStoreRefusal)
        {
            return (null, WorkflowMessages.Text(page.HttpContext, e));
        }
    }
}
