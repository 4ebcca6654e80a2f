using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Web.Identity;

namespace Saima.Web.Features.Account;

/// <summary>Login with user name and password; failed attempts count towards the lockout.</summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<SaimaUser> signIn, IStringLocalizer<Texts> t) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Validation_Required")]
    public string UserName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Validation_Required")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        Microsoft.AspNetCore.Identity.SignInResult result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            Message = t["Login_LockedOut", (int)IdentityExtensions.LockoutTime.TotalMinutes];
            return Page();
        }

        if (!result.Succeeded)
        {
            // One message for an unknown user and a wrong password: no hint which it was.
            Message = t["Login_Failed"];
            return Page();
        }

        SaimaUser? user = await signIn.UserManager.FindByNameAsync(UserName.Trim());
        if (user is { MustChangePassword: true })
        {
            return RedirectToPage("/Account/Password");
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
