using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace Saima.Web.Identity;

/// <summary>Identity's messages from the resources (zh-CN by default), for the ones a user meets.</summary>
internal sealed class LocalizedIdentityErrors(IStringLocalizer<Texts> t) : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => Error(nameof(DefaultError));

    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch));

    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), length);

    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit));

    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower));

    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper));

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), uniqueChars);

    private IdentityError Error(string code, params object[] args) =>
        new() { Code = code, Description = t["Identity_" + code, args] };
}
