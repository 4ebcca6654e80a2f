using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Web.Identity;

namespace Saima.Web.Features.Account;

/// <summary>
/// Change one's password; with a one-time password nothing else is allowed until this is done.
/// A wrong current password counts toward the lockout as a failed login does (a stolen session
/// cannot guess the password here without limit); the user's API tokens stay (they are listed and
/// revoked on /account/tokens; an office reset revokes them).
/// </summary>
public sealed class PasswordModel(UserManager<SaimaUser> users, SignInManager<SaimaUser> signIn, IStringLocalizer<Texts> t) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Validation_Required")]
    [DataType(DataType.Password)]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Validation_Required")]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Validation_Required")]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";

    public bool Forced => User.HasClaim(c => c.Type == SaimaClaims.MustChangePassword);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (NewPassword != ConfirmPassword)
        {
            ModelState.AddModelError(nameof(ConfirmPassword), t["Password_NoMatch"]);
            return Page();
        }

        if (NewPassword == CurrentPassword)
        {
            ModelState.AddModelError(nameof(NewPassword), t["Password_SameAsOld"]);
            return Page();
        }

        SaimaUser? user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        // The current password is checked as at login: a wrong one counts toward the lockout, and a
        // locked account changes nothing here (it says no more than that the password is wrong).
        Microsoft.AspNetCore.Identity.SignInResult check = await signIn.CheckPasswordSignInAsync(user, CurrentPassword, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            ModelState.AddModelError(nameof(CurrentPassword), t["Password_CurrentWrong"]);
            return Page();
        }

        // Saved together with the new hash (ChangePasswordAsync updates the user), or not at all.
        user.MustChangePassword = false;
        IdentityResult result = await users.ChangePasswordAsync(user, CurrentPassword, NewPassword);
        if (!result.Succeeded)
        {
            foreach (IdentityError e in result.Errors)
            {
                ModelState.AddModelError("", e.Description);
            }

            return Page();
        }

        // A new cookie without the forced-change mark.
        await signIn.RefreshSignInAsync(user);
        return LocalRedirect("/");
    }
}
