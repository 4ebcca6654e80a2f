using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Shared;
using Saima.Web.Identity;

namespace Saima.Web.Tests;

/// <summary>One store on <see cref="AccessData"/> for the unit tests of the scope mechanism (read only).</summary>
public sealed class ScopeStore : IDisposable
{
    public ScopeStore()
    {
        string dir = Path.Combine(Path.GetTempPath(), "saima-web-tests");
        Directory.CreateDirectory(dir);
        Store = StoreOptions.SqliteFile(Path.Combine(dir, $"scope{Environment.ProcessId}_{Guid.NewGuid():N}.db"));
        SchemaMigrator.Migrate(Store);
        AccessData.Seed(Store);
    }

    public StoreOptions Store { get; }

    public void Dispose() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}

/// <summary>
/// The one access mechanism in itself (src/Saima.Web/Access): <see cref="UnitScope.Covers"/>,
/// <see cref="SaimaAccess.ScopeOf"/> (units below a reviewer's unit, at any depth) and
/// <see cref="ScopeQueries"/> on a real store, for every role.
/// </summary>
public sealed class ScopeUnitTests(ScopeStore fixture) : IClassFixture<ScopeStore>
{
    [Theory]
    [InlineData("all", 1L, null, true)]
    [InlineData("all", 1L, 9L, true)]
    [InlineData("nothing", 1L, null, false)]
    [InlineData("units 1,2", 2L, null, true)]
    [InlineData("units 1,2", 3L, null, false)]
    [InlineData("units 1,2", 1L, 9L, true)]
    [InlineData("department 9", 5L, 9L, true)]
    [InlineData("department 9", 5L, 8L, false)]
    [InlineData("department 9", 5L, null, false)]
    public void Covers_UnitAndSourceDepartment(string scope, long unit, long? source, bool covered)
    {
        UnitScope s = scope switch
        {
            "all" => UnitScope.All,
            "nothing" => UnitScope.Nothing,
            "units 1,2" => UnitScope.Of([1, 2]),
            _ => UnitScope.Department(9),
        };
        s.Covers(unit, source).ShouldBe(covered);
    }

    [Theory]
    [InlineData(SaimaRoles.Office, null, ActorRole.Office, "*")]
    [InlineData(SaimaRoles.Office, "CA", ActorRole.Office, "*")]
    [InlineData(SaimaRoles.Reporter, "CA", ActorRole.Reporter, "CA")]
    [InlineData(SaimaRoles.Reporter, "TA1", ActorRole.Reporter, "TA1")]
    [InlineData(SaimaRoles.Reporter, null, ActorRole.Reporter, "-")]
    [InlineData(SaimaRoles.Reviewer, "CA", ActorRole.Reviewer, "CA,TA1")]
    [InlineData(SaimaRoles.Reviewer, "TB1", ActorRole.Reviewer, "TB1")]
    [InlineData(SaimaRoles.Reviewer, "CITY", ActorRole.Reviewer, "CA,CB,CITY,DS,TA1,TB1")]
    [InlineData(SaimaRoles.Reviewer, null, ActorRole.Reviewer, "*")]
    [InlineData(SaimaRoles.Department, "DS", ActorRole.DepartmentReporter, "* from DS")]
    [InlineData(SaimaRoles.Department, null, ActorRole.DepartmentReporter, "-")]
    [InlineData(SaimaRoles.Leader, null, ActorRole.Leader, "-")]
    [InlineData(SaimaRoles.Leader, "CA", ActorRole.Leader, "-")]
    public void ScopeOf_EachRole(string role, string? unit, ActorRole actorRole, string expected)
    {
        using SaimaDb db = SaimaDb.Open(fixture.Store);
        SaimaAccess access = Access(db, role, unit);
        Actor actor = access.As(actorRole);
        actor.UnitId.ShouldBe(actorRole is ActorRole.Office or ActorRole.Leader || unit is null ? null : Unit(db, unit));
        Describe(db, access.ScopeOf(actor)).ShouldBe(expected);
    }

    [Fact]
    public void As_ARoleNotHeld_IsRefused_AndFirstOfPicksTheFirstHeld()
    {
        using SaimaDb db = SaimaDb.Open(fixture.Store);
        SaimaAccess reporter = Access(db, SaimaRoles.Reporter, "CA");
        Should.Throw<AccessDeniedException>(() => reporter.As(ActorRole.Reviewer));
        Should.Throw<AccessDeniedException>(() => reporter.AsFirstOf(ActorRole.Office, ActorRole.Leader));
        reporter.AsFirstOf(ActorRole.Office, ActorRole.Reporter).Role.ShouldBe(ActorRole.Reporter);

        SaimaAccess nobody = new(new HttpContextAccessor { HttpContext = new DefaultHttpContext() }, db);
        nobody.Name.ShouldBe(string.Empty);
        nobody.UnitId.ShouldBeNull();
        Should.Throw<AccessDeniedException>(() => nobody.As(ActorRole.Leader));
    }

