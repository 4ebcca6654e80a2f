using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Web.Identity;

namespace Saima.Web.Features.Account;

/// <summary>
/// Login with user name and password; failed attempts count towards the lockout. An unknown
/// name, a wrong password and a locked account get the same answer, in about the same time (a
/// password hash is checked in each case), so that the page tells no one which names exist or
/// are locked. Attempts are throttled per client address too (<see cref="Security.LoginThrottle"/>).
/// </summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<SaimaUser> signIn, IPasswordHasher<SaimaUser> hasher, IStringLocalizer<Texts> t) : PageModel
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

    private static readonly SaimaUser DummyUser = new() { UserName = "-" };

    /// <summary>A hash of a random password, made once with the application's hasher (its cost and format).</summary>
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<SaimaUser>().HashPassword(DummyUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        SaimaUser? known = await signIn.UserManager.FindByNameAsync(UserName.Trim());
        Microsoft.AspNetCore.Identity.SignInResult result = known is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(known, Password, isPersistent: false, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            // Identity checks no password for an unknown or a locked name: check one anyway, so
            // that the answer takes as long as for a wrong password.
            if (known is null || result.IsLockedOut || result.IsNotAllowed)
            {
                hasher.VerifyHashedPassword(DummyUser, DummyHash.Value, Password);
            }

            // One message for an unknown user, a wrong password and a locked account: no hint which it was.
            Message = t["Login_Failed"];
            return Page();
        }

        if (known is { MustChangePassword: true })
        {
            return RedirectToPage("/Account/Password");
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
