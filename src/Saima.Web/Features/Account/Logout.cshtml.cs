using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Saima.Web.Identity;

namespace Saima.Web.Features.Account;

/// <summary>Logout is a form post (anti-forgery), never a link.</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<SaimaUser> signIn) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/login");
    }
}
