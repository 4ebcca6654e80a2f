using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Saima.Web.Features.Errors;

/// <summary>
/// The error page in the layout, for any method the failed request used: what happened in the
/// user's language and the request id to quote to the administrator; never a stack trace.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    [BindProperty(SupportsGet = true, Name = "code")]
    public int? Code { get; set; }

    public int Status { get; private set; }

    public string RequestId { get; private set; } = "";

    /// <summary>The resource key of the kind of error: 403, 404, 500, or any other.</summary>
    public string Kind => Status is 403 or 404 or 500 ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Other";

    public void OnGet() => Prepare();

    public void OnPost() => Prepare();

    private void Prepare()
    {
        bool handled = HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        Status = handled ? StatusCodes.Status500InternalServerError
            : Code is >= 400 and <= 599 ? Code.Value
            : HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null ? Response.StatusCode
            : StatusCodes.Status404NotFound;
        Response.StatusCode = Status;
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
    }
}
