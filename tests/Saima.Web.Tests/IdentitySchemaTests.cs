using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Saima.Data;
using Saima.Web.Identity;
using StoreOptions = Saima.Data.StoreOptions;

namespace Saima.Web.Tests;

/// <summary>Schema script 0004_identity.sql and the Identity model of SaimaIdentityDb agree, on both databases.</summary>
[Collection(StoresCollection.Name)]
public sealed class IdentitySchemaTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void EveryMappedColumn_ExistsInTheScriptTables(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using SaimaIdentityDb db = Open(store);
        using DbConnection c = SchemaMigrator.OpenConnection(store);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            string table = entity.GetTableName()!;
            string columns = string.Join(", ", entity.GetProperties().Select(p => p.GetColumnName()));
            using DbCommand cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT {columns} FROM {table} WHERE 1 = 0";
            Should.NotThrow(() => cmd.ExecuteNonQuery(), $"{provider}: {table} ({columns})");
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UserWithRoleUnitAndLockout_IsStoredAndReadBack(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        long unitId;
        using (SaimaDb data = SaimaDb.Open(store))
        {
            var unit = new Unit { Code = "C01", Name = "青山区", Kind = UnitKind.District };
            data.Units.Add(unit);
            data.SaveChanges();
            unitId = unit.Id;
        }

        await using ServiceProvider services = Services(store);
        using (IServiceScope scope = services.CreateScope())
        {
            await FirstAdmin.EnsureAsync(scope.ServiceProvider, "Admin-Password-1", TextWriter.Null);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
            var reporter = new SaimaUser { UserName = "qs-reporter", DisplayName = "青山区填报员", UnitId = unitId, CreatedAt = DateTimeOffset.UtcNow };
            (await users.CreateAsync(reporter, "Reporter-Pass-1")).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(reporter, SaimaRoles.Reporter)).Succeeded.ShouldBeTrue();
            (await users.AddClaimAsync(reporter, new System.Security.Claims.Claim("saima:note", "测试"))).Succeeded.ShouldBeTrue();
            (await users.SetLockoutEndDateAsync(reporter, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))).Succeeded.ShouldBeTrue();
        }

        using (IServiceScope scope = services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SaimaUser>>();
            SaimaUser read = (await users.FindByNameAsync("QS-REPORTER")).ShouldNotBeNull();
            read.DisplayName.ShouldBe("青山区填报员");
            read.UnitId.ShouldBe(unitId);
            read.MustChangePassword.ShouldBeFalse();
            read.LockoutEnd.ShouldBe(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
            (await users.GetRolesAsync(read)).ShouldBe([SaimaRoles.Reporter]);
            (await users.GetClaimsAsync(read)).Single().Value.ShouldBe("测试");
            (await users.CheckPasswordAsync(read, "Reporter-Pass-1")).ShouldBeTrue();

            SaimaUser admin = (await users.FindByNameAsync(FirstAdmin.UserName)).ShouldNotBeNull();
            (await users.IsInRoleAsync(admin, SaimaRoles.Office)).ShouldBeTrue();
            admin.MustChangePassword.ShouldBeFalse();
            scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().Roles.Select(r => r.Name!).OrderBy(n => n).ToList()
                .ShouldBe(SaimaRoles.All.Order(StringComparer.Ordinal).ToList());
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void FirstAdmin_SecondStart_NeitherReplacesNorPrintsAgain(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        var first = new StringWriter();
        FirstAdmin.Ensure(store, null, first);
        first.ToString().ShouldContain("one-time password");
        var second = new StringWriter();
        FirstAdmin.Ensure(store, "Another-Password-1", second);
        second.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void AdminPassword_BreakingTheRules_IsRefusedWithTheReason()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Sqlite);
        var e = Should.Throw<InvalidOperationException>(() => FirstAdmin.Ensure(store, "short", TextWriter.Null));
        e.Message.ShouldContain("SAIMA_ADMIN_PASSWORD does not meet the password rules");
    }

    [Fact]
    public void OneTimePasswords_MeetTheRules()
    {
        for (int i = 0; i < 200; i++)
        {
            string p = FirstAdmin.OneTimePassword();
            p.Length.ShouldBe(16);
            p.ShouldContain(c => char.IsDigit(c));
            p.ShouldContain(c => char.IsUpper(c));
            p.ShouldContain(c => char.IsLower(c));
        }
    }

    private static SaimaIdentityDb Open(StoreOptions store)
    {
        var b = new DbContextOptionsBuilder<SaimaIdentityDb>();
        SaimaIdentityDb.Configure(b, store);
        return new SaimaIdentityDb(b.Options);
    }

    private static ServiceProvider Services(StoreOptions store)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<SaimaIdentityDb>(o => SaimaIdentityDb.Configure(o, store));
        services.AddIdentityCore<SaimaUser>(IdentityExtensions.ConfigureIdentity).AddRoles<IdentityRole>().AddEntityFrameworkStores<SaimaIdentityDb>();
        return services.BuildServiceProvider();
    }
}
