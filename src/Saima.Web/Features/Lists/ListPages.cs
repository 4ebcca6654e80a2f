using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Data.Store;
using Microsoft.Extensions.Localization;
using Saima.Web.Access;

namespace Saima.Web.Features.Lists;

/// <summary>What the list pages share: who acts, and how a refusal of the store becomes an answer.</summary>
internal static class ListPages
{
    /// <summary>The signed-in user as the lists know them: the office, else a unit's reviewer or reporter, a department, a leader.</summary>
    public static Actor Actor(SaimaAccess access) =>
        access.AsFirstOf(ActorRole.Office, ActorRole.Reviewer, ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Leader);

    /// <summary>
    /// Runs a use case of the door: on success a redirect to <paramref name="success"/>; refused by
    /// role or unit: 403; no such item (or not the user's): 404; any other refusal: null, with
    /// the refusal said in the user's language in <paramref name="error"/>.
    /// </summary>
    public static async Task<(IActionResult? Result, string? Error)> RunAsync(PageModel page, Func<Task<string>> act)
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
        catch (ListInvalidException e)
        {
            // The fields by their labels; the store's English detail only in English.
            IStringLocalizer<ListTexts> t = page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ListTexts>>();
            bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
            string fields = string.Join(english ? "; " : "；", e.Errors.Select(x =>
            {
                string name = x.Field.Split('[', '.')[0];
                LocalizedString label = t["Field_" + name];
                return (label.ResourceNotFound ? name : label.Value) + (english ? ": " + x.Message : string.Empty);
            }));
            return (null, WorkflowMessages.Text(page.HttpContext, e) + " " + fields);
        }
        catch (ListImportException e)
        {
            bool english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
            IStringLocalizer<ListTexts> t = page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ListTexts>>();
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
