using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using StoreOptions = Saima.Data.StoreOptions;
using StoreProvider = Saima.Data.StoreProvider;

namespace Saima.Web.Identity;

/// <summary>A person who logs in: the office, a unit's reporter or reviewer, a source department, a leader.</summary>
public sealed class SaimaUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>The unit (考核对象) or source department the user acts for; null for the office and leaders.</summary>
    public long? UnitId { get; set; }

    /// <summary>Set for a one-time password: nothing but the password change is allowed until it is changed.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The roles of issue 4. The office administers; the others are scoped to their unit or to what is published.</summary>
public static class SaimaRoles
{
    public const string Office = "office";
    public const string Reporter = "reporter";
    public const string Reviewer = "reviewer";
    public const string Department = "department";
    public const string Leader = "leader";

    public static IReadOnlyList<string> All { get; } = [Office, Reporter, Reviewer, Department, Leader];
}

/// <summary>The claims Saima adds to a signed-in user.</summary>
public static class SaimaClaims
{
    /// <summary>The id of the user's unit (units.id), when it has one.</summary>
    public const string Unit = "saima:unit";

    /// <summary>Present while the user still has a one-time password.</summary>
    public const string MustChangePassword = "saima:must_change_password";
}

/// <summary>
/// Identity's users and roles in the same database as the store. The tables are made by schema
/// script 0004_identity.sql (both providers); this model maps onto them with snake_case names,
/// as <see cref="Saima.Data.SaimaDb"/> does for the store's tables.
/// </summary>
public sealed class SaimaIdentityDb(DbContextOptions<SaimaIdentityDb> options) : IdentityDbContext<SaimaUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// The keys that protect login cookies and anti-forgery tokens (schema 0017), shared by every
    /// web node on the database: a cookie issued by one node is read by the others.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Login sessions kept on the server (<see cref="Saima.Web.Security.DbTicketStore"/>).</summary>
    public DbSet<Saima.Web.Security.AuthSession> Sessions => Set<Saima.Web.Security.AuthSession>();

    public static void Configure(DbContextOptionsBuilder builder, StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        if (store.Provider == StoreProvider.Sqlite)
        {
            builder.UseSqlite(store.ConnectionString);
        }
        else
        {
            builder.UseNpgsql(store.ConnectionString);
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<SaimaUser>(e =>
        {
            e.ToTable("identity_users");
            e.HasIndex(u => u.NormalizedUserName).HasDatabaseName("ix_identity_users_normalized_user_name").IsUnique();
            e.HasIndex(u => u.NormalizedEmail).HasDatabaseName("ix_identity_users_normalized_email");
        });
        builder.Entity<IdentityRole>(e =>
        {
            e.ToTable("identity_roles");
            e.HasIndex(r => r.NormalizedName).HasDatabaseName("ix_identity_roles_normalized_name").IsUnique();
        });
        builder.Entity<IdentityUserRole<string>>().ToTable("identity_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("identity_user_claims");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("identity_role_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("identity_user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("identity_user_tokens");
        builder.Entity<Saima.Web.Security.AuthSession>(e =>
        {
            // Schema script 0010_auth_sessions.sql: the server side of login sessions (Security/DbTicketStore.cs).
            e.ToTable("auth_sessions");
            e.HasKey(x => x.Id);
        });
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
