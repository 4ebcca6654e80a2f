using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Backup;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The change stamp (schema 0007): any committed change to what the published pages read changes
/// it, by whichever connection; changes to figures, and rolled-back changes, do not; an empty store
/// still holds no data.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ChangeStampTests(Stores stores)
{
    private static readonly DateTimeOffset At = new(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Stamp_NewStore_IsInitial_AndTheStoreHoldsNoData(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using SaimaDb db = SaimaDb.Open(store);
        (await ChangeStamp.ReadAsync(db)).ShouldBe(ChangeStamp.Initial);
        DatabaseOps.HoldsData(store).ShouldBeFalse("the stamp table has no row until the first change");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Stamp_ChangesWithEveryCommittedChangeToWhatPagesRead(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var seen = new List<long> { await ChangeStamp.ReadAsync(db) };

        async Task Changed(string what)
        {
            long now = await ChangeStamp.ReadAsync(db);
            seen.ShouldNotContain(now, $"{what}: the stamp should be new");
            (await ChangeStamp.ReadAsync(db)).ShouldBe(now, $"{what}: read twice without a change");
            seen.Add(now);
        }

        var unit = new Unit { Code = "C01", Name = "青山区", Kind = UnitKind.District };
        db.Units.Add(unit);
        db.SaveChanges();
        await Changed("a unit added");

        unit.Name = "青山市";
        db.SaveChanges();
        await Changed("a unit renamed");

        var scheme = new AssessmentScheme { Code = "S1", Name = "县域赛马", CreatedAt = At, CreatedBy = "office" };
        db.Schemes.Add(scheme);
        db.SaveChanges();
        await Changed("a scheme added");

        db.SchemeUnits.Add(new SchemeUnit { SchemeId = scheme.Id, UnitId = unit.Id, Track = "A" });
        db.SaveChanges();
        await Changed("a member added");

        db.Database.ExecuteSql($"UPDATE scheme_units SET track = 'B' WHERE unit_id = {unit.Id}");
        await Changed("a member moved to another track (SQL)");

        var indicator = new Indicator { SchemeId = scheme.Id, Code = "GDP", Name = "地区生产总值" };
        db.Indicators.Add(indicator);
        db.SaveChanges();
        await Changed("an indicator added");

        indicator.NameEn = "GDP";
        db.SaveChanges();
        await Changed("an indicator's English name");

        db.Database.ExecuteSql($"DELETE FROM scheme_units WHERE unit_id = {unit.Id}");
        await Changed("a member removed (SQL)");

        // Figures change all day and are not on the published pages: they move their own stamp only.
        (long pages, long figures) = await ChangeStamp.ReadBothAsync(db);
        (pages, figures).ShouldBe((seen[^1], ChangeStamp.Initial));
        var figure = new Figure { SchemeId = scheme.Id, UnitId = unit.Id, IndicatorId = indicator.Id, Period = "2025-06", Value = 1, EnteredBy = "r", EnteredAt = At };
        db.Figures.Add(figure);
        db.SaveChanges();
        (long pages2, long figures2) = await ChangeStamp.ReadBothAsync(db);
        pages2.ShouldBe(pages, "a figure entered: the pages' stamp stays");
        figures2.ShouldNotBe(figures, "a figure entered: the figures' stamp moves");

        figure.Status = FigureStatus.Submitted;
        db.SaveChanges();
        (long pages3, long figures3) = await ChangeStamp.ReadBothAsync(db);
        (pages3 == pages, figures3 != figures2).ShouldBe((true, true), "a figure submitted");

        unit.Name = "青山区";
        db.SaveChanges();
        (long pages4, long figures4) = await ChangeStamp.ReadBothAsync(db);
        (pages4 != pages3, figures4 == figures3).ShouldBe((true, true), "a unit renamed moves the pages' stamp only");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Stamp_SeesOtherConnectionsCommits_NotTheirRollbacks(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        using SaimaDb reader = SaimaDb.Open(store);
        using (SaimaDb writer = SaimaDb.Open(store))
        {
            writer.Units.Add(new Unit { Code = "C01", Name = "青山区", Kind = UnitKind.District });
            writer.SaveChanges();
        }

        long first = await ChangeStamp.ReadAsync(reader);
        first.ShouldNotBe(ChangeStamp.Initial);

        using (DbConnection other = SchemaMigrator.OpenConnection(store))
        {
            using DbTransaction tx = other.BeginTransaction();
            using DbCommand rename = other.CreateCommand();
            rename.Transaction = tx;
            rename.CommandText = "UPDATE units SET name = 'x' WHERE code = 'C01'";
            rename.ExecuteNonQuery();
            tx.Rollback();
        }

        (await ChangeStamp.ReadAsync(reader)).ShouldBe(first, "a rolled-back rename");

        using (DbConnection other = SchemaMigrator.OpenConnection(store))
        {
            using DbCommand rename = other.CreateCommand();
            rename.CommandText = "UPDATE units SET name = '青山市' WHERE code = 'C01'";
            rename.ExecuteNonQuery();
        }

        (await ChangeStamp.ReadAsync(reader)).ShouldNotBe(first, "a rename committed by another connection");
    }

    [Fact]
    public async Task Stamp_Sqlite_StatementsWithTheirOwnConflictClause_StillChangeIt()
    {
        // SQLite applies the conflict clause of the statement that fires a trigger (OR REPLACE,
        // OR IGNORE) to the trigger's statements too; the triggers never conflict, so it changes.
        StoreOptions store = stores.NewMigrated(StoreProvider.Sqlite);
        using SaimaDb db = SaimaDb.Open(store);
        db.Database.ExecuteSql($"INSERT INTO units (code, name, kind) VALUES ('C01', '青山区', 2)");
        long first = await ChangeStamp.ReadAsync(db);
        db.Database.ExecuteSql($"INSERT OR REPLACE INTO units (id, code, name, kind) SELECT id, code, '青山市', kind FROM units WHERE code = 'C01'");
        long second = await ChangeStamp.ReadAsync(db);
        second.ShouldNotBe(first);
        db.Database.ExecuteSql($"INSERT OR IGNORE INTO units (code, name, kind) VALUES ('C02', '绿水县', 1)");
        (await ChangeStamp.ReadAsync(db)).ShouldNotBe(second);
        db.Units.Select(u => u.Name).OrderBy(n => n).ToList().ShouldBe(["绿水县", "青山市"]);
    }
}
