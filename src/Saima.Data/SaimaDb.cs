using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data;

public enum StoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the data lives: a SQLite file (the default) or a PostgreSQL database.</summary>
public sealed record StoreOptions(StoreProvider Provider, string ConnectionString)
{
    public static StoreOptions SqliteFile(string path) =>
        new(StoreProvider.Sqlite, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());

    public static StoreOptions Postgres(string connectionString) => new(StoreProvider.Postgres, connectionString);

    /// <summary>
    /// The same store tuned for a long-running server (<c>saima serve</c>). SQLite: connections
    /// pooled, where opening the file and reading its schema for every query costs about 0.4 ms;
    /// short-lived commands and tests stay unpooled, so that the file is closed when they are done
    /// with it. PostgreSQL, unless the connection string says otherwise (or turns pooling off):
    /// statements used often are prepared on the server (<c>Max Auto Prepare=20</c>: no parse and
    /// plan for each of them) and a pooled connection is not reset after each use (<c>No Reset On
    /// Close</c>: no <c>DISCARD ALL</c> per request; Saima sets no session state outside a
    /// transaction). Together they halved PostgreSQL's CPU per page (bench/web/README.md).
    /// </summary>
    public StoreOptions Pooled()
    {
        if (Provider == StoreProvider.Sqlite)
        {
            return this with { ConnectionString = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString) { Pooling = true }.ToString() };
        }

        var pg = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        if (!pg.Pooling)
        {
            return this;
        }

        // The keys as written ("Max Auto Prepare", "MaxAutoPrepare", any case): Npgsql's own
        // builder answers for every keyword it knows, given or not.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = ConnectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        if (!given.Contains("MAXAUTOPREPARE"))
        {
            pg.MaxAutoPrepare = 20;
        }

        if (!given.Contains("NORESETONCLOSE"))
        {
            pg.NoResetOnClose = true;
        }

        return this with { ConnectionString = pg.ConnectionString };
    }

    public override string ToString() => Provider == StoreProvider.Sqlite
        ? $"SQLite {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource}"
        : $"PostgreSQL {new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }}";
}

/// <summary>
/// The EF Core model. The schema itself is made by the SQL scripts under Migrations/ (one set per
/// provider, applied by <see cref="SchemaMigrator"/>); this model maps onto it with snake_case
/// names, so that the same code runs on SQLite and PostgreSQL.
/// </summary>
public sealed class SaimaDb(DbContextOptions<SaimaDb> options) : DbContext(options)
{
    /// <summary>
    /// The options of <see cref="Open"/>, built once per store: EF Core finds its internal services
    /// by comparing the options, and building them anew for every context cost a web request about
    /// a tenth of its allocations (bench/web/README.md).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<StoreOptions, DbContextOptions<SaimaDb>> OptionsByStore = new();

    /// <summary>The provider behind this context (from its options, so that pooled contexts need no other argument).</summary>
    public StoreProvider Provider => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL" ? StoreProvider.Postgres : StoreProvider.Sqlite;

    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<AssessmentScheme> Schemes => Set<AssessmentScheme>();
    public DbSet<SchemeVersion> SchemeVersions => Set<SchemeVersion>();
    public DbSet<SchemeUnit> SchemeUnits => Set<SchemeUnit>();
    public DbSet<Indicator> Indicators => Set<Indicator>();
    public DbSet<Target> Targets => Set<Target>();
    public DbSet<ReportingPeriod> Periods => Set<ReportingPeriod>();
    public DbSet<Figure> Figures => Set<Figure>();
    public DbSet<ImportBatch> Imports => Set<ImportBatch>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<ResultSet> ResultSets => Set<ResultSet>();
    public DbSet<ResultRow> ResultRows => Set<ResultRow>();
    public DbSet<WarningResult> WarningResults => Set<WarningResult>();
    public DbSet<UnitTraceRow> UnitTraces => Set<UnitTraceRow>();
    public DbSet<ResultNodeRanked> ResultNodeRanked => Set<ResultNodeRanked>();
    public DbSet<AnalysisSettings> AnalysisSettings => Set<AnalysisSettings>();
    public DbSet<RankIntervalRun> RankIntervalRuns => Set<RankIntervalRun>();
    public DbSet<RankInterval> RankIntervals => Set<RankInterval>();
    public DbSet<RankSensitivityRow> RankSensitivity => Set<RankSensitivityRow>();
    public DbSet<WhatItTakesRow> WhatItTakes => Set<WhatItTakesRow>();
    public DbSet<AnalysisPending> AnalysisPending => Set<AnalysisPending>();
    public DbSet<NamedPeer> NamedPeers => Set<NamedPeer>();
    public DbSet<ExternalBenchmark> ExternalBenchmarks => Set<ExternalBenchmark>();
    public DbSet<AdjustmentItem> Adjustments => Set<AdjustmentItem>();
    public DbSet<EvidenceFile> Evidence => Set<EvidenceFile>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<Reminder> Reminders => Set<Reminder>();
    public DbSet<ReminderRead> ReminderReads => Set<ReminderRead>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AnnualRuleRow> AnnualRules => Set<AnnualRuleRow>();
    public DbSet<IssuedDocument> IssuedDocuments => Set<IssuedDocument>();
    public DbSet<ArenaSession> ArenaSessions => Set<ArenaSession>();
    public DbSet<ArenaCriterion> ArenaCriteria => Set<ArenaCriterion>();
    public DbSet<ArenaCategory> ArenaCategories => Set<ArenaCategory>();
    public DbSet<ArenaContestant> ArenaContestants => Set<ArenaContestant>();
    public DbSet<ArenaJudge> ArenaJudges => Set<ArenaJudge>();
    public DbSet<ArenaBallot> ArenaBallots => Set<ArenaBallot>();
    public DbSet<ArenaGrade> ArenaGrades => Set<ArenaGrade>();
    public DbSet<ListItem> ListItems => Set<ListItem>();
    public DbSet<ListCoOwner> ListCoOwners => Set<ListCoOwner>();
    public DbSet<ListMeasure> ListMeasures => Set<ListMeasure>();
    public DbSet<ListComment> ListComments => Set<ListComment>();
    public DbSet<ListEvidence> ListEvidence => Set<ListEvidence>();
    public DbSet<ProjectBatch> ProjectBatches => Set<ProjectBatch>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectInvestment> ProjectInvestments => Set<ProjectInvestment>();
    public DbSet<ProjectEvidence> ProjectEvidence => Set<ProjectEvidence>();
    public DbSet<IndicatorFeed> IndicatorFeeds => Set<IndicatorFeed>();
    public DbSet<EscalationRule> EscalationRules => Set<EscalationRule>();

