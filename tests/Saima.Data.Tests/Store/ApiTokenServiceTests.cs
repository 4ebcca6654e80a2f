using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>The one door of personal API tokens, on both databases: create, check, revoke own, revoke any (office), revoke all of a user, the office's list.</summary>
[Collection(StoresCollection.Name)]
public sealed class ApiTokenServiceTests(Stores stores)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_ChecksAndAudits_AndTheStoreCheckKnowsOnlyLiveTokens(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        var clock = TestClocks.At(Start);
        string rep = AddUser(store, "rep.a");
        using SaimaDb db = SaimaDb.Open(store);
        var tokens = new ApiTokenService(db, clock);

        NewApiToken made = await tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", " 导入 ", 30, "saima token create");

        made.Secret.ShouldStartWith(ApiTokenService.Marker);
        (await tokens.FindLiveAsync(made.Secret)).ShouldNotBeNull().Name.ShouldBe("导入");
        (await tokens.FindLiveAsync(made.Secret + "x")).ShouldBeNull();
        AuditEntry audit = db.Audit.AsNoTracking().Single(a => a.Entity == ApiTokenService.AuditEntity);
        (audit.User, audit.Action, audit.EntityKey, audit.NewValue).ShouldBe(("rep.a", "create", "rep.a/" + made.Secret[..ApiTokenService.PrefixLength], "导入"));
        audit.Reason.ShouldBe("expires 2026-04-01T01:00:00Z; made by saima token create");

        clock.Advance(TimeSpan.FromDays(31));
        (await tokens.FindLiveAsync(made.Secret)).ShouldBeNull("expired");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_ForAnotherUser_BadNameOrLifetime_OrTooMany_IsRefusedWithItsCode(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        string rep = AddUser(store, "rep.a");
        using SaimaDb db = SaimaDb.Open(store);
        var tokens = new ApiTokenService(db, TestClocks.At(Start));

        (await Should.ThrowAsync<AccessDeniedException>(() => tokens.CreateAsync(ApiTokenService.Owner("someone"), rep, "rep.a", "x", null))).Code.ShouldBe(WorkflowCodes.TokenNotOwn);
        (await Should.ThrowAsync<WorkflowException>(() => tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", "  ", null))).Code.ShouldBe(WorkflowCodes.TokenName);
        (await Should.ThrowAsync<WorkflowException>(() => tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", "a\u0001b", null))).Code.ShouldBe(WorkflowCodes.TokenName);
        (await Should.ThrowAsync<WorkflowException>(() => tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", "x", 0))).Code.ShouldBe(WorkflowCodes.TokenDays);
        (await Should.ThrowAsync<WorkflowException>(() => tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", "x", ApiTokenService.MaxDays + 1))).Code.ShouldBe(WorkflowCodes.TokenDays);
        for (int i = 0; i < ApiTokenService.MaxActivePerUser; i++)
        {
            await tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", "t", 1);
        }

        (await Should.ThrowAsync<WorkflowException>(() => tokens.CreateAsync(ApiTokenService.Owner("rep.a"), rep, "rep.a", "x", null))).Code.ShouldBe(WorkflowCodes.TokenLimit);
        db.ApiTokens.Count().ShouldBe(ApiTokenService.MaxActivePerUser);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RevokeAllOf_RevokesEveryLiveTokenOfTheUserOnly_AuditedWithTheReason(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        string a = AddUser(store, "rep.a");
        string b = AddUser(store, "rep.b");
        using SaimaDb db = SaimaDb.Open(store);
        var tokens = new ApiTokenService(db, TestClocks.At(Start));
        NewApiToken a1 = await tokens.CreateAsync(ApiTokenService.Owner("rep.a"), a, "rep.a", "one", null);
        NewApiToken a2 = await tokens.CreateAsync(ApiTokenService.Owner("rep.a"), a, "rep.a", "two", 5);
        NewApiToken b1 = await tokens.CreateAsync(ApiTokenService.Owner("rep.b"), b, "rep.b", "one", null);

        (await Should.ThrowAsync<AccessDeniedException>(() => tokens.RevokeAllOfAsync(ApiTokenService.Owner("rep.b"), a, "rep.a", "x"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await tokens.RevokeAllOfAsync(Actor.Office("office.li"), a, "rep.a", "password reset by the office")).ShouldBe(2);

        (await tokens.FindLiveAsync(a1.Secret)).ShouldBeNull();
        (await tokens.FindLiveAsync(a2.Secret)).ShouldBeNull();
        (await tokens.FindLiveAsync(b1.Secret)).ShouldNotBeNull();
        db.Audit.AsNoTracking().Where(e => e.Action == "revoke").Select(e => new { e.User, e.Reason }).ToList()
            .ShouldAllBe(e => e.User == "office.li" && e.Reason == "password reset by the office");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListLive_ForTheOffice_PagesLiveTokensWithOwners_AndRevokeAny_IsOfficeOnly(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        var clock = TestClocks.At(Start);
        string a = AddUser(store, "rep.a");
        string b = AddUser(store, "rep.b");
        using SaimaDb db = SaimaDb.Open(store);
        var tokens = new ApiTokenService(db, clock);
        await tokens.CreateAsync(ApiTokenService.Owner("rep.a"), a, "rep.a", "expires", 1);
        NewApiToken own = await tokens.CreateAsync(ApiTokenService.Owner("rep.a"), a, "rep.a", "own", null);
        NewApiToken other = await tokens.CreateAsync(ApiTokenService.Owner("rep.b"), b, "rep.b", "other", null);
        (await tokens.RevokeOwnAsync(ApiTokenService.Owner("rep.a"), a, own.Row.Id)).ShouldBeTrue();
        clock.Advance(TimeSpan.FromDays(2));

        (await Should.ThrowAsync<AccessDeniedException>(() => tokens.ListLiveAsync(ApiTokenService.Owner("rep.a"), 1, 50))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (int total, IReadOnlyList<LiveApiToken> rows) = await tokens.ListLiveAsync(Actor.Office("office.li"), 1, 50);
        total.ShouldBe(1, "revoked and expired tokens are not live");
        rows.Single().ShouldSatisfyAllConditions(r => r.Owner.ShouldBe("rep.b"), r => r.Name.ShouldBe("other"), r => r.Prefix.ShouldBe(other.Secret[..ApiTokenService.PrefixLength]));

        (await Should.ThrowAsync<AccessDeniedException>(() => tokens.RevokeAnyAsync(ApiTokenService.Owner("rep.a"), other.Row.Id))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await tokens.RevokeAnyAsync(Actor.Office("office.li"), other.Row.Id, "离职")).ShouldBeTrue();
        (await tokens.RevokeAnyAsync(Actor.Office("office.li"), other.Row.Id)).ShouldBeFalse("revoked already");
        AuditEntry audit = db.Audit.AsNoTracking().OrderByDescending(e => e.Id).First();
        (audit.User, audit.Action, audit.EntityKey, audit.Reason).ShouldBe(("office.li", "revoke", "rep.b/" + other.Row.Prefix, "离职"));
    }

    /// <summary>A web user as the web application's Identity store writes one (identity_users); its id.</summary>
    private static string AddUser(StoreOptions store, string name)
    {
        string id = Guid.NewGuid().ToString();
        using SaimaDb db = SaimaDb.Open(store);
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        db.Database.ExecuteSql($"INSERT INTO identity_users (id, user_name, normalized_user_name, created_at) VALUES ({id}, {name}, {name.ToUpperInvariant()}, {created})");
        return id;
    }
}
