using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;

namespace Saima.Web.Access;

/// <summary>
/// The signed-in user as the store sees them: the <see cref="Actor"/> that every change goes
/// through <see cref="FigureWorkflow"/> with, and the <see cref="UnitScope"/> that every query of
/// unpublished figures is limited by (<see cref="ScopeQueries"/>). One per request; pages take it
/// instead of reading roles and claims themselves.
/// </summary>
/// <remarks>
/// A user with several roles acts in one of them at a time: the page asks for the role it works in
/// (<see cref="As"/>), or for the first of several (<see cref="AsFirstOf"/>); the page's policy
/// (<see cref="AccessPolicies"/>) has already made sure the user holds one of them.
/// </remarks>
public sealed class SaimaAccess(IHttpContextAccessor http, SaimaDb db)
{
    private readonly Dictionary<ActorRole, UnitScope> _scopes = [];

    private ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    /// <summary>The user name, written into the audit trail by the workflow.</summary>
    public string Name => User.Identity?.IsAuthenticated == true ? User.Identity.Name ?? string.Empty : string.Empty;

    /// <summary>The unit of the <c>saima:unit</c> claim, if any.</summary>
    public long? UnitId => long.TryParse(User.FindFirstValue(SaimaClaims.Unit), NumberStyles.None, CultureInfo.InvariantCulture, out long id) ? id : null;

    public bool Holds(ActorRole role) => User.IsInRole(RoleName(role));

    /// <summary>The first of these roles the user holds, or null.</summary>
    public ActorRole? FirstOf(params ActorRole[] roles) => roles.Cast<ActorRole?>().FirstOrDefault(r => Holds(r!.Value));

    /// <summary>The user acting in <paramref name="role"/>; refused when they do not hold it.</summary>
    public Actor As(ActorRole role)
    {
        if (!Holds(role))
        {
            throw new AccessDeniedException($"user '{Name}' does not hold the role {RoleName(role)}");
        }

        return new Actor(Name, role, role is ActorRole.Office or ActorRole.Leader ? null : UnitId);
    }

    /// <summary>The user acting in the first of <paramref name="roles"/> they hold.</summary>
    public Actor AsFirstOf(params ActorRole[] roles) =>
        FirstOf(roles) is { } role ? As(role) : throw new AccessDeniedException($"user '{Name}' holds none of the roles {string.Join(", ", roles.Select(RoleName))}");

    /// <summary>
    /// What the actor may see unpublished: the office everything; a reporter its unit; a reviewer
    /// its unit and the units below it (every unit when it has none, as the workflow has it); a
    /// department every unit, but only the indicators it supplies; a leader nothing.
    /// </summary>
    public UnitScope ScopeOf(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (_scopes.TryGetValue(actor.Role, out UnitScope? known))
        {
            return known;
        }

        UnitScope scope = actor.Role switch
        {
            ActorRole.Office => UnitScope.All,
            ActorRole.Reporter when actor.UnitId is long unit => UnitScope.Of([unit]),
            ActorRole.Reviewer when actor.UnitId is long unit => UnitScope.Of(UnitTree.WithUnitsBelow(db, unit)),
            ActorRole.Reviewer => UnitScope.All,
            ActorRole.DepartmentReporter when actor.UnitId is long unit => UnitScope.Department(unit),
            _ => UnitScope.Nothing,
        };
        _scopes[actor.Role] = scope;
        return scope;
    }

    public static string RoleName(ActorRole role) => role switch
    {
        ActorRole.Office => SaimaRoles.Office,
        ActorRole.Reporter => SaimaRoles.Reporter,
        ActorRole.Reviewer => SaimaRoles.Reviewer,
        ActorRole.DepartmentReporter => SaimaRoles.Department,
        _ => SaimaRoles.Leader,
    };
}

/// <summary>The Razor Pages policies of data entry, one per kind of work.</summary>
public static class AccessPolicies
{
    /// <summary>Entering figures: unit reporters, source departments, the office.</summary>
    public const string Enter = "saima.enter";

    /// <summary>Reviewing figures: reviewers and the office.</summary>
    public const string Review = "saima.review";

    /// <summary>The office's work: who is late, publication.</summary>
    public const string Office = "saima.office";

    /// <summary>
    /// The access service and the policies; a signed-in user whom a policy refuses gets 403
    /// (not a redirect to the login page, which would say nothing).
    /// </summary>
    public static IServiceCollection AddSaimaAccess(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<SaimaAccess>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Enter, p => p.RequireAuthenticatedUser().RequireRole(SaimaRoles.Reporter, SaimaRoles.Department, SaimaRoles.Office))
            .AddPolicy(Review, p => p.RequireAuthenticatedUser().RequireRole(SaimaRoles.Reviewer, SaimaRoles.Office))
            .AddPolicy(Office, p => p.RequireAuthenticatedUser().RequireRole(SaimaRoles.Office));

        // Every page under Features/Admin is the office's, whatever its own attributes say.
        services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Admin", Office));
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        return services;
    }
}