    /// <summary>
    /// Saves, writing the audit entries added to the context through the audit chain
    /// (<see cref="Store.AuditChain"/>): after the other changes, placed and hashed under the chain's
    /// lock, in the same transaction (one is opened when none is current).
    /// </summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        CountFigureVersions();
        List<AuditEntry> audit = TakeAddedAudit();
        if (audit.Count == 0)
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }

        if (Database.CurrentTransaction is not null)
        {
            int n = base.SaveChanges(acceptAllChangesOnSuccess);
            Store.AuditChain.Append(this, audit);
            return n + audit.Count;
        }

        using var tx = Database.BeginTransaction();
        int saved = base.SaveChanges(acceptAllChangesOnSuccess);
        Store.AuditChain.Append(this, audit);
        tx.Commit();
        return saved + audit.Count;
    }

    /// <inheritdoc cref="SaveChanges(bool)"/>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        CountFigureVersions();
        List<AuditEntry> audit = TakeAddedAudit();
        if (audit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
        }

        if (Database.CurrentTransaction is not null)
        {
            int n = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
            Store.AuditChain.Append(this, audit);
            return n + audit.Count;
        }

        await using var tx = await Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
        Store.AuditChain.Append(this, audit);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return saved + audit.Count;
    }

    /// <summary>The audit entries added to the context, in the order added, no longer tracked (the chain writes them).</summary>
    private List<AuditEntry> TakeAddedAudit()
    {
        var added = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).ToList();
        foreach (var e in added)
        {
            e.State = EntityState.Detached;
        }

        return added.Select(e => e.Entity).OrderBy(e => e.CreationOrder).ToList();
    }

    /// <summary>Opens a context on the store (the schema must exist: see <see cref="SchemaMigrator"/>).</summary>
    public static SaimaDb Open(StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new SaimaDb(OptionsByStore.GetOrAdd(store, s =>
        {
            var builder = new DbContextOptionsBuilder<SaimaDb>();
            Configure(builder, s);
            return builder.Options;
        }));
    }

    /// <summary>Points a context's options at the store (also for a pool of contexts: <c>AddDbContextPool</c>).</summary>
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

    /// <summary>
    /// Every changed figure goes out as its read version plus one, and only where the store still
    /// holds the read version: a figure changed meanwhile by another request fails the save with
    /// <see cref="DbUpdateConcurrencyException"/> instead of being overwritten.
    /// </summary>
    private void CountFigureVersions()
    {
        foreach (var entry in ChangeTracker.Entries<Figure>())
        {
            if (entry.State == EntityState.Modified)
            {
                var version = entry.Property(f => f.RowVersion);
                if (version.CurrentValue == version.OriginalValue)
                {
                    version.CurrentValue = version.OriginalValue + 1;
                }
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Unit>(e =>
        {
            e.ToTable("units");
            e.HasIndex(x => x.Code).IsUnique();
            e.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId);
        });
        b.Entity<AssessmentScheme>(e =>
        {
            e.ToTable("schemes");
            e.HasIndex(x => x.Code).IsUnique();
        });
        b.Entity<SchemeVersion>(e =>
        {
            e.ToTable("scheme_versions");
            e.HasIndex(x => new { x.SchemeId, x.Version }).IsUnique();
        });
        b.Entity<SchemeUnit>(e =>
        {
            e.ToTable("scheme_units");
            e.HasKey(x => new { x.SchemeId, x.UnitId });
            e.HasOne(x => x.Unit).WithMany().HasForeignKey(x => x.UnitId);
        });
        b.Entity<Indicator>(e =>
        {
            e.ToTable("indicators");
            e.HasIndex(x => new { x.SchemeId, x.Code }).IsUnique();
        });
        b.Entity<Target>(e =>
        {
            e.ToTable("targets");
            e.HasIndex(x => new { x.SchemeId, x.UnitId, x.IndicatorId, x.Year }).IsUnique();
        });
        b.Entity<ReportingPeriod>(e =>
        {
            e.ToTable("periods");
            e.HasIndex(x => new { x.SchemeId, x.Code }).IsUnique();
        });
        b.Entity<Figure>(e =>
        {
            e.ToTable("figures");
            e.HasIndex(x => new { x.SchemeId, x.Period, x.UnitId, x.IndicatorId, x.Revision }).IsUnique();
            e.Property(x => x.RowVersion).IsConcurrencyToken();
        });
        b.Entity<ImportBatch>(e => e.ToTable("imports"));
        b.Entity<AuditEntry>(e => e.ToTable("audit"));
        b.Entity<ResultSet>(e => e.ToTable("result_sets"));
        b.Entity<ResultRow>(e =>
        {
            e.ToTable("result_rows");
            e.HasKey(x => new { x.ResultSetId, x.UnitId, x.Node });
        });
        b.Entity<UnitTraceRow>(e =>
        {
            e.ToTable("unit_traces");
            e.HasKey(x => new { x.ResultSetId, x.UnitId });
        });
        b.Entity<ResultNodeRanked>(e =>
        {
            e.ToTable("result_node_ranked");
            e.HasKey(x => new { x.ResultSetId, x.Node });
        });
        b.Entity<AnalysisSettings>(e =>
        {
            e.ToTable("analysis_settings");
            e.HasKey(x => x.SchemeId);
            e.Property(x => x.SchemeId).ValueGeneratedNever();
        });
        b.Entity<RankIntervalRun>(e =>
        {
            e.ToTable("rank_interval_runs");
            e.HasKey(x => x.ResultSetId);
            e.Property(x => x.ResultSetId).ValueGeneratedNever();
        });
        b.Entity<RankInterval>(e =>
        {
            e.ToTable("rank_intervals");
            e.HasKey(x => new { x.ResultSetId, x.UnitId });
        });
        b.Entity<RankSensitivityRow>(e =>
        {
            e.ToTable("rank_sensitivity");
            e.HasKey(x => new { x.ResultSetId, x.Ordinal });
        });
        b.Entity<WhatItTakesRow>(e =>
        {
            e.ToTable("what_it_takes");
            e.HasKey(x => new { x.ResultSetId, x.UnitId });
        });
        b.Entity<AnalysisPending>(e =>
        {
            e.ToTable("analysis_pending");
            e.HasKey(x => x.ResultSetId);
            e.Property(x => x.ResultSetId).ValueGeneratedNever();
        });
        b.Entity<NamedPeer>(e =>
        {
            e.ToTable("named_peers");
            e.HasKey(x => new { x.SchemeId, x.UnitId, x.PeerUnitId });
        });
        b.Entity<ExternalBenchmark>(e => e.ToTable("external_benchmarks"));
        b.Entity<WarningResult>(e =>
        {
            e.ToTable("warning_results");
            e.HasKey(x => new { x.ResultSetId, x.UnitId, x.Indicator });
        });
        b.Entity<AdjustmentItem>(e => e.ToTable("adjustments"));
        b.Entity<EvidenceFile>(e =>
        {
            e.ToTable("evidence");
            e.HasIndex(x => new { x.Entity, x.EntityId });
        });
        b.Entity<Setting>(e =>
        {
            e.ToTable("settings");
            e.HasKey(x => x.Key);
        });
        b.Entity<Reminder>(e => e.ToTable("reminders"));
        b.Entity<ReminderRead>(e =>
        {
            e.ToTable("reminder_reads");
            e.HasKey(x => new { x.ReminderId, x.UserName });
        });
        b.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.HasIndex(x => x.TokenHash).IsUnique();
        });
        ArenaModel.Configure(b);
        b.Entity<AnnualRuleRow>(e =>
        {
            e.ToTable("annual_rules");
            e.HasKey(x => x.SchemeId);
            e.Property(x => x.SchemeId).ValueGeneratedNever();
        });
        b.Entity<IssuedDocument>(e => e.ToTable("issued_documents"));

        ListModel.Configure(b);
        ProjectModel.Configure(b);

        // snake_case columns on both providers, so that raw SQL (COPY, scripts) reads the same everywhere.
        foreach (var entity in b.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }

        if (Provider == StoreProvider.Sqlite)
        {
            // SQLite has no DateTimeOffset type: store ISO 8601 text that sorts as time.
            foreach (var entity in b.Model.GetEntityTypes())
            {
                foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
                {
                    property.SetValueConverter(typeof(DateTimeOffset) == property.ClrType
                        ? new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, string>(
                            v => v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                            v => DateTimeOffset.Parse(v, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal))
                        : new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset?, string?>(
                            v => v == null ? null : v.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                            v => v == null ? null : DateTimeOffset.Parse(v, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)));
                }
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
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
