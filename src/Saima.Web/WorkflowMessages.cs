using Microsoft.Extensions.Localization;
using Saima.Data.Store;
using Saima.Web.Features.Home;

namespace Saima.Web;

/// <summary>
/// The store's refusals (<see cref="WorkflowException"/>, <see cref="AccessDeniedException"/>,
/// <see cref="NotFoundException"/>) in the user's language: each carries a stable code and its
/// arguments (<see cref="IStoreRefusal"/>), said through <c>Workflow_{code}</c> of
/// Resources/HomeTexts*.resx; status words among the arguments are said too. A refusal without a
/// code, or with one the resources lack, shows the store's English message.
/// </summary>
public static class WorkflowMessages
{
    public static string Text(HttpContext http, Exception error)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Text(http.RequestServices.GetRequiredService<IStringLocalizer<HomeTexts>>(), error);
    }

    public static string Text(IStringLocalizer<HomeTexts> texts, Exception error)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(error);
        if (error is not IStoreRefusal refusal || refusal.Code == WorkflowCodes.Other)
        {
            return error.Message;
        }

        string key = "Workflow_" + refusal.Code;
        if (texts[key].ResourceNotFound)
        {
            return error.Message;
        }

        object[] args = refusal.Args.Select(a => (object)Word(texts, a)).ToArray();
        return texts[key, args].Value;
    }

    /// <summary>A figure status as the store writes it (draft, submitted…) in the user's language; any other argument as it is.</summary>
    private static string Word(IStringLocalizer<HomeTexts> texts, string arg) =>
        arg is "draft" or "submitted" or "approved" or "published" or "returned" ? texts["FigureStatus_" + arg].Value : arg;
}