    /// <summary>Unpublished figures of scheme T's open period 2025-07 each role's scope lets through.</summary>
    [Theory]
    [InlineData(SaimaRoles.Office, null, "CA/AIR CA/EMP CA/GDP CA/REV CB/AIR CB/GDP CB/REV TA1/AIR TA1/GDP TA1/REV TB1/AIR TB1/GDP TB1/REV")]
    [InlineData(SaimaRoles.Reporter, "CA", "CA/AIR CA/EMP CA/GDP CA/REV")]
    [InlineData(SaimaRoles.Reviewer, "CA", "CA/AIR CA/EMP CA/GDP CA/REV TA1/AIR TA1/GDP TA1/REV")]
    [InlineData(SaimaRoles.Reviewer, "TB1", "TB1/AIR TB1/GDP TB1/REV")]
    [InlineData(SaimaRoles.Department, "DS", "CA/AIR CA/EMP CB/AIR TA1/AIR TB1/AIR")]
    [InlineData(SaimaRoles.Leader, null, "")]
    public void Unpublished_And_Visible_FollowTheScope(string role, string? unit, string expected)
    {
        using SaimaDb db = SaimaDb.Open(fixture.Store);
        SaimaAccess access = Access(db, role, unit);
        UnitScope scope = access.ScopeOf(access.As(ActorOf(role)));
        long t = db.Schemes.Single(s => s.Code == "T").Id;

        Keys(db, db.Figures.Unpublished(db, scope).Where(f => f.SchemeId == t && f.Period == "2025-07")).ShouldBe(expected);
        Keys(db, db.Figures.Visible(db, scope).Where(f => f.SchemeId == t && f.Period == "2025-07")).ShouldBe(expected);

        // Published figures are everybody's; none is "unpublished".
        db.Figures.Visible(db, scope).Count(f => f.SchemeId == t && f.Period == "2025-05").ShouldBe(16);
        db.Figures.Unpublished(db, scope).Count(f => f.SchemeId == t && f.Period == "2025-05").ShouldBe(0);
    }

    [Theory]
    [InlineData(SaimaRoles.Office, null, "CA CB CITY DS TA1 TB1", "AIR EMP GDP REV")]
    [InlineData(SaimaRoles.Reporter, "CA", "CA", "AIR EMP GDP REV")]
    [InlineData(SaimaRoles.Reviewer, "CB", "CB TB1", "AIR EMP GDP REV")]
    [InlineData(SaimaRoles.Department, "DS", "CA CB CITY DS TA1 TB1", "AIR EMP")]
    [InlineData(SaimaRoles.Leader, null, "", "")]
    public void InScope_UnitsAndIndicators(string role, string? unit, string units, string indicators)
    {
        using SaimaDb db = SaimaDb.Open(fixture.Store);
        SaimaAccess access = Access(db, role, unit);
        UnitScope scope = access.ScopeOf(access.As(ActorOf(role)));
        long t = db.Schemes.Single(s => s.Code == "T").Id;
        string.Join(' ', db.Units.InScope(scope).Select(u => u.Code).AsEnumerable().Order(StringComparer.Ordinal)).ShouldBe(units);
        string.Join(' ', db.Indicators.InScope(scope).Where(i => i.SchemeId == t).Select(i => i.Code).AsEnumerable().Order(StringComparer.Ordinal)).ShouldBe(indicators);
    }

    private static ActorRole ActorOf(string role) => role switch
    {
        SaimaRoles.Office => ActorRole.Office,
        SaimaRoles.Reporter => ActorRole.Reporter,
        SaimaRoles.Reviewer => ActorRole.Reviewer,
        SaimaRoles.Department => ActorRole.DepartmentReporter,
        _ => ActorRole.Leader,
    };

    /// <summary>The access service of a signed-in user with one role and, when given, the unit claim.</summary>
    private static SaimaAccess Access(SaimaDb db, string role, string? unit)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "u." + role), new(ClaimTypes.Role, role) };
        if (unit is not null)
        {
            claims.Add(new Claim(SaimaClaims.Unit, Unit(db, unit).ToString(CultureInfo.InvariantCulture)));
        }

        var user = new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role));
        return new SaimaAccess(new HttpContextAccessor { HttpContext = new DefaultHttpContext { User = user } }, db);
    }

    private static long Unit(SaimaDb db, string code) => db.Units.Single(u => u.Code == code).Id;

    /// <summary>"*" every unit, "-" nothing, else the unit codes; " from X" a source department.</summary>
    private static string Describe(SaimaDb db, UnitScope scope)
    {
        if (scope.None)
        {
            return "-";
        }

        var codes = db.Units.ToDictionary(u => u.Id, u => u.Code);
        string units = scope.Units is null ? "*" : string.Join(',', scope.Units.Select(id => codes[id]).Order(StringComparer.Ordinal));
        return scope.SourceUnitId is long source ? $"{units} from {codes[source]}" : units;
    }

    private static string Keys(SaimaDb db, IQueryable<Figure> figures)
    {
        var units = db.Units.ToDictionary(u => u.Id, u => u.Code);
        var indicators = db.Indicators.ToDictionary(i => i.Id, i => i.Code);
        return string.Join(' ', figures.Select(f => new { f.UnitId, f.IndicatorId }).AsEnumerable()
            .Select(f => units[f.UnitId] + "/" + indicators[f.IndicatorId]).Order(StringComparer.Ordinal));
    }
}
