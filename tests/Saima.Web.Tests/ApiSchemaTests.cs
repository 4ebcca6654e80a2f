using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Identity;
using StoreOptions = Saima.Data.StoreOptions;
using Saima.Web.Features.Api;

namespace Saima.Web.Tests;

/// <summary>Schema script 0005_api_tokens.sql and the ApiToken mapping agree, and tokens are made and revoked with their audit rows, on both databases.</summary>
[Collection(StoresCollection.Name)]
public sealed class ApiSchemaTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Token_IsStoredAsHash_ReadBack_Revoked_AndAudited(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using (SaimaDb db = SaimaDb.Open(store))
        using (DbConnection c = SchemaMigrator.OpenConnection(store))
        {
            var entity = db.Model.FindEntityType(typeof(ApiToken))!;
            using DbCommand cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT {string.Join(", ", entity.GetProperties().Select(p => p.GetColumnName()))} FROM {entity.GetTableName()} WHERE 1 = 0";
            Should.NotThrow(() => cmd.ExecuteNonQuery(), provider.ToString());
        }

        string userId;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<SaimaIdentityDb>(o => SaimaIdentityDb.Configure(o, store));
        services.AddIdentityCore<SaimaUser>(IdentityExtensions.ConfigureIdentity).AddRoles<IdentityRole>().AddEntityFrameworkStores<SaimaIdentityDb>();
        await using (ServiceProvider sp = services.BuildServiceProvider())
        using (IServiceScope scope = sp.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
            var user = new SaimaUser { UserName = "api.user", CreatedAt = DateTimeOffset.UtcNow };
            (await users.CreateAsync(user, "Api-User-Pass-1")).Succeeded.ShouldBeTrue();
            userId = user.Id;
        }

        NewApiToken made;
        using (SaimaDb db = SaimaDb.Open(store))
        {
            made = await new ApiTokenService(db, TimeProvider.System).CreateAsync(Actor.Leader("api.user"), userId, "api.user", "导入脚本", 30);
        }

        using (SaimaDb db = SaimaDb.Open(store))
        {
            ApiToken row = db.ApiTokens.Single(t => t.TokenHash == ApiTokenService.Hash(made.Secret));
            (row.UserId, row.Name, row.Prefix).ShouldBe((userId, "导入脚本", made.Secret[..ApiTokenService.PrefixLength]));
            row.CreatedAt.ShouldBe(made.Row.CreatedAt);
            row.ExpiresAt.ShouldBe(made.Row.CreatedAt.AddDays(30));
            db.ApiTokens.Any(t => t.TokenHash == made.Secret || t.Prefix == made.Secret).ShouldBeFalse();
            (await new ApiTokenService(db, TimeProvider.System).RevokeOwnAsync(Actor.Leader("x"), "someone-else", row.Id)).ShouldBeFalse();
            (await new ApiTokenService(db, TimeProvider.System).RevokeOwnAsync(Actor.Leader("api.user"), userId, row.Id)).ShouldBeTrue();
            (await new ApiTokenService(db, TimeProvider.System).RevokeOwnAsync(Actor.Leader("api.user"), userId, row.Id)).ShouldBeFalse();
        }

        using (SaimaDb db = SaimaDb.Open(store))
        {
            db.ApiTokens.Single().RevokedAt.ShouldNotBeNull();
            db.Audit.Where(a => a.Entity == ApiTokenService.AuditEntity).OrderBy(a => a.Id).Select(a => a.Action).ToList().ShouldBe(["create", "revoke"]);
        }
    }
}
